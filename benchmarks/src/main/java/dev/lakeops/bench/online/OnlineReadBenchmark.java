package dev.lakeops.bench.online;

import dev.lakeops.bench.PeakHeap;
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
        --runs N       measurements of each store and condition (medians and spread); default 5
        --redis-benchmark PATH  redis-benchmark, run on one of the same hashes (HGETALL, 1
                       client) after each Redis measurement, idle and under the same writer;
                       default redis-benchmark on the PATH ("none" to skip)
        --work-dir DIR where the embedded store file goes; default a new temp directory (deleted)
      """;

  private final int entities;
  private final int reads;
  private final int warmup;
  private final int features;
  private final int writeRate;
  private final int events;
  private final int runs;
  private final String redisBenchmark;
  private final FeatureViewConfig view;
  private final IncrementalFeatures incremental;
  private final OnlineStoreConfig.Redis redis;
  private final Path workDir;
  private final List<String> names = new ArrayList<>();
  private final String[] keys;

  /** The latest time (epoch µs) of the writer's last write: after every version loaded. */
  private final AtomicLong writerLatest = new AtomicLong((BASE + 1_000_000_000L) * 1000);

  OnlineReadBenchmark(
      int entities,
      int reads,
      int warmup,
      int features,
      int writeRate,
      int events,
      OnlineStoreConfig.Redis redis,
      Path dir,
      int runs,
      String redisBenchmark) {
    this.runs = runs;
    this.redisBenchmark = redisBenchmark;
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
    int runs = 5;
    String redisBenchmark = "redis-benchmark";
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
          case "--runs" -> runs = Integer.parseInt(v);
          case "--redis-benchmark" -> redisBenchmark = args[i];
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
          || events < 0
          || runs < 1) {
        throw new IllegalArgumentException(
            "--entities, --features, --runs >= 1, --reads >= 100, --warmup, --write-rate and"
                + " --events >= 0");
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
      new OnlineReadBenchmark(
              entities, reads, warmup, features, writeRate, events, r, dir, runs, redisBenchmark)
          .run();
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

  /** One measurement: the latency figures and the peak heap while it ran (MiB). */
  record Measured(Stats stats, long peakHeapMiB) {}

  void run() throws IOException, InterruptedException {
    System.out.printf(
        Locale.ROOT,
        "lakeops bench online: %,d entities x %d features (%s), %,d timed reads after %,d"
            + " warm-up reads, 1 reader thread, %d runs, %d cores, load average %s%n",
        entities,
        features,
        events == 0 ? "value rows" : "histories of " + events + " events, 30d windows",
        reads,
        warmup,
        runs,
        Runtime.getRuntime().availableProcessors(),
        loadAverage());
    Path file = workDir.resolve("online-bench.db");
    Files.deleteIfExists(file);
    String prefix = "lakeops-bench-" + UUID.randomUUID() + ":";
    Map<String, OnlineView> ttls = Map.of(VIEW, OnlineView.of(view));
    List<StoredHistory> writes = writerEntries();

    // Per cell ("embedded idle", "redis writer", "redis-benchmark idle", ...), one figure per run.
    Map<String, List<Measured>> cells = new LinkedHashMap<>();
    Map<String, String> writerRates = new LinkedHashMap<>();
    try (SqliteOnlineStore sqlite = new SqliteOnlineStore(file, ttls);
        RedisOnlineStore redisStore =
            new RedisOnlineStore(redis.host(), redis.port(), prefix, ttls)) {
      try {
        load("embedded", sqlite);
        load("redis", redisStore);
        System.out.printf(
            "embedded file: %,d bytes (%s)%n", Files.size(file) + walSize(file), file);
        String benchKey = redisStore.key(VIEW, keys[0]);
        for (int run = 1; run <= runs; run++) {
          System.out.printf(Locale.ROOT, "run %d of %d (load %s)%n", run, runs, loadAverage());
          add(cells, "embedded idle", measure("embedded", sqlite));
          try (SqliteOnlineStore writer = new SqliteOnlineStore(file, ttls)) {
            add(
                cells,
                "embedded writer",
                measureWhileWriting("embedded", sqlite, writer, writes, writerRates, null));
          }
          add(cells, "redis idle", measure("redis", redisStore));
          if (!"none".equals(redisBenchmark)) {
            add(cells, "redis-benchmark idle", redisBenchmark(benchKey));
          }
          try (RedisOnlineStore writer =
              new RedisOnlineStore(redis.host(), redis.port(), prefix, ttls)) {
            add(
                cells,
                "redis writer",
                measureWhileWriting(
                    "redis",
                    redisStore,
                    writer,
                    writes,
                    writerRates,
                    "none".equals(redisBenchmark)
                        ? null
                        : () -> add(cells, "redis-benchmark writer", redisBenchmark(benchKey))));
          }
        }
      } finally {
        redisStore.deleteAll();
      }
    }

    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "online read latency, 1 entity x %d features, %,d entities, %,d random-key reads, 1"
            + " thread, median of %d runs (µs; in brackets the spread, slowest / fastest run's"
            + " figure); load average %s%n",
        features,
        entities,
        reads,
        runs,
        loadAverage());
    boolean rb = cells.containsKey("redis-benchmark idle");
    System.out.printf(
        "%-36s %18s %18s %18s %14s%n",
        "", "embedded", "redis", rb ? "redis-benchmark" : "", rb ? "redis / r-b" : "");
    for (String cond : List.of("idle", "writer")) {
      String title =
          cond.equals("idle")
              ? "idle store"
              : "while a writer writes "
                  + (writeRate == 0
                      ? "flat out"
                      : String.format(Locale.ROOT, "%,d rows/s", writeRate));
      for (String q : List.of("p50", "p99", "p99.9", "mean")) {
        StringBuilder line = new StringBuilder(String.format("%-36s", title + ": " + q));
        for (String store : List.of("embedded", "redis", "redis-benchmark")) {
          List<Measured> m = cells.get(store + " " + cond);
          if (m == null) {
            line.append(String.format("%18s", ""));
            continue;
          }
          double[] v = m.stream().mapToDouble(x -> quantile(x.stats(), q)).toArray();
          line.append(
              String.format(
                  Locale.ROOT,
                  "%18s",
                  String.format(Locale.ROOT, "%.1f (%.2fx)", median(v), spread(v))));
        }
        if (rb && !q.equals("mean")) {
          line.append(String.format(Locale.ROOT, "%14.2f", medianRatio(cells, cond, q)));
        }
        System.out.println(line);
      }
    }
    StringBuilder heap = new StringBuilder("peak heap (MiB, largest of the runs):");
    cells.forEach(
        (cell, m) -> {
          if (!cell.startsWith("redis-benchmark")) {
            heap.append(' ')
                .append(cell)
                .append(' ')
                .append(m.stream().mapToLong(Measured::peakHeapMiB).max().orElse(0))
                .append(',');
          }
        });
    System.out.println(heap.substring(0, heap.length() - 1));
    writerRates.forEach((k, v) -> System.out.printf("writer during the %s reads: %s%n", k, v));
  }

  private static void add(Map<String, List<Measured>> cells, String cell, Measured m) {
    cells.computeIfAbsent(cell, c -> new ArrayList<>()).add(m);
  }

  private static double quantile(Stats s, String q) {
    return switch (q) {
      case "p50" -> s.p50();
      case "p99" -> s.p99();
      case "p99.9" -> s.p999();
      default -> s.mean();
    };
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static double spread(double[] v) {
    return Arrays.stream(v).max().orElse(0) / Arrays.stream(v).min().orElse(1);
  }

  /** The median over runs of (our Redis read's quantile / redis-benchmark's, same run). */
  private static double medianRatio(Map<String, List<Measured>> cells, String cond, String q) {
    List<Measured> ours = cells.get("redis " + cond);
    List<Measured> theirs = cells.get("redis-benchmark " + cond);
    int n = Math.min(ours.size(), theirs.size());
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = quantile(ours.get(i).stats(), q) / quantile(theirs.get(i).stats(), q);
    }
    return median(r);
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return String.format(
          Locale.ROOT,
          "%.2f",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  /**
   * redis-benchmark's latency of HGETALL on one of the same hashes: 1 client, no pipelining, as
   * many requests as our timed reads; its CSV line gives p50, p99 (ms, 3 decimals) and the mean. It
   * has no p99.9: that column repeats its max.
   */
  private Measured redisBenchmark(String key) {
    List<String> cmd =
        List.of(
            redisBenchmark,
            "-h",
            redis.host(),
            "-p",
            Integer.toString(redis.port()),
            "-c",
            "1",
            "-n",
            Integer.toString(reads),
            "--csv",
            "HGETALL",
            key);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException("redis-benchmark failed: " + out);
      }
      // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms",
      // "p99_latency_ms","max_latency_ms"
      for (String line : out.split("\n")) {
        if (line.startsWith("\"HGETALL")) {
          String[] f = line.replace("\"", "").split(",");
          Stats st =
              new Stats(
                  Double.parseDouble(f[4]) * 1e3,
                  Double.parseDouble(f[6]) * 1e3,
                  Double.parseDouble(f[7]) * 1e3,
                  Double.parseDouble(f[2]) * 1e3,
                  Double.parseDouble(f[7]) * 1e3);
          System.out.printf(
              Locale.ROOT,
              "redis-benchmark HGETALL %s: p50 %.1f µs, p99 %.1f µs, mean %.1f µs, max %.0f µs%n",
              key,
              st.p50(),
              st.p99(),
              st.mean(),
              st.max());
          return new Measured(st, 0);
        }
      }
      throw new IllegalStateException("no HGETALL line in redis-benchmark's output: " + out);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run " + redisBenchmark + " (--redis-benchmark none skips it): " + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long walSize(Path file) throws IOException {
    Path wal = Path.of(file + "-wal");
    return Files.exists(wal) ? Files.size(wal) : 0;
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

  private Measured measure(String name, OnlineStore store) {
    System.gc(); // each measurement's peak heap starts from the live set
    try (PeakHeap heap = PeakHeap.start()) {
      Stats s = measureReads(name, store);
      return new Measured(s, heap.peakMiB());
    }
  }

  private Stats measureReads(String name, OnlineStore store) {
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
   * What the writer writes, computed before any measurement so that the writer thread only writes
   * (computing feature histories is the writing job's work, not the store's): 5,000 entries of
   * random entities at versions 1,001 onwards (a new version per 100), cycled; {@link
   * #measureWhileWriting} gives every write a newer latest time than the entity's stored one.
   */
  private List<StoredHistory> writerEntries() {
    SplittableRandom rnd = new SplittableRandom(7);
    List<StoredHistory> out = new ArrayList<>(5000);
    for (int i = 0; i < 5000; i++) {
      out.add(entry(rnd.nextInt(entities), 1_001L + i / 100));
    }
    return out;
  }

  /**
   * The reads again while another thread writes batches of 100 rows at {@code writeRate} rows/s (as
   * fast as it can when 0), cycling through the precomputed {@code entries}; each write's latest
   * time is newer than any before it (the history's values stay those of its version, which the
   * reads check), so every write replaces the stored entry. {@code alsoDuring}, when given, runs
   * (and completes) under the writer before the reads.
   */
  private Measured measureWhileWriting(
      String name,
      OnlineStore reader,
      OnlineStore writer,
      List<StoredHistory> entries,
      Map<String, String> writes,
      Runnable alsoDuring) {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong written = new AtomicLong();
    AtomicLong batches = new AtomicLong();
    Throwable[] failure = new Throwable[1];
    Thread w =
        new Thread(
            () -> {
              int next = 0;
              long begin = System.nanoTime();
              List<StoredHistory> batch = new ArrayList<>(100);
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
                  batch.clear();
                  for (int i = 0; i < 100; i++) {
                    StoredHistory e = entries.get(next);
                    next = (next + 1) % entries.size();
                    batch.add(
                        new StoredHistory(
                            e.entityKey(), writerLatest.incrementAndGet(), e.history()));
                  }
                  writer.writeHistories(VIEW, batch);
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
    Measured s;
    try {
      if (alsoDuring != null) {
        alsoDuring.run();
      }
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
