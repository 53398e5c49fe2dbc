package dev.lakeops.flink.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/**
 * The operator harnesses a test opened (Flink's in-process operator test harnesses, no cluster),
 * closed together after the test.
 */
public final class Harnesses implements AutoCloseable {
  private final List<AbstractStreamOperatorTestHarness<?>> open = new ArrayList<>();

  /**
   * Sets up and opens {@code harness}, first restoring {@code restoreFrom} (a snapshot of an
   * earlier harness, as after a failure) unless it is null.
   */
  public <H extends AbstractStreamOperatorTestHarness<?>> H open(
      H harness, OperatorSubtaskState restoreFrom) throws Exception {
    open.add(harness);
    harness.setup();
    if (restoreFrom != null) {
      harness.initializeState(restoreFrom);
    }
    harness.open();
    return harness;
  }

  @Override
  public void close() throws Exception {
    for (AbstractStreamOperatorTestHarness<?> h : open) {
      h.close();
    }
    open.clear();
  }
}
