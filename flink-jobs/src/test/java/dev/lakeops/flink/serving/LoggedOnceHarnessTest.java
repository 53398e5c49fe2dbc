package dev.lakeops.flink.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.testing.Harnesses;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving job's idempotency guard in Flink's operator harness (no cluster): a key passes once
 * per job, keys in the prediction log at start never pass, and after a restore exactly the keys
 * passed before the snapshot stay blocked while those passed after it (lost with the failure, never
 * committed) pass again.
 */
class LoggedOnceHarnessTest {
  @TempDir Path tmp;

  private final Harnesses harnesses = new Harnesses();

  @AfterEach
  void close() throws Exception {
    harnesses.close();
  }

  private KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(
      String log, OperatorSubtaskState restoreFrom) throws Exception {
    return harnesses.open(
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new LoggedOnce(log)),
            new LoggedOnce.Key(),
            Types.STRING,
            128,
            1,
            0),
        restoreFrom);
  }

  private static String event(String id, int n) {
    return "{\"event_id\":\"" + id + "\",\"market_id\":\"NSW\",\"event_time\":" + n + "}";
  }

  private static List<String> passed(KeyedOneInputStreamOperatorTestHarness<String, ?, ?> h) {
    List<String> out = new ArrayList<>();
    for (Object o : h.getOutput()) {
      if (o instanceof StreamRecord<?> r) {
        out.add(LoggedOnce.Key.of((String) r.getValue()));
      }
    }
    return out;
  }

  private static Object skipped(KeyedOneInputStreamOperatorTestHarness<String, ?, ?> h) {
    Map<String, Accumulator<?, ?>> acc = h.getEnvironment().getAccumulatorRegistry().getUserMap();
    return acc.get(LoggedOnce.SKIPPED).getLocalValue();
  }

  @Test
  void aKeyPassesOncePerJobAndKeysAlreadyLoggedNeverPass() throws Exception {
    String log = tmp.resolve("predictions").toString();
    PredictionLog.Rows format = new PredictionLog.Rows();
    KernelTables t = new KernelTables();
    t.createIfMissing(log, format.schema());
    List<Object[]> rows = new ArrayList<>();
    rows.add(
        format.toRow(
            new Prediction(
                "logged-1", "NSW", 1000, "m", 1, Map.of(), Map.of(), 1.0, null, 2000, List.of())));
    assertThat(t.commitOnce(log, "test/0", 1, t.writeFiles(log, format.schema(), rows))).isTrue();

    var h = harness(log, null);
    h.processElement(event("a", 1), 1);
    h.processElement(event("logged-1", 2), 2); // committed by an earlier run
    h.processElement(event("a", 3), 3); // the same id again, with other content
    h.processElement("{not json", 4); // keyed by its sha256
    h.processElement("{not json", 5);
    h.processElement(event("b", 6), 6);

    assertThat(passed(h)).containsExactly("a", LoggedOnce.Key.of("{not json"), "b");
    assertThat(skipped(h)).isEqualTo(3L);
  }

  @Test
  void afterARestoreOnlyTheKeysPassedBeforeTheSnapshotStayBlocked() throws Exception {
    String log = tmp.resolve("no-log-yet").toString();
    var before = harness(log, null);
    before.processElement(event("a", 1), 1);
    before.processElement(event("b", 2), 2);
    OperatorSubtaskState snapshot = before.snapshot(1L, 2L);
    // passed after the checkpoint: its prediction is lost with the failure
    before.processElement(event("c", 3), 3);
    assertThat(passed(before)).containsExactly("a", "b", "c");

    var after = harness(log, snapshot);
    // the replay after the restore: everything from the checkpoint's position on, and a and b
    // again (as a source without a position would replay them)
    for (String id : List.of("a", "b", "c", "d")) {
      after.processElement(event(id, 10), 10);
    }
    assertThat(passed(after)).containsExactly("c", "d");
    assertThat(skipped(after)).isEqualTo(2L);
  }
}
