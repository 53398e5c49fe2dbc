package dev.lakeops.spark.online;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.online.FeatureRow;
import dev.lakeops.common.online.OnlineRead;
import dev.lakeops.common.online.OnlineStore;
import dev.lakeops.common.online.OnlineStoreConfig;
import dev.lakeops.common.online.OnlineStoreSpec;
import dev.lakeops.common.online.OnlineStores;
import dev.lakeops.common.online.RedisOnlineStore;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.TestSpark;
import dev.lakeops.spark.cli.MlopsCli;
import dev.lakeops.spark.features.FeaturePipeline;
import dev.lakeops.spark.store.DeltaTables;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * CDNOW: features, then {@code mlops materialize} into the embedded store and into Redis; every
 * customer read at the time of its latest offline row gives that row (the offline row computed by
 * Spark's window functions, the stored history by the incremental code: two methods); a second run
 * changes nothing; the runs are recorded.
 */
class MaterializeIT {
  static final String REDIS_HOST = System.getenv().getOrDefault("LAKEOPS_REDIS_HOST", "127.0.0.1");
  static final int REDIS_PORT =
      Integer.parseInt(System.getenv().getOrDefault("LAKEOPS_REDIS_PORT", "6379"));
  static final String PREFIX = "lakeops-it-" + UUID.randomUUID() + ":";

  @TempDir static Path dir;
  static SparkSession spark;
  static ProjectConfig project;
  static Warehouse warehouse;
  static DeltaTables tables;

  /** view -> customer -> the latest offline row, as the online store should hold it. */
  static Map<String, Map<String, FeatureRow>> expected = new HashMap<>();

  @BeforeAll
  static void featuresThenExpectedRows() {
    try (RedisClient c = RedisClient.create(REDIS_HOST, REDIS_PORT)) {
      c.ping();
    } catch (RuntimeException e) {
      fail(
          "Redis is not running at "
              + REDIS_HOST
              + ":"
              + REDIS_PORT
              + ". Start it with: redis-server --daemonize yes"
              + " (or set LAKEOPS_REDIS_HOST / LAKEOPS_REDIS_PORT).");
    }
    spark = TestSpark.session();
    project = ProjectLoader.load(TestSpark.repo().resolve("conf/examples/cdnow"));
    warehouse = Warehouse.of(dir.resolve("wh").toString(), project);
    tables = new DeltaTables(spark);
    new FeaturePipeline(spark, project, warehouse).run(false);
    for (FeatureViewConfig v : project.featureViews().values()) {
      String key = project.entities().get(v.entity()).key();
      Map<String, FeatureRow> rows = new HashMap<>();
      for (Row r : tables.read(warehouse.featureView(v.name())).collectAsList()) {
        long millis = ((java.sql.Timestamp) r.getAs("event_time")).getTime();
        String k = String.valueOf(r.<Object>getAs(key));
        FeatureRow seen = rows.get(k);
        if (seen == null || seen.eventTimeMillis() < millis) {
          Map<String, Object> values = new java.util.LinkedHashMap<>();
          v.features().forEach(f -> values.put(f.name(), r.getAs(f.name())));
          rows.put(k, new FeatureRow(k, millis, values));
        }
      }
      expected.put(v.name(), rows);
    }
  }

  @AfterAll
  static void dropRedisKeys() {
    try (RedisOnlineStore s = new RedisOnlineStore(REDIS_HOST, REDIS_PORT, PREFIX, Map.of())) {
      s.deleteAll();
    }
  }

  static OnlineStoreSpec spec(OnlineStoreConfig config) {
    return OnlineStores.spec(config, warehouse.root(), project);
  }

  static String redisUri() {
    return "redis://" + REDIS_HOST + ":" + REDIS_PORT + "/" + PREFIX;
  }

  static String materialize(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "materialize",
                "--project",
                project.dir().toString(),
                "--warehouse",
                warehouse.root()));
    args.addAll(List.of(extra));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new MlopsCli(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(args.toArray(String[]::new));
    assertThat(code).as("stderr: %s", err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * Every customer of every view, read at the time of its latest offline row, gives that row's
   * values (doubles to 1e-9 relative: sums are folded in another order), and nothing else is in.
   */
  static void assertStoreEqualsOffline(OnlineStore store) {
    int customers = 0;
    for (FeatureViewConfig v : project.featureViews().values()) {
      Map<String, FeatureRow> want = expected.get(v.name());
      assertThat(store.count(v.name())).isEqualTo(want.size());
      for (FeatureRow w : want.values()) {
        FeatureRow got =
            store
                .read(v.name(), w.entityKey(), w.eventTimeMillis())
                .orElseThrow(() -> new AssertionError(v.name() + " " + w.entityKey()));
        assertThat(got.eventTimeMillis())
            .as("%s %s", v.name(), w.entityKey())
            .isEqualTo(w.eventTimeMillis());
        assertThat(got.values().keySet())
            .containsExactlyElementsOf(v.features().stream().map(f -> f.name()).toList());
        w.values()
            .forEach(
                (f, value) -> {
                  Object have = got.values().get(f);
                  if (value instanceof Double d && have instanceof Double h) {
                    assertThat(h)
                        .as("%s %s %s", v.name(), w.entityKey(), f)
                        .isCloseTo(
                            d, org.assertj.core.api.Assertions.within(1e-9 * (1 + Math.abs(d))));
                  } else {
                    assertThat(have).as("%s %s %s", v.name(), w.entityKey(), f).isEqualTo(value);
                  }
                });
      }
      customers = Math.max(customers, want.size());
    }
    assertThat(customers).isEqualTo(23_570);
  }

  @Test
  void embeddedStoreHoldsTheLatestOfflineRowOfEveryCustomerAndARerunChangesNothing()
      throws Exception {
    String printed = materialize();
    assertThat(printed)
        .contains("view customer_purchases")
        .contains(
            "succeeded 23570 keys -> embedded:" + warehouse.root() + "/cdnow/_online/features.db");
    OnlineStoreSpec spec = spec(project.onlineStore());
    try (OnlineStore store = spec.open()) {
      assertStoreEqualsOffline(store);
    }
    Path file = Path.of(warehouse.root(), "cdnow", "_online", "features.db");
    List<String> before = dump(file);

    materialize();
    assertThat(dump(file)).as("a second materialize changes nothing").isEqualTo(before);

    // A fresher (streamed) row is never moved back by materializing older offline rows.
    FeatureRow offline = expected.get("customer_spend").get("00003");
    Map<String, Object> fresh = new java.util.LinkedHashMap<>(offline.values());
    fresh.put("spend_30d", 999.0);
    FeatureRow newer = new FeatureRow("00003", offline.eventTimeMillis() + 1, fresh);
    try (OnlineStore store = spec.open()) {
      store.write("customer_spend", List.of(newer));
    }
    materialize("--view", "customer_spend");
    try (OnlineStore store = spec.open()) {
      assertThat(store.read("customer_spend", "00003", newer.eventTimeMillis())).contains(newer);
    }

    // The runs are recorded with the keys written and the Delta version read.
    Dataset<Row> runs =
        tables
            .read(warehouse.runs())
            .filter(col("command").equalTo(lit("materialize")))
            .filter(col("target").equalTo(lit("customer_spend")))
            .filter(col("params").getItem("online_store").equalTo(lit(spec.describe())));
    long version = tables.version(warehouse.events("purchases"));
    assertThat(runs.count()).isEqualTo(3);
    Row r = runs.orderBy(col("started_at")).head();
    assertThat(r.<String>getAs("status")).isEqualTo("succeeded");
    assertThat(r.<Long>getAs("rows_written")).isEqualTo(23_570);
    assertThat(
            r.<scala.collection.Map<String, String>>getAs("inputs")
                .get(warehouse.events("purchases").name())
                .get())
        .isEqualTo("v" + version);
    scala.collection.Map<String, String> params = r.getAs("params");
    assertThat(params.get("delta_version").get()).isEqualTo(Long.toString(version));
    assertThat(params.get("online_store").get())
        .isEqualTo("embedded:" + warehouse.root() + "/cdnow/_online/features.db");
  }

  @Test
  void redisHoldsTheLatestOfflineRowOfEveryCustomerAndARerunChangesNothing() {
    String printed = materialize("--online-store", redisUri());
    assertThat(printed).contains("succeeded 23570 keys -> " + redisUri());
    OnlineStoreSpec spec = spec(OnlineStoreConfig.parse(redisUri()));
    try (OnlineStore store = spec.open()) {
      assertStoreEqualsOffline(store);
      Map<String, String> before = redisDump();
      materialize("--online-store", redisUri());
      assertThat(redisDump()).as("a second materialize changes nothing").isEqualTo(before);
    }
    Dataset<Row> runs =
        tables
            .read(warehouse.runs())
            .filter(col("command").equalTo(lit("materialize")))
            .filter(col("params").getItem("online_store").equalTo(lit(redisUri())));
    assertThat(runs.count()).isEqualTo(4); // two views, twice
  }

  @Test
  void asOfTakesTheLatestRowAtOrBeforeTheTime() {
    Path file = dir.resolve("asof.db");
    Instant asOf = Instant.parse("1997-06-30T00:00:00Z");
    materialize(
        "--online-store",
        "embedded:" + file,
        "--as-of",
        asOf.toString(),
        "--view",
        "customer_spend");
    // Customer 00003 bought on 1997-04-02 and next on 1997-11-15.
    try (OnlineStore store = spec(new OnlineStoreConfig.Embedded(file.toString())).open()) {
      FeatureRow r = store.read("customer_spend", "00003", asOf.toEpochMilli()).orElseThrow();
      assertThat(Instant.ofEpochMilli(r.eventTimeMillis()))
          .isEqualTo(Instant.parse("1997-04-02T00:00:00Z"));
      assertThat(store.count("customer_purchases")).isZero();
      // CDNOW is the cohort of first-time buyers of 1997Q1: all of them have a row by then.
      assertThat(store.count("customer_spend")).isEqualTo(23_570);
    }
  }

  /**
   * Reads at times after each customer's last purchase — when windows have partly or wholly passed,
   * at the TTL boundary and past it — equal a brute force over the raw events written out here by
   * the views' definitions (what a training label at that time must get), and a read between two
   * purchases never sees the later one.
   */
  @Test
  void readsAtLaterTimesEqualABruteForceOverTheRawEvents() {
    Path file = dir.resolve("parity.db");
    materialize("--online-store", "embedded:" + file);
    Map<String, List<double[]>> byCustomer = new java.util.TreeMap<>();
    for (Row r :
        tables
            .read(warehouse.events("purchases"))
            .select("customer_id", "event_time", "number_of_cds", "dollar_value")
            .collectAsList()) {
      long micros = ((java.sql.Timestamp) r.get(1)).getTime() * 1000;
      byCustomer
          .computeIfAbsent(r.getString(0), k -> new ArrayList<>())
          .add(new double[] {micros, r.getInt(2), r.getDouble(3)});
    }
    long day = 86_400_000_000L;
    int compared = 0;
    try (OnlineStore store = spec(new OnlineStoreConfig.Embedded(file.toString())).open()) {
      int n = 0;
      for (Map.Entry<String, List<double[]>> c : byCustomer.entrySet()) {
        if (n++ % 100 != 0) {
          continue; // every 100th customer: ~236 of them
        }
        long latest = (long) c.getValue().stream().mapToDouble(e -> e[0]).max().orElseThrow();
        for (long after : new long[] {0, 1, 29 * day, 30 * day, 31 * day, 200 * day, 365 * day}) {
          long t = latest + after;
          for (FeatureViewConfig v : project.featureViews().values()) {
            var got = store.read(v.name(), c.getKey(), t / 1000);
            assertThat(got).as("%s %s at +%d µs", v.name(), c.getKey(), after).isPresent();
            assertThat(got.get().eventTimeMillis()).isEqualTo(latest / 1000);
            for (var f : v.features()) {
              Object want = bruteForce(f.name(), c.getValue(), t);
              Object have = got.get().values().get(f.name());
              if (want instanceof Double d && have instanceof Double h) {
                assertThat(h)
                    .as("%s %s at +%d µs", f.name(), c.getKey(), after)
                    .isCloseTo(d, org.assertj.core.api.Assertions.within(1e-9 * (1 + Math.abs(d))));
              } else {
                assertThat(have).as("%s %s at +%d µs", f.name(), c.getKey(), after).isEqualTo(want);
              }
              compared++;
            }
          }
        }
        // one millisecond past the TTL (365d, inclusive): expired in both views
        for (FeatureViewConfig v : project.featureViews().values()) {
          assertThat(store.lookup(v.name(), c.getKey(), (latest + 365 * day) / 1000 + 1).status())
              .isEqualTo(OnlineRead.Status.EXPIRED);
        }
      }
      // Reads between purchases never see the later one: per customer, 30 days before its
      // latest purchase, the store answers from the purchases before it when it kept every one a
      // read there needs, else says its history does not reach back. It keeps the purchases within
      // 365d of the latest and the anchor (the latest purchase before that), and drops those
      // before the anchor: the read's 365d window must start at or after the last one dropped.
      int between = 0;
      int notReached = 0;
      int expired = 0;
      for (Map.Entry<String, List<double[]>> c : byCustomer.entrySet()) {
        double[] times = c.getValue().stream().mapToDouble(e -> e[0]).sorted().toArray();
        long first = (long) times[0];
        long latest = (long) times[times.length - 1];
        long t = latest - 30 * day;
        if (first > t || between + notReached + expired > 2000) {
          continue;
        }
        long before = (long) java.util.Arrays.stream(times).filter(x -> x <= t).max().orElseThrow();
        var read = store.lookup("customer_spend", c.getKey(), t / 1000);
        long cut = latest - 365 * day;
        double anchor = java.util.Arrays.stream(times).filter(x -> x <= cut).max().orElse(-1);
        double dropped =
            anchor < 0
                ? -1
                : java.util.Arrays.stream(times).filter(x -> x < anchor).max().orElse(-1);
        if ((dropped < 0 || dropped <= t - 365 * day) && t - before > 365 * day) {
          // the latest purchase at or before t is past the 365d TTL: expired, as the join says
          assertThat(read.status()).as(c.getKey()).isEqualTo(OnlineRead.Status.EXPIRED);
          assertThat(read.rowTimeMillis()).as(c.getKey()).isEqualTo(before / 1000);
          expired++;
        } else if (dropped < 0 || dropped <= t - 365 * day) {
          assertThat(read.status()).as(c.getKey()).isEqualTo(OnlineRead.Status.FOUND);
          assertThat(read.row().eventTimeMillis()).as(c.getKey()).isEqualTo(before / 1000);
          between++;
        } else {
          assertThat(read.status()).as(c.getKey()).isEqualTo(OnlineRead.Status.NOT_REACHED);
          notReached++;
        }
      }
      System.err.printf(
          "materialize: reads 30 days before the latest purchase: %d found, %d expired, %d not"
              + " reached%n",
          between, expired, notReached);
      assertThat(between).isPositive();
      assertThat(notReached).isPositive();
    }
    assertThat(compared).isEqualTo(236 * 7 * 12); // every 100th of 23,570 customers
  }

  /** A CDNOW feature at read time {@code t} (µs) over events {micros, number_of_cds, dollar}. */
  private static Object bruteForce(String feature, List<double[]> events, long t) {
    long day = 86_400_000_000L;
    long w =
        day
            * (feature.endsWith("_30d")
                ? 30
                : feature.endsWith("_90d") ? 90 : 365); // last_cds: 365d
    List<double[]> in = events.stream().filter(e -> e[0] > t - w && e[0] <= t).toList();
    double sum = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (double[] e : in) {
      sum += feature.startsWith("cds") ? e[1] : e[2];
      max = Math.max(max, e[2]);
    }
    return switch (feature) {
      case "purchases_30d", "purchases_90d", "purchases_365d" -> (long) in.size();
      case "cds_90d", "spend_30d", "spend_90d", "spend_365d" -> in.isEmpty() ? null : sum;
      case "mean_order_365d" -> in.isEmpty() ? null : sum / in.size();
      case "max_order_365d" -> in.isEmpty() ? null : max;
      case "price_per_cd_365d" ->
          in.isEmpty() ? null : in.stream().mapToDouble(e -> e[2] / e[1]).sum() / in.size();
      case "big_orders_365d" -> in.stream().filter(e -> e[2] > 50).count();
      case "last_cds" -> {
        // the latest purchase time in the window; the greatest number of CDs at that time
        Double best = null;
        double at = Double.NEGATIVE_INFINITY;
        for (double[] e : in) {
          if (e[0] > at || e[0] == at && e[1] > best) {
            at = e[0];
            best = e[1];
          }
        }
        yield best;
      }
      default -> throw new AssertionError(feature);
    };
  }

  @Test
  void aViewWithoutAnOfflineTableFailsAndTheFailureIsRecorded() {
    Warehouse empty = Warehouse.of(dir.resolve("empty-wh").toString(), project);
    OnlineStoreSpec spec = OnlineStores.spec(project.onlineStore(), empty.root(), project);
    Materializer m = new Materializer(spark, project, empty, spec);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.run(List.of("customer_spend"), null))
        .isInstanceOf(dev.lakeops.common.error.LakeOpsException.class)
        .hasMessageContaining(
            "feature view 'customer_spend' has no events table of source 'purchases'")
        .hasMessageContaining("Fix: run 'mlops features' first");
    Row r = tables.read(empty.runs()).head();
    assertThat(r.<String>getAs("command")).isEqualTo("materialize");
    assertThat(r.<String>getAs("status")).isEqualTo("failed");
    assertThat(r.<String>getAs("error")).contains("has no events table");
  }

  private static List<String> dump(Path file) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT view, entity_key, latest_micros, hex(history) FROM"
                    + " lakeops_online_history ORDER BY view, entity_key")) {
      while (rs.next()) {
        out.add(
            rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getLong(3) + "|" + rs.getString(4));
      }
    }
    return out;
  }

  private static Map<String, String> redisDump() {
    Map<String, String> out = new HashMap<>();
    try (RedisClient c = RedisClient.create(REDIS_HOST, REDIS_PORT)) {
      var params = new redis.clients.jedis.params.ScanParams().match(PREFIX + "*").count(1000);
      String cursor = "0";
      do {
        var page = c.scan(cursor, params);
        for (String k : page.getResult()) {
          out.put(
              k,
              c.hget(k, RedisOnlineStore.LATEST)
                  + "|"
                  + java.util.HexFormat.of()
                      .formatHex(
                          c.hget(
                              k.getBytes(StandardCharsets.UTF_8),
                              RedisOnlineStore.HISTORY.getBytes(StandardCharsets.UTF_8))));
        }
        cursor = page.getCursor();
      } while (!cursor.equals("0"));
    }
    return out;
  }
}
