package dev.lakeops.flink.features;

import dev.lakeops.common.online.OnlineStore;
import dev.lakeops.common.online.StoredHistory;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes the entities' feature histories to the online store: each subtask opens its own store,
 * keeps the latest history per (view, key) in a buffer (rows without one are skipped) and writes it
 * in batches: when a batch is full, at the latest a flush interval after its first row (processing
 * time, so that features stay fresh when few keys change), and always before a checkpoint completes
 * (flush). The store's writes are idempotent (a history never replaces one with a later latest
 * time), so histories replayed after a restore from a checkpoint leave the store as an
 * uninterrupted run would.
 */
final class OnlineStoreSink implements Sink<ViewRow> {
  private static final long serialVersionUID = 1L;

  private final StoreOpener opener;
  private final int batchSize;
  private final long flushAfterMillis;

  /**
   * @param batchSize write once this many (view, key) histories are buffered
   * @param flushAfterMillis write at the latest this many ms (processing time) after the first
   *     history of a batch was buffered; 0 for no such bound (then only full batches and
   *     checkpoints write, and with few keys a row may wait a whole checkpoint interval)
   */
  OnlineStoreSink(StoreOpener opener, int batchSize, long flushAfterMillis) {
    this.opener = opener;
    this.batchSize = batchSize;
    this.flushAfterMillis = flushAfterMillis;
  }

  @Override
  public SinkWriter<ViewRow> createWriter(WriterInitContext context) {
    return new Writer(
        opener.open(), batchSize, flushAfterMillis, context.getProcessingTimeService());
  }

  private static final class Writer implements SinkWriter<ViewRow> {
    private final OnlineStore store;
    private final int batchSize;
    private final long flushAfterMillis;
    private final ProcessingTimeService time;
    private final Map<String, Map<String, StoredHistory>> pending = new HashMap<>();
    private int buffered;
    private boolean timerSet;

    Writer(OnlineStore store, int batchSize, long flushAfterMillis, ProcessingTimeService time) {
      this.store = store;
      this.batchSize = batchSize;
      this.flushAfterMillis = flushAfterMillis;
      this.time = time;
    }

    @Override
    public void write(ViewRow row, Context context) {
      StoredHistory r = row.toStoredHistory();
      if (r == null) {
        return;
      }
      Map<String, StoredHistory> rows =
          pending.computeIfAbsent(row.view(), v -> new LinkedHashMap<>());
      StoredHistory before = rows.get(r.entityKey());
      if (before == null) {
        rows.put(r.entityKey(), r);
        buffered++;
      } else if (r.latestMicros() >= before.latestMicros()) {
        rows.put(r.entityKey(), r);
      }
      if (buffered >= batchSize) {
        writePending();
      } else if (flushAfterMillis > 0 && !timerSet) {
        // The timer runs in the task's mailbox thread, between records: no locking needed.
        timerSet = true;
        time.registerTimer(
            time.getCurrentProcessingTime() + flushAfterMillis,
            t -> {
              timerSet = false;
              writePending();
            });
      }
    }

    private void writePending() {
      for (Map.Entry<String, Map<String, StoredHistory>> e : pending.entrySet()) {
        if (!e.getValue().isEmpty()) {
          store.writeHistories(e.getKey(), e.getValue().values());
        }
      }
      pending.clear();
      buffered = 0;
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
      writePending();
    }

    @Override
    public void close() {
      store.close();
    }
  }
}
