package dev.lakeops.bench;

import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.features.FeatureHistory;
import dev.lakeops.common.online.OnlineStoreConfig;
import dev.lakeops.common.online.OnlineStoreSpec;
import dev.lakeops.common.online.OnlineStores;
import dev.lakeops.common.online.RedisOnlineStore;
import dev.lakeops.common.online.SqliteOnlineStore;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.features.FeaturePipeline;
import dev.lakeops.spark.metadata.RunRecord;
import dev.lakeops.spark.online.Materializer;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import scala.Tuple2;

/**
 * {@code materialize}: our {@link Materializer#run} (the events table's Delta version, the fold of
 * every entity's events into its stored history, the writes through {@link
 * dev.lakeops.common.online.OnlineStore#writeHistories} from partition-parallel tasks, the run log)
 * into the embedded SQLite store and into Redis, against a bare Spark {@code foreachPartition} that
 * writes the same rows by hand in the same store layout: plain JDBC, {@code INSERT OR REPLACE} in
 * one transaction per {@value #BATCH} rows, or pipelined {@code HSET}s of {@value #BATCH} keys. The
 * baseline computes the rows with the same fold ({@link Materializer#histories}: the bytes a key
 * stores are defined there, there is no other way to the same bytes), so the ratio measures what
 * {@code materialize} adds around it: bookkeeping, the replace rule (a conditional upsert; a Lua
 * compare-and-set in Redis) and the write path.
 *
 * <p>Every run writes into an empty destination (untimed: a new SQLite file; the side's Redis keys
 * deleted). After the warm-up and after the last round both stores of the same kind are compared:
 * SQLite every row (key, latest time, history bytes); Redis the key count of both prefixes and both
 * fields of {@value #SAMPLE_KEYS} sample keys. Redis keys live under a prefix of their own, deleted
 * at the end.
 */
final class MaterializeBenchmark {
  static final int BATCH = 1000;
  static final int SAMPLE_KEYS = 1000;
  private static final String TABLE = "lakeops_online_history";
  static final String REDIS_HOST = System.getenv().getOrDefault("LAKEOPS_REDIS_HOST", "127.0.0.1");
  static final int REDIS_PORT =
      Integer.parseInt(System.getenv().getOrDefault("LAKEOPS_REDIS_PORT", "6379"));

  private final SparkSession spark;
  private final Benchmarks.Options options;
  private final Path dir;
  private final Path projectDir;
  private final String warehouseRoot;
  private final String redisPrefix = "lakeops-bench-materialize-" + UUID.randomUUID() + ":";
  private int runs;
  private long keys;
  private long events;

  MaterializeBenchmark(SparkSession spark, Benchmarks.Options options) {
    this.spark = spark;
    this.options = options;
    this.dir = options.workDir().resolve("materialize");
    this.projectDir = dir.resolve("project");
    this.warehouseRoot = dir.resolve("warehouse").toString();
  }

  /** One side's destination: emptied (untimed) before each run. */
  private interface Side {
    String name();

    void reset();

    void run();
  }

  List<String> run() throws Exception {
    long t0 = System.nanoTime();
    Path csv = dir.resolve("transactions.csv");
    Files.createDirectories(dir);
    SyntheticData.writeTransactionsCsv(csv, options.rows(), options.entities(), 42);
    SyntheticData.writeFeaturesProject(projectDir, csv);
    ProjectConfig project = ProjectLoader.load(projectDir);
    RunRecord features =
        new FeaturePipeline(spark, project, Warehouse.of(warehouseRoot, project))
            .run(project.sources().get(SyntheticData.SOURCE), true);
    events = features.rowsWritten();
    keys =
        events()
            .select(SyntheticData.KEY)
            .distinct()
            .count(); // every key has events: one stored history each
    System.out.printf(
        "materialize: wrote %,d events of %,d entities into the events table (the feature"
            + " pipeline, untimed) in %.1f s; view %s, %d features%n",
        events,
        keys,
        (System.nanoTime() - t0) / 1e9,
        SyntheticData.VIEW,
        SyntheticData.FEATURES.size());

    List<String> out = new ArrayList<>();
    try {
      out.add(compare("materialize sqlite", sqliteOurs(), sqliteBare(), this::verifySqlite));
      out.add(compare("materialize redis", redisOurs(), redisBare(), this::verifyRedis));
    } finally {
      try (RedisOnlineStore s =
          new RedisOnlineStore(REDIS_HOST, REDIS_PORT, redisPrefix, Map.of())) {
        s.deleteAll();
      }
    }
    return out;
  }

