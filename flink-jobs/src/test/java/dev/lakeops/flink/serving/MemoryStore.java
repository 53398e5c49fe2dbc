package dev.lakeops.flink.serving;

import dev.lakeops.common.online.FeatureRow;
import dev.lakeops.common.online.OnlineStore;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A JVM-wide in-memory online store for tests (the MiniCluster's tasks share the JVM). */
final class MemoryStore implements OnlineStore {
  static final Map<String, Map<String, FeatureRow>> ROWS = new ConcurrentHashMap<>();
  static final Map<String, Duration> TTLS = new ConcurrentHashMap<>();

  static StoreOpener opener() {
    return MemoryStore::new;
  }

  @Override
  public void write(String view, Collection<FeatureRow> rows) {
    Map<String, FeatureRow> m = ROWS.computeIfAbsent(view, v -> new ConcurrentHashMap<>());
    for (FeatureRow r : rows) {
      m.merge(r.entityKey(), r, (a, b) -> b.eventTimeMillis() >= a.eventTimeMillis() ? b : a);
    }
  }

  @Override
  public Optional<FeatureRow> read(String view, String entityKey, long asOfMillis) {
    FeatureRow r = ROWS.getOrDefault(view, Map.of()).get(entityKey);
    Duration ttl = TTLS.get(view);
    if (r == null || (ttl != null && r.eventTimeMillis() <= asOfMillis - ttl.toMillis())) {
      return Optional.empty();
    }
    return Optional.of(r);
  }

  @Override
  public long count(String view) {
    return ROWS.getOrDefault(view, Map.of()).size();
  }

  @Override
  public void close() {}
}
