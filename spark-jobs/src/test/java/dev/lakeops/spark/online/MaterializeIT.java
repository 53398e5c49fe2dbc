package dev.lakeops.spark.online;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.online.FeatureRow;
import dev.lakeops.common.online.OnlineStore;
import dev.lakeops.common.online.OnlineStoreConfig;
import dev.lakeops.common.online.OnlineStoreSpec;
import dev.lakeops.common.online.OnlineStores;
import dev.lakeops.common.online.RedisOnlineStore;
import dev.lakeops.spark.TestSpark;
import dev.lakeops.spark.cli.MlopsCli;
import dev.lakeops.spark.features.FeaturePipeline;
import dev.lakeops.spark.store.DeltaTables;
import dev.lakeops.spark.store.Warehouse;
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
 * customer's online row equals the latest offline row; a second run changes nothing; the runs are
 * recorded.
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
    Materializer m = new Materializer(spark, project, warehouse, spec(project.onlineStore()));
    for (FeatureViewConfig v : project.featureViews().values()) {
      Map<String, FeatureRow> rows = new HashMap<>();
      for (Row r :
          m.latest(v, tables.read(warehouse.featureView(v.name())), null).collectAsList()) {
        FeatureRow f = Materializer.toFeatureRow(r);
        rows.put(f.entityKey(), f);
      }
      expected.put(v.name(), rows);
    }
  }

  @AfterAll
  static void dropRedisKeys() {
    try (RedisOnlineStore s =
        new RedisOnlineStore(REDIS_HOST, REDIS_PORT, PREFIX, Map.of(), Map.of())) {
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

  /** Every customer of every view reads back as the latest offline row, and nothing else is in. */
  static void assertStoreEqualsOffline(OnlineStore store) {
    int customers = 0;
    for (FeatureViewConfig v : project.featureViews().values()) {
      Map<String, FeatureRow> want = expected.get(v.name());
      assertThat(store.count(v.name())).isEqualTo(want.size());
      List<String> keys = new ArrayList<>(want.keySet());
      for (int from = 0; from < keys.size(); from += 1000) {
        List<String> batch = keys.subList(from, Math.min(keys.size(), from + 1000));
        var got = store.readMany(v.name(), batch, Long.MIN_VALUE / 4);
        for (int i = 0; i < batch.size(); i++) {
          FeatureRow w = want.get(batch.get(i));
          assertThat(got.get(i)).as("%s %s", v.name(), batch.get(i)).contains(w);
          assertThat(got.get(i).get().values().keySet())
              .containsExactlyElementsOf(v.features().stream().map(f -> f.name()).toList());
        }
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
      assertThat(store.read("customer_spend", "00003", 0)).contains(newer);
    }

    // The runs are recorded with the keys written and the Delta version read.
    Dataset<Row> runs =
        tables
            .read(warehouse.runs())
            .filter(col("command").equalTo(lit("materialize")))
            .filter(col("target").equalTo(lit("customer_spend")))
            .filter(col("params").getItem("online_store").equalTo(lit(spec.describe())));
    long version = tables.version(warehouse.featureView("customer_spend"));
    assertThat(runs.count()).isEqualTo(3);
    Row r = runs.orderBy(col("started_at")).head();
    assertThat(r.<String>getAs("status")).isEqualTo("succeeded");
    assertThat(r.<Long>getAs("rows_written")).isEqualTo(23_570);
    assertThat(
            r.<scala.collection.Map<String, String>>getAs("inputs")
                .get("cdnow.customer_spend")
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

  @Test
  void aViewWithoutAnOfflineTableFailsAndTheFailureIsRecorded() {
    Warehouse empty = Warehouse.of(dir.resolve("empty-wh").toString(), project);
    OnlineStoreSpec spec = OnlineStores.spec(project.onlineStore(), empty.root(), project);
    Materializer m = new Materializer(spark, project, empty, spec);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.run(List.of("customer_spend"), null))
        .isInstanceOf(dev.lakeops.common.error.LakeOpsException.class)
        .hasMessageContaining("feature view 'customer_spend' has no offline table")
        .hasMessageContaining("Fix: run 'mlops features' first");
    Row r = tables.read(empty.runs()).head();
    assertThat(r.<String>getAs("command")).isEqualTo("materialize");
    assertThat(r.<String>getAs("status")).isEqualTo("failed");
    assertThat(r.<String>getAs("error")).contains("has no offline table");
  }

  private static List<String> dump(Path file) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT view, entity_key, event_time, hex(payload) FROM lakeops_online"
                    + " ORDER BY view, entity_key")) {
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
          out.put(k, new java.util.TreeMap<>(c.hgetAll(k)).toString());
        }
        cursor = page.getCursor();
      } while (!cursor.equals("0"));
    }
    return out;
  }
}