  private Dataset<Row> events() {
    ProjectConfig project = ProjectLoader.load(projectDir);
    return spark
        .read()
        .format("delta")
        .load(Warehouse.of(warehouseRoot, project).events(SyntheticData.SOURCE).path());
  }

  // ---- the sides --------------------------------------------------------------------------

  private Path sqliteOursFile;
  private Path sqliteBareFile;

  private Side sqliteOurs() {
    return new Side() {
      public String name() {
        return "ours";
      }

      public void reset() {
        sqliteOursFile = freshFile("ours");
      }

      public void run() {
        ours(new OnlineStoreConfig.Embedded(sqliteOursFile.toString()));
      }
    };
  }

  private Side sqliteBare() {
    return new Side() {
      public String name() {
        return "bare";
      }

      public void reset() {
        sqliteBareFile = freshFile("bare");
        // The same table as the store's, created by the store (untimed).
        new SqliteOnlineStore(sqliteBareFile, Map.of()).close();
      }

      public void run() {
        bare(new SqliteWrite(sqliteBareFile.toString(), SyntheticData.VIEW));
      }
    };
  }

  private Side redisOurs() {
    String prefix = redisPrefix + "ours:";
    return new Side() {
      public String name() {
        return "ours";
      }

      public void reset() {
        deleteRedis(prefix);
      }

      public void run() {
        ours(new OnlineStoreConfig.Redis(REDIS_HOST, REDIS_PORT, prefix));
      }
    };
  }

  private Side redisBare() {
    String prefix = redisPrefix + "bare:";
    return new Side() {
      public String name() {
        return "bare";
      }

      public void reset() {
        deleteRedis(prefix);
      }

      public void run() {
        bare(new RedisWrite(REDIS_HOST, REDIS_PORT, prefix + SyntheticData.VIEW + ":"));
      }
    };
  }

  /** Ours: {@code materialize} of the view, as the CLI runs it. */
  private void ours(OnlineStoreConfig store) {
    ProjectConfig project = ProjectLoader.load(projectDir);
    Warehouse warehouse = Warehouse.of(warehouseRoot, project);
    OnlineStoreSpec spec = OnlineStores.spec(store, warehouseRoot, project);
    List<RunRecord> r =
        new Materializer(spark, project, warehouse, spec).run(List.of(SyntheticData.VIEW), null);
    Benchmarks.check(
        r.size() == 1 && r.get(0).status().equals("succeeded") && r.get(0).rowsWritten() == keys,
        () -> "our materialize run: " + r);
  }

  /** Bare: the same rows (the same fold), written by a hand-written foreachPartition. */
  private void bare(ForeachPartitionFunction<Tuple2<String, byte[]>> write) {
    ProjectConfig project = ProjectLoader.load(projectDir);
    Warehouse warehouse = Warehouse.of(warehouseRoot, project);
    FeatureViewConfig view = project.featureViews().get(SyntheticData.VIEW);
    Dataset<Tuple2<String, byte[]>> rows =
        new Materializer(spark, project, warehouse, null).histories(view, events(), null);
    rows.foreachPartition(write);
  }

