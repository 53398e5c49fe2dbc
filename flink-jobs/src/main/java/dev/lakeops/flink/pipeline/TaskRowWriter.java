package dev.lakeops.flink.pipeline;

import dev.lakeops.flink.pipeline.RunState.Attempt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a pipeline run's task rows to the tasks table on a thread of its own, so the tasks never
 * wait for a Delta commit: every row waiting when the thread gets to them goes into one commit, in
 * the order they were handed over (their {@link Attempt#seq} order). Rows at or below the run's
 * committed sequence number are skipped ({@link MetadataRecords}). The outcome of each commit is
 * handed back ({@link Written}); a failed one leaves its rows for {@code resume}.
 */
final class TaskRowWriter {
  private static final Logger LOG = LoggerFactory.getLogger(TaskRowWriter.class);

  /** The attempts whose rows one commit wrote (or skipped as written before), or failed to. */
  record Written(List<Attempt> attempts, boolean ok) {}

  private record Pending(Attempt attempt, Map<String, Object> row) {}

  private final MetadataRecords records;
  private final String runId;
  private final Consumer<Written> done;
  private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "pipeline-records");
            t.setDaemon(true);
            return t;
          });

  TaskRowWriter(MetadataRecords records, String runId, Consumer<Written> done) {
    this.records = records;
    this.runId = runId;
    this.done = done;
  }

  /** Queues the attempt's row (its seq given and saved before, higher than the last one's). */
  void submit(Attempt a, Map<String, Object> row) {
    pending.add(new Pending(a, row));
    thread.submit(this::writeWaiting);
  }

  private void writeWaiting() {
    List<Pending> batch = new ArrayList<>();
    for (Pending r = pending.poll(); r != null; r = pending.poll()) {
      batch.add(r);
    }
    if (batch.isEmpty()) {
      return; // an earlier call took them
    }
    boolean ok = false;
    try {
      long committed = records.committedTaskSeq(runId);
      List<Pending> left = batch.stream().filter(r -> r.attempt().seq > committed).toList();
      if (!left.isEmpty()) {
        records.appendTasks(
            runId,
            left.get(left.size() - 1).attempt().seq,
            left.stream().map(Pending::row).toList());
      }
      ok = true;
    } catch (RuntimeException e) {
      LOG.warn("could not record tasks of run {} (resume records them)", runId, e);
    }
    done.accept(new Written(batch.stream().map(Pending::attempt).toList(), ok));
  }

  /** Stops the thread (after the rows handed over are written, or at once when interrupted). */
  void close() {
    thread.shutdown();
  }
}
