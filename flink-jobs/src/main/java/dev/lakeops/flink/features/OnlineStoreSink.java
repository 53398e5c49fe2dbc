package dev.lakeops.flink.features;

import dev.lakeops.common.online.FeatureRow;
import dev.lakeops.common.online.OnlineStore;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes feature rows to the online store: each subtask opens its own store, keeps the latest row
 * per (view, key) in a buffer and writes it in batches, and always before a checkpoint completes
 * (flush). The store's writes are idempotent (a row never replaces a later one), so rows replayed
 * after a restore from a checkpoint leave the store as an uninterrupted run would.
 */
final class OnlineStoreSink implements Sink<ViewRow> {
  private static final long serialVersionUID = 1L;

  private final StoreOpener opener;
  private final int batchSize;

  OnlineStoreSink(StoreOpener opener, int batchSize) {
    this.opener = opener;
    this.batchSize = batchSize;
  }

  @Override
  public SinkWriter<ViewRow> createWriter(WriterInitContext context) {
    return new Writer(opener.open(), batchSize);
  }

  private static final class Writer implements SinkWriter<ViewRow> {
    private final OnlineStore store;
    private final int batchSize;
    private final Map<String, Map<String, FeatureRow>> pending = new HashMap<>();
    private int buffered;

    Writer(OnlineStore store, int batchSize) {
      this.store = store;
      this.batchSize = batchSize;
    }

    @Override
    public void write(ViewRow row, Context context) {
      Map<String, FeatureRow> rows =
          pending.computeIfAbsent(row.view(), v -> new LinkedHashMap<>());
      FeatureRow r = row.toFeatureRow();
      FeatureRow before = rows.get(r.entityKey());
      if (before == null) {
        rows.put(r.entityKey(), r);
        buffered++;
      } else if (r.eventTimeMillis() >= before.eventTimeMillis()) {
        rows.put(r.entityKey(), r);
      }
      if (buffered >= batchSize) {
        writePending();
      }
    }

    private void writePending() {
      for (Map.Entry<String, Map<String, FeatureRow>> e : pending.entrySet()) {
        if (!e.getValue().isEmpty()) {
          store.write(e.getKey(), e.getValue().values());
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