  private Path freshFile(String side) {
    Path file = dir.resolve("stores").resolve(side + "-" + (++runs) + ".db");
    try {
      Files.createDirectories(file.getParent());
      // Earlier runs' files of this side (and their WAL files) are no longer needed.
      try (var old = Files.list(file.getParent())) {
        for (Path p : old.filter(p -> p.getFileName().toString().startsWith(side + "-")).toList()) {
          Files.delete(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  private static void deleteRedis(String prefix) {
    try (RedisOnlineStore s = new RedisOnlineStore(REDIS_HOST, REDIS_PORT, prefix, Map.of())) {
      s.deleteAll();
    }
  }

  /** A task of the bare SQLite side: one connection, one transaction per {@value #BATCH} rows. */
  static final class SqliteWrite implements ForeachPartitionFunction<Tuple2<String, byte[]>> {
    private final String file;
    private final String view;

    SqliteWrite(String file, String view) {
      this.file = file;
      this.view = view;
    }

    @Override
    public void call(Iterator<Tuple2<String, byte[]>> rows) throws SQLException {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
        try (Statement s = c.createStatement()) {
          s.execute("PRAGMA busy_timeout = 30000");
          s.execute("PRAGMA synchronous = NORMAL");
        }
        c.setAutoCommit(false);
        try (PreparedStatement p =
            c.prepareStatement(
                "INSERT OR REPLACE INTO "
                    + TABLE
                    + " (view, entity_key, latest_micros, history) VALUES (?, ?, ?, ?)")) {
          int n = 0;
          while (rows.hasNext()) {
            Tuple2<String, byte[]> r = rows.next();
            p.setString(1, view);
            p.setString(2, r._1());
            p.setLong(3, FeatureHistory.latestOf(r._2()));
            p.setBytes(4, r._2());
            p.addBatch();
            if (++n % BATCH == 0) {
              p.executeBatch();
              c.commit();
            }
          }
          p.executeBatch();
          c.commit();
        }
      }
    }
  }

  /** A task of the bare Redis side: pipelined HSETs of {@value #BATCH} keys. */
  static final class RedisWrite
      implements ForeachPartitionFunction<Tuple2<String, byte[]>>, Serializable {
    private final String host;
    private final int port;
    private final String keyPrefix;

    RedisWrite(String host, int port, String keyPrefix) {
      this.host = host;
      this.port = port;
      this.keyPrefix = keyPrefix;
    }

    @Override
    public void call(Iterator<Tuple2<String, byte[]>> rows) {
      byte[] latest = RedisOnlineStore.LATEST.getBytes(StandardCharsets.UTF_8);
      byte[] history = RedisOnlineStore.HISTORY.getBytes(StandardCharsets.UTF_8);
      try (RedisClient client = RedisClient.create(host, port)) {
        while (rows.hasNext()) {
          try (Pipeline p = (Pipeline) client.pipelined()) {
            for (int n = 0; n < BATCH && rows.hasNext(); n++) {
              Tuple2<String, byte[]> r = rows.next();
              byte[] t =
                  Long.toString(FeatureHistory.latestOf(r._2())).getBytes(StandardCharsets.UTF_8);
              p.hset(
                  (keyPrefix + r._1()).getBytes(StandardCharsets.UTF_8),
                  Map.of(latest, t, history, r._2()));
            }
            p.sync();
          }
        }
      }
    }
  }

  // ---- the loop ---------------------------------------------------------------------------

  /**
   * A warm-up of each side, then {@code rounds} pairs in ABBA order, every run into an emptied
   * destination; both outputs verified after the warm-up and after the last round. Prints every
   * time with its rows/s and peak heap; returns the summary line (medians, median of per-round
   * ratios of rows/s ours / bare).
   */
  private String compare(String name, Side ours, Side bare, Runnable verify) {
    List<Double> a = new ArrayList<>();
    List<Double> b = new ArrayList<>();
    long[] heapA = new long[1];
    long[] heapB = new long[1];
    double wa = timed(ours, heapA);
    double wb = timed(bare, heapB);
    System.out.printf(
        Locale.ROOT,
        "%s: warm-up ours %.1f s (%s keys/s), bare %.1f s (%s keys/s)%n",
        name,
        wa,
        rate(wa),
        wb,
        rate(wb));
    verify.run();
    heapA[0] = 0;
    heapB[0] = 0;
    for (int r = 1; r <= options.rounds(); r++) {
      double ta;
      double tb;
      if (r % 2 == 1) {
        ta = timed(ours, heapA);
        tb = timed(bare, heapB);
      } else {
        tb = timed(bare, heapB);
        ta = timed(ours, heapA);
      }
      a.add(ta);
      b.add(tb);
      System.out.printf(
          Locale.ROOT,
          "%s: round %d/%d: ours %.1f s (%s keys/s), bare foreachPartition %.1f s (%s keys/s),"
              + " rows/s ours / bare %.2f%n",
          name,
          r,
          options.rounds(),
          ta,
          rate(ta),
          tb,
          rate(tb),
          tb / ta);
    }
    verify.run();
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      ratios.add(b.get(i) / a.get(i));
    }
    double ma = Benchmarks.median(a);
    double mb = Benchmarks.median(b);
    return String.format(
        Locale.ROOT,
        "%s: ours %.1f s (%s keys/s, peak heap %,d MiB), bare foreachPartition %.1f s (%s keys/s,"
            + " peak heap %,d MiB), rows/s ours / bare %.2f (median of %d; %,d keys from %,d"
            + " events; load %s)",
        name,
        ma,
        rate(ma),
        heapA[0],
        mb,
        rate(mb),
        heapB[0],
        Benchmarks.median(ratios),
        a.size(),
        keys,
        events,
        loadAverage());
  }

  /** Resets (untimed), then times one run; keeps the largest peak heap in {@code peak[0]}. */
  private static double timed(Side side, long[] peak) {
    side.reset();
    System.gc();
    try (PeakHeap h = PeakHeap.start()) {
      long start = System.nanoTime();
      side.run();
      double t = (System.nanoTime() - start) / 1e9;
      peak[0] = Math.max(peak[0], h.peakMiB());
      return t;
    }
  }

  private String rate(double seconds) {
    return String.format(Locale.ROOT, "%,.0f", keys / seconds);
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return String.join(" ", Arrays.copyOf(f, 3));
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  // ---- verification -----------------------------------------------------------------------

  /** Every row of both SQLite files: the same keys, latest times and history bytes. */
  private void verifySqlite() {
    long start = System.nanoTime();
    List<Object[]> x = dump(sqliteOursFile);
    List<Object[]> y = dump(sqliteBareFile);
    Benchmarks.check(
        x.size() == y.size() && x.size() == keys,
        () -> "materialize sqlite: ours holds " + x.size() + " rows, bare " + y.size());
    for (int i = 0; i < x.size(); i++) {
      Object[] u = x.get(i);
      Object[] v = y.get(i);
      Benchmarks.check(
          u[0].equals(v[0]) && u[1].equals(v[1]) && Arrays.equals((byte[]) u[2], (byte[]) v[2]),
          () -> "materialize sqlite: key " + u[0] + " differs from bare's " + v[0]);
    }
    System.out.printf(
        "materialize sqlite: verified: %,d rows each, every key, latest time and history equal"
            + " (%.1f s)%n",
        x.size(), (System.nanoTime() - start) / 1e9);
  }

  private static List<Object[]> dump(Path file) {
    List<Object[]> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT entity_key, latest_micros, history FROM "
                    + TABLE
                    + " WHERE view = '"
                    + SyntheticData.VIEW
                    + "' ORDER BY entity_key")) {
      while (rs.next()) {
        out.add(new Object[] {rs.getString(1), rs.getLong(2), rs.getBytes(3)});
      }
    } catch (SQLException e) {
      throw new IllegalStateException("reading " + file, e);
    }
    return out;
  }

  /** Both prefixes hold one hash per key; {@value #SAMPLE_KEYS} sample keys' fields are equal. */
  private void verifyRedis() {
    long start = System.nanoTime();
    String ours = redisPrefix + "ours:";
    String bare = redisPrefix + "bare:";
    long n;
    long m;
    try (RedisOnlineStore a = new RedisOnlineStore(REDIS_HOST, REDIS_PORT, ours, Map.of());
        RedisOnlineStore b = new RedisOnlineStore(REDIS_HOST, REDIS_PORT, bare, Map.of())) {
      n = a.count(SyntheticData.VIEW);
      m = b.count(SyntheticData.VIEW);
    }
    Benchmarks.check(
        n == keys && m == keys, () -> "materialize redis: ours holds " + n + " keys, bare " + m);
    int checked = 0;
    try (RedisClient c = RedisClient.create(REDIS_HOST, REDIS_PORT)) {
      for (int i = 0; i < SAMPLE_KEYS; i++) {
        String id =
            SyntheticData.customerId(
                (long) i * options.entities() / SAMPLE_KEYS, options.entities());
        Map<String, String> u = c.hgetAll(ours + SyntheticData.VIEW + ":" + id);
        Map<String, String> v = c.hgetAll(bare + SyntheticData.VIEW + ":" + id);
        if (u.isEmpty() && v.isEmpty()) {
          continue; // an id without events
        }
        Benchmarks.check(
            u.keySet().equals(v.keySet())
                && u.get(RedisOnlineStore.LATEST).equals(v.get(RedisOnlineStore.LATEST))
                && Arrays.equals(
                    c.hget(
                        (ours + SyntheticData.VIEW + ":" + id).getBytes(StandardCharsets.UTF_8),
                        RedisOnlineStore.HISTORY.getBytes(StandardCharsets.UTF_8)),
                    c.hget(
                        (bare + SyntheticData.VIEW + ":" + id).getBytes(StandardCharsets.UTF_8),
                        RedisOnlineStore.HISTORY.getBytes(StandardCharsets.UTF_8))),
            () -> "materialize redis: key " + id + " differs: ours " + u.keySet() + ", bare " + v);
        checked++;
      }
    }
    int sampled = checked;
    Benchmarks.check(sampled > 0, () -> "materialize redis: no sample key found");
    System.out.printf(
        "materialize redis: verified: %,d keys each; both fields of %,d sample keys equal (%.1f s)%n",
        n, sampled, (System.nanoTime() - start) / 1e9);
  }
}
