package dev.lakeops.bench.online;

import dev.lakeops.common.config.ColumnSpec;
import dev.lakeops.common.config.EventTime;
import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.config.SourceFormat;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.expr.ExprParser;
import dev.lakeops.common.expr.ExprType;
import dev.lakeops.common.features.Aggregation;
import dev.lakeops.common.features.FeatureHistory;
import dev.lakeops.common.features.IncrementalFeatures;
import dev.lakeops.common.online.FeatureRow;
import dev.lakeops.common.online.FeatureValues;
import dev.lakeops.common.online.OnlineStore;
import dev.lakeops.common.online.OnlineStoreConfig;
import dev.lakeops.common.online.OnlineView;
import dev.lakeops.common.online.RedisOnlineStore;
import dev.lakeops.common.online.SqliteOnlineStore;
import dev.lakeops.common.online.StoredHistory;
import dev.lakeops.common.types.ColumnType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code submit/bench online}: online read latency of one entity x 50 features, the embedded store
 * (SQLite) against Redis on the same data, one reading thread. Each entity is stored as the online
 * stores keep it: its feature history ({@code --events} events on distinct days within the 30d
 * windows of 50 window features: sum, mean, count, max, stddev), read at a later time (the windows
 * are aggregated at read time); {@code --events 0} writes rows of 50 doubles of mixed magnitudes as
 * values snapshots instead (the layout before histories, for comparison). The run: load, warm-up,
 * then timed reads of random keys (every read checked non-empty, a sample checked equal to what was
 * written). Then the same reads while a writer thread writes (its own store instance: its own
 * connection, as a Flink subtask would). Prints p50/p99/p99.9/mean side by side with the ratio
 * Redis / embedded.
 *
 * <pre>
 *   submit/bench online [--entities 100000] [--reads 200000] [--warmup 50000] [--features 50]
 *                       [--write-rate 5000] [--redis redis://127.0.0.1:6379] [--work-dir DIR]
 * </pre>
 */
public final class OnlineReadBenchmark {
  static final String VIEW = "bench_view";
  static final String USAGE =
      """
      usage: submit/bench online [options]
        --entities N   entities loaded into each store; default 100000
        --reads N      timed reads per measurement (random keys); default 200000
        --warmup N     untimed reads before each measurement; default 50000
        --features N   features per entity (doubles); default 50
        --events N     events per entity in its stored history; 0 = plain value rows; default 5
        --write-rate N rows/s the writer thread writes (batches of 100) during the second
                       measurement, the same for both stores; 0 = as fast as it can; default 5000
        --redis URI    the Redis server; default redis://127.0.0.1:6379 (env LAKEOPS_REDIS_HOST/PORT)
        --work-dir DIR where the embedded store file goes; default a new temp directory (deleted)
      """;

  private final int entities;
  private final int reads;
  private final int warmup;
  private final int features;
  private final int writeRate;
  private final int events;
  private final FeatureViewConfig view;
  private final IncrementalFeatures incremental;
  private final OnlineStoreConfig.Redis redis;
  private final Path workDir;
  private final List<String> names = new ArrayList<>();
  private final String[] keys;

  OnlineReadBenchmark(
      int entities,
      int reads,
      int warmup,
      int features,
      int writeRate,
      int events,
      OnlineStoreConfig.Redis redis,
      Path dir) {
    this.writeRate = writeRate;
    this.events = events;
    this.entities = entities;
    this.reads = reads;
    this.warmup = warmup;
    this.features = features;
    this.redis = redis;
    this.workDir = dir;
    for (int i = 0; i < features; i++) {
      names.add("f" + i + "_" + (i % 3 == 0 ? "spend" : i % 3 == 1 ? "mean" : "ratio") + "_30d");
    }
    keys = new String[entities];
    for (int i = 0; i < entities; i++) {
      keys[i] = String.format("c%08d", i);
    }
    Aggregation[] aggs = {
      Aggregation.SUM, Aggregation.MEAN, Aggregation.COUNT, Aggregation.MAX, Aggregation.STDDEV
    };
    List<FeatureSpec> specs = new ArrayList<>();
    for (int f = 0; f < features; f++) {
      specs.add(
          new FeatureSpec(
              names.get(f),
              aggs[f % aggs.length],
              ExprParser.parse("x"),
              null,
              java.time.Duration.ofDays(30),
              ExprType.NUMBER));
    }
    view = new FeatureViewConfig(VIEW, "e", "s", java.time.Duration.ofDays(3650), specs);
    SourceConfig source =
        new SourceConfig(
            "s",
            SourceFormat.JSONL,
            "x",
            null,
            ",",
            false,
            Map.of(),
            List.of(
                new ColumnSpec("k", ColumnType.STRING, false, null, null, List.of()),
                new ColumnSpec("x", ColumnType.DOUBLE, true, null, null, List.of())),
            "e",
            ExprParser.parse("k"),
            "k",
            new EventTime.FromRowIndex(java.time.Instant.EPOCH, java.time.Duration.ofHours(1)),
            List.of());
    incremental = new IncrementalFeatures(source, List.of(view));
  }

  /** Event times: version v's latest event is at BASE + v ms, the others a day apart before it. */
  static final long BASE = 1_600_000_000_000L;

  static final long DAY = 86_400_000L;

  /** The read time: after every version's latest event, within the 30d windows. */
  static final long AS_OF = BASE + DAY;

  /** Entity i's history at version t: {@code events} events on distinct days. */
  FeatureHistory history(int i, long t) {
    SplittableRandom r = new SplittableRandom(i * 31L + t);
    FeatureHistory h = new FeatureHistory();
    for (int j = events - 1; j >= 0; j--) {
      long ms = BASE + t - j * DAY;
      double x = Math.round(r.nextDouble() * 10000) / 100.0;
      incremental.add(h, new SourceEvent(keys[i], ms * 1000, new Object[] {keys[i], x}, "", ""));
    }
    return h;
  }

  /** What the writers store for entity i at version t. */
  StoredHistory entry(int i, long t) {
    if (events == 0) {
      FeatureRow row = row(i, BASE + t);
      return new StoredHistory(
          row.entityKey(), row.eventTimeMillis() * 1000, FeatureValues.encodeSnapshot(row));
    }
    byte[] stored = incremental.encodeView(history(i, t), 0, Long.MAX_VALUE);
    return new StoredHistory(keys[i], (BASE + t) * 1000, stored);
  }

  /** The row a read at {@link #AS_OF} must give for entity i at version t (computed in memory). */
  FeatureRow expected(int i, long t) {
    if (events == 0) {
      return row(i, BASE + t);
    }
    return new FeatureRow(keys[i], BASE + t, incremental.valuesAt(history(i, t), 0, AS_OF * 1000));
  }

  /** The row of entity i at version (event time) t: doubles of mixed magnitudes and signs. */
  FeatureRow row(int i, long t) {
    SplittableRandom r = new SplittableRandom(i * 31L + t);
    Map<String, Object> v = new LinkedHashMap<>();
    for (int f = 0; f < features; f++) {
      double x =
          switch (f % 5) {
            case 0 -> r.nextInt(1000); // whole numbers (counts as doubles)
            case 1 -> r.nextDouble() * 1e6;
            case 2 -> r.nextDouble() - 0.5;
            case 3 -> r.nextGaussian() * 1e-3;
            default -> Math.round(r.nextDouble() * 10000) / 100.0; // money
          };
      v.put(names.get(f), x);
    }
    return new FeatureRow(keys[i], t, v);
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.print(USAGE);
      return;
    }
    int entities = 100_000;
    int reads = 200_000;
    int warmup = 50_000;
    int features = 50;
    int writeRate = 5000;
    int events = 5;
    String host = System.getenv().getOrDefault("LAKEOPS_REDIS_HOST", "127.0.0.1");
    String port = System.getenv().getOrDefault("LAKEOPS_REDIS_PORT", "6379");
    String redisUri = "redis://" + host + ":" + port;
    Path work = null;
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("unknown option or missing value: " + a);
        }
        String v = args[++i].replace("_", "");
        switch (a) {
          case "--entities" -> entities = Integer.parseInt(v);
          case "--reads" -> reads = Integer.parseInt(v);
          case "--warmup" -> warmup = Integer.parseInt(v);
          case "--features" -> features = Integer.parseInt(v);
          case "--write-rate" -> writeRate = Integer.parseInt(v);
          case "--events" -> events = Integer.parseInt(v);
          case "--redis" -> redisUri = args[i];
          case "--work-dir" -> work = Path.of(args[i]).toAbsolutePath();
          default -> throw new IllegalArgumentException("unknown option '" + a + "'");
        }
      }
      if (entities < 1
          || reads < 100
          || warmup < 0
          || features < 1
          || writeRate < 0
          || events < 0) {
        throw new IllegalArgumentException(
            "--entities, --features >= 1, --reads >= 100, --warmup, --write-rate and --events"
                + " >= 0");
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    OnlineStoreConfig parsed = OnlineStoreConfig.parse(redisUri);
    if (!(parsed instanceof OnlineStoreConfig.Redis r)) {
      throw new IllegalArgumentException("--redis needs a redis:// URI");
    }
    boolean temp = work == null;
    Path dir = temp ? Files.createTempDirectory("lakeops-bench-online-") : work;
    Files.createDirectories(dir);
    try {
      new OnlineReadBenchmark(entities, reads, warmup, features, writeRate, events, r, dir).run();
    } finally {
      if (temp) {
        try (var walk = Files.walk(dir)) {
          walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  record Stats(double p50, double p99, double p999, double mean, double max) {
    static Stats of(long[] nanos) {
      long[] s = nanos.clone();
      Arrays.sort(s);
      double sum = 0;
      for (long x : s) {
        sum += x;
      }
      return new Stats(
          at(s, 0.50) / 1e3,
          at(s, 0.99) / 1e3,
          at(s, 0.999) / 1e3,
          sum / s.length / 1e3,
          s[s.length - 1] / 1e3);
    }

    private static double at(long[] sorted, double q) {
      return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
  }

  void run() throws IOException {
    System.out.printf(
        Locale.ROOT,
        "lakeops bench online: %,d entities x %d features (%s), %,d timed reads after %,d"
            + " warm-up reads, 1 reader thread, %d cores, load average %.2f%n",
        entities,
        features,
        events == 0 ? "value rows" : "histories of " + events + " events, 30d windows",
        reads,
        warmup,
        Runtime.getRuntime().availableProcessors(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    Path file = workDir.resolve("online-bench.db");
    Files.deleteIfExists(file);
    String prefix = "lakeops-bench-" + UUID.randomUUID() + ":";
    Map<String, OnlineView> ttls = Map.of(VIEW, OnlineView.of(view));

    Map<String, Stats> quiet = new LinkedHashMap<>();
    Map<String, Stats> busy = new LinkedHashMap<>();
    Map<String, String> writes = new LinkedHashMap<>();
    try (SqliteOnlineStore sqlite = new SqliteOnlineStore(file, ttls);
        RedisOnlineStore redisStore =
            new RedisOnlineStore(redis.host(), redis.port(), prefix, ttls)) {
      try {
        load("embedded", sqlite);
        load("redis", redisStore);
        System.out.printf(
            "embedded file: %,d bytes (%s)%n", Files.size(file) + walSize(file), file);
        quiet.put("embedded", measure("embedded", sqlite));
        quiet.put("redis", measure("redis", redisStore));
        try (SqliteOnlineStore writer = new SqliteOnlineStore(file, ttls)) {
          busy.put("embedded", measureWhileWriting("embedded", sqlite, writer, writes));
        }
        try (RedisOnlineStore writer =
            new RedisOnlineStore(redis.host(), redis.port(), prefix, ttls)) {
          busy.put("redis", measureWhileWriting("redis", redisStore, writer, writes));
        }
      } finally {
        redisStore.deleteAll();
      }
    }

    System.out.println();
    System.out.printf(
        "online read latency, 1 entity x %d features, %,d entities, %,d random-key reads, 1"
            + " thread (µs)%n",
        features, entities, reads);
    System.out.printf("%-44s %10s %10s %16s%n", "", "embedded", "redis", "redis/embedded");
    table("idle store", quiet);
    table(
        "while a writer writes "
            + (writeRate == 0 ? "flat out" : String.format(Locale.ROOT, "%,d rows/s", writeRate)),
        busy);
    writes.forEach((k, v) -> System.out.printf("writer during the %s reads: %s%n", k, v));
  }

  private static long walSize(Path file) throws IOException {
    Path wal = Path.of(file + "-wal");
    return Files.exists(wal) ? Files.size(wal) : 0;
  }

  private static void table(String title, Map<String, Stats> s) {
    Stats e = s.get("embedded");
    Stats r = s.get("redis");
    row(title + ": p50", e.p50(), r.p50());
    row(title + ": p99", e.p99(), r.p99());
    row(title + ": p99.9", e.p999(), r.p999());
    row(title + ": mean", e.mean(), r.mean());
  }

  private static void row(String name, double e, double r) {
    System.out.printf(Locale.ROOT, "%-44s %10.1f %10.1f %15.1fx%n", name, e, r, r / e);
  }

  private void load(String name, OnlineStore store) {
    long start = System.nanoTime();
    List<StoredHistory> batch = new ArrayList<>(1000);
    for (int i = 0; i < entities; i++) {
      batch.add(entry(i, 1_000L));
      if (batch.size() == 1000 || i == entities - 1) {
        store.writeHistories(VIEW, batch);
        batch.clear();
      }
    }
    double s = (System.nanoTime() - start) / 1e9;
    long n = store.count(VIEW);
    if (n != entities) {
      throw new IllegalStateException("VERIFICATION FAILED: " + name + " holds " + n + " keys");
    }
    System.out.printf(
        Locale.ROOT,
        "%s: loaded %,d entities in %.1f s (%,.0f rows/s, batches of 1000)%n",
        name,
        entities,
        s,
        entities / s);
  }

  private Stats measure(String name, OnlineStore store) {
    SplittableRandom rnd = new SplittableRandom(42);
    long asOf = AS_OF;
    for (int i = 0; i < warmup; i++) {
      check(name, store.read(VIEW, keys[rnd.nextInt(entities)], asOf), -1);
    }
    long[] nanos = new long[reads];
    for (int i = 0; i < reads; i++) {
      int k = rnd.nextInt(entities);
      long t0 = System.nanoTime();
      Optional<FeatureRow> r = store.read(VIEW, keys[k], asOf);
      nanos[i] = System.nanoTime() - t0;
      check(name, r, i % 1000 == 0 ? k : -1);
    }
    Stats s = Stats.of(nanos);
    System.out.printf(
        Locale.ROOT,
        "%s: p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs, mean %.1f µs, max %.0f µs (%,d reads;"
            + " every 1000th compared with the written row)%n",
        name,
        s.p50(),
        s.p99(),
        s.p999(),
        s.mean(),
        s.max(),
        reads);
    return s;
  }

  private void check(String name, Optional<FeatureRow> r, int compareWith) {
    if (r.isEmpty() || r.get().values().size() != features) {
      throw new IllegalStateException("VERIFICATION FAILED: " + name + " read " + r);
    }
    if (compareWith >= 0) {
      FeatureRow want = expected(compareWith, r.get().eventTimeMillis() - BASE);
      if (!want.equals(r.get())) {
        throw new IllegalStateException(
            "VERIFICATION FAILED: " + name + " read " + r.get() + ", wrote " + want);
      }
    }
  }

  /**
   * The reads again while another thread writes batches of 100 newer rows at {@code writeRate}
   * rows/s (as fast as it can when 0).
   */
  private Stats measureWhileWriting(
      String name, OnlineStore reader, OnlineStore writer, Map<String, String> writes) {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong written = new AtomicLong();
    AtomicLong batches = new AtomicLong();
    Throwable[] failure = new Throwable[1];
    Thread w =
        new Thread(
            () -> {
              SplittableRandom rnd = new SplittableRandom(7);
              long t = 1_001L;
              long begin = System.nanoTime();
              try {
                while (!stop.get()) {
                  if (writeRate > 0) {
                    long due = begin + (long) (batches.get() * 100 * 1e9 / writeRate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                      java.util.concurrent.locks.LockSupport.parkNanos(wait);
                      continue;
                    }
                  }
                  List<StoredHistory> batch = new ArrayList<>(100);
                  for (int i = 0; i < 100; i++) {
                    batch.add(entry(rnd.nextInt(entities), t));
                  }
                  writer.writeHistories(VIEW, batch);
                  t++;
                  written.addAndGet(batch.size());
                  batches.incrementAndGet();
                }
              } catch (Throwable e) {
                failure[0] = e;
              }
            },
            "bench-writer");
    w.start();
    long start = System.nanoTime();
    Stats s;
    try {
      s = measure(name + " while writing", reader);
    } finally {
      stop.set(true);
      try {
        w.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (failure[0] != null) {
      throw new IllegalStateException("the writer thread failed", failure[0]);
    }
    double secs = (System.nanoTime() - start) / 1e9;
    writes.put(
        name,
        String.format(
            Locale.ROOT,
            "%,d rows in %,d batches of 100 in %.1f s (%,.0f rows/s)",
            written.get(),
            batches.get(),
            secs,
            written.get() / secs));
    return s;
  }
}
