package dev.lakeops.bench.serve;

import dev.lakeops.common.config.ColumnSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.features.FeatureHistory;
import dev.lakeops.common.features.IncrementalFeatures;
import dev.lakeops.common.online.OnlineStore;
import dev.lakeops.common.online.OnlineStoreConfig;
import dev.lakeops.common.online.OnlineStoreSpec;
import dev.lakeops.common.online.OnlineStores;
import dev.lakeops.common.online.RedisOnlineStore;
import dev.lakeops.common.online.StoredHistory;
import dev.lakeops.flink.serving.StoreOpener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The serving benchmark's many-entity stores: {@code keys} entity keys ({@link #key}), each with
 * its own feature history of every view, built as the online-store job builds it ({@link
 * IncrementalFeatures} over generated readings of the views' source: {@code events} readings spread
 * over the week before the reads, the latest a minute before them, so every read finds a fresh row
 * whose 7-day windows are complete), written into a new SQLite file and (when the server answers)
 * under a fresh key prefix on Redis, so reads spread over many keys as users' traffic does.
 * (Copying Elec2's one market would not fit: its 27 days of half-hourly readings take about 0.5 MB
 * per key.) The Redis keys are deleted by {@link #close()}.
 *
 * @param sqlite opens the many-key SQLite store
 * @param redis opens the many-key Redis store, or null when no server answered
 */
record ManyKeys(StoreOpener sqlite, StoreOpener redis, RedisOnlineStore redisStore)
    implements AutoCloseable {

  /** Entity key i: {@code m} and six digits. */
  static String key(int i) {
    StringBuilder sb = new StringBuilder(8);
    appendKey(sb, i);
    return sb.toString();
  }

  static void appendKey(StringBuilder sb, int i) {
    sb.append('m');
    String digits = Integer.toString(i);
    for (int pad = digits.length(); pad < 6; pad++) {
      sb.append('0');
    }
    sb.append(digits);
  }

  /**
   * Builds both stores for reads at {@code atMillis} (the benchmark's events are up to a second
   * later).
   */
  static ManyKeys build(
      ProjectConfig project, Path work, int keys, int events, long atMillis, String redisUri) {
    long start = System.nanoTime();
    Path manyFile = work.resolve("many-keys.db");
    OnlineStoreSpec sqliteSpec =
        OnlineStores.spec(new OnlineStoreConfig.Embedded(manyFile.toString()), null, project);
    int[] bytes = new int[1];
    try (OnlineStore s = sqliteSpec.open()) {
      write(s, project, keys, events, atMillis, bytes);
    }
    double sqliteSecs = (System.nanoTime() - start) / 1e9;
    OnlineStoreSpec redisSpec = null;
    RedisOnlineStore redisStore = null;
    String note = "";
    OnlineStoreConfig.Redis r = (OnlineStoreConfig.Redis) OnlineStoreConfig.parse(redisUri);
    String prefix = "lakeops-bench-serve-" + UUID.randomUUID() + ":";
    try {
      redisSpec =
          OnlineStores.spec(new OnlineStoreConfig.Redis(r.host(), r.port(), prefix), null, project);
      redisStore = (RedisOnlineStore) redisSpec.open();
      write(redisStore, project, keys, events, atMillis, new int[1]);
    } catch (RuntimeException e) {
      note = "; no Redis case (" + e.getMessage() + ")";
      redisSpec = null;
      if (redisStore != null) {
        redisStore.deleteAll();
        redisStore.close();
        redisStore = null;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "many-key stores: %,d keys x %d views, histories of %d readings over 7 days (%,d bytes a"
            + " key), into SQLite (%,d bytes, %.1f s)%s%s%n",
        keys,
        project.featureViews().size(),
        events,
        bytes[0] / keys,
        sizeOf(manyFile),
        sqliteSecs,
        redisSpec == null ? "" : " and Redis (" + r.host() + ":" + r.port() + ")",
        note);
    OnlineStoreSpec redisOpen = redisSpec;
    return new ManyKeys(sqliteSpec::open, redisOpen == null ? null : redisOpen::open, redisStore);
  }

  private static long sizeOf(Path file) {
    long n = 0;
    for (String suffix : List.of("", "-wal")) {
      try {
        n += Files.size(Path.of(file + suffix));
      } catch (java.io.IOException e) {
        // no such file
      }
    }
    return n;
  }

  /** Writes every key's history of every view, 1,000 keys per write call. */
  private static void write(
      OnlineStore s, ProjectConfig project, int keys, int events, long atMillis, int[] bytes) {
    Map<String, List<FeatureViewConfig>> bySource = new LinkedHashMap<>();
    for (FeatureViewConfig v : project.featureViews().values()) {
      bySource.computeIfAbsent(v.source(), x -> new ArrayList<>()).add(v);
    }
    long week = 7L * 86_400_000_000L;
    long latest = (atMillis - 60_000) * 1000;
    for (Map.Entry<String, List<FeatureViewConfig>> e : bySource.entrySet()) {
      SourceConfig source = project.sources().get(e.getKey());
      List<FeatureViewConfig> views = e.getValue();
      IncrementalFeatures inc = new IncrementalFeatures(source, views);
      List<List<StoredHistory>> batches = new ArrayList<>();
      for (int v = 0; v < views.size(); v++) {
        batches.add(new ArrayList<>(1000));
      }
      for (int i = 0; i < keys; i++) {
        String key = key(i);
        SplittableRandom rnd = new SplittableRandom(i);
        FeatureHistory h = new FeatureHistory();
        for (int j = events - 1; j >= 0; j--) {
          long t = latest - j * (week / events);
          inc.add(h, new SourceEvent(key, t, reading(source, rnd), "", ""));
        }
        for (int v = 0; v < views.size(); v++) {
          byte[] stored = inc.encodeView(h, v, Long.MAX_VALUE);
          bytes[0] += stored.length;
          batches.get(v).add(new StoredHistory(key, latest, stored));
          if (batches.get(v).size() == 1000 || i == keys - 1) {
            s.writeHistories(views.get(v).name(), batches.get(v));
            batches.get(v).clear();
          }
        }
      }
    }
  }

  /** One generated row of the source: values in its schema's order, by type. */
  private static Object[] reading(SourceConfig source, SplittableRandom rnd) {
    List<ColumnSpec> cols = source.schema();
    Object[] out = new Object[cols.size()];
    for (int c = 0; c < cols.size(); c++) {
      ColumnSpec col = cols.get(c);
      out[c] =
          switch (col.type()) {
            case INT -> 1 + rnd.nextInt(7);
            case LONG -> (long) rnd.nextInt(1000);
            case BOOLEAN -> rnd.nextBoolean();
            case STRING ->
                col.allowed().isEmpty()
                    ? "s" + rnd.nextInt(10)
                    : col.allowed().get(rnd.nextInt(col.allowed().size()));
            default -> rnd.nextDouble();
          };
    }
    return out;
  }

  @Override
  public void close() {
    if (redisStore != null) {
      redisStore.deleteAll();
      redisStore.close();
    }
  }
}
