package dev.lakeops.flink.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.online.OnlineRead;
import dev.lakeops.common.online.OnlineStore;
import dev.lakeops.common.online.OnlineStoreConfig;
import dev.lakeops.common.online.OnlineStores;
import dev.lakeops.common.warehouse.PredictionLogColumns;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.serving.ServingFixture;
import dev.lakeops.flink.testing.CommandRun;
import dev.lakeops.flink.testing.SparkRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user-item example ({@code conf/examples/ratings}: ratings keyed by a user and an item, both
 * integer ids, and an item catalogue as a dimension source) end to end: {@code retrain} (features,
 * the training set, train, promote) and {@code materialize} through the real Spark launcher, then
 * the Flink jobs in this JVM. It shows that the engines agree on the shapes issue 11 added: the
 * online store the Flink online-store job writes answers every read as the one {@code materialize}
 * wrote, and serving an event at a label's time reads exactly the features the point-in-time join
 * put in that label's training row, each view by its own entity's key.
 */
class RatingsExampleIT {
  static {
    ServingFixture.logging();
  }

  static final String MODEL = "liked";

  /** The data's end: the generator's ratings are before 2024-06-30T00:00Z. */
  static final Instant END = Instant.parse("2024-06-30T00:00:00Z");

  static Path project;
  static ProjectConfig config;
  static Path dir;
  static String warehouse;

  /** The Spark steps, started once and run while the Flink online-store job runs. */
  static CompletableFuture<String> spark;

  @TempDir Path tmp;

  @BeforeAll
  static void startSpark() throws Exception {
    project = SparkRuns.repo().resolve("conf/examples/ratings");
    config = ProjectLoader.load(project);
    dir = Files.createTempDirectory("lakeops-ratings");
    warehouse = dir.resolve("wh").toString();
    spark =
        CompletableFuture.supplyAsync(
            () -> {
              String retrain =
                  SparkRuns.launch(
                      List.of(
                          "retrain",
                          "--project",
                          project.toString(),
                          "--model",
                          MODEL,
                          "--warehouse",
                          warehouse),
                      dir.resolve("retrain.log"));
              String materialize =
                  SparkRuns.launch(
                      List.of(
                          "materialize", "--project", project.toString(), "--warehouse", warehouse),
                      dir.resolve("materialize.log"));
              return retrain + materialize;
            });
  }

  static String sparkOutput() throws Exception {
    return spark.get(15, TimeUnit.MINUTES);
  }

  static OnlineStore open(Path file) {
    return OnlineStores.spec(new OnlineStoreConfig.Embedded(file.toString()), warehouse, config)
        .open();
  }

  /** The materialized store: the default embedded file under the warehouse. */
  static Path materialized() {
    return dir.resolve("wh").resolve(config.database()).resolve("_online/features.db");
  }

  @Test
  void theOnlineStoreJobAnswersEveryReadAsMaterializeDoes() throws Exception {
    Path flinkStore = tmp.resolve("flink.db");
    for (String source : List.of("ratings", "items")) {
      CommandRun r =
          CommandRun.onlineStore(
              "--project",
              project.toString(),
              "--warehouse",
              tmp.resolve("wh").toString(),
              "--source",
              source,
              "--online-store",
              "embedded:" + flinkStore,
              "--parallelism",
              "1",
              "--once");
      assertThat(r.code()).as(r.out() + r.err()).isZero();
    }
    assertThat(sparkOutput()).contains("model liked version 1 registered");

    // Every key of every view, read at the data's end and 10 and 25 days before it (inside the
    // views' online_lookback of 30 days): the same answer, the same values.
    Set<String> users = new TreeSet<>();
    Set<String> items = new TreeSet<>();
    for (String line : Files.readAllLines(SparkRuns.repo().resolve("data/ratings/ratings.csv"))) {
      String[] f = line.split(",");
      if (!f[0].equals("user_id")) {
        users.add(f[0]);
        items.add(f[1]);
      }
    }
    for (int id = 1; id <= 120; id++) {
      items.add(Integer.toString(id)); // the catalogue's items, rated or not
    }
    items.add("121"); // in neither
    int compared = 0;
    try (OnlineStore spark = open(materialized());
        OnlineStore flink = open(flinkStore)) {
      for (FeatureViewConfig v : config.featureViews().values()) {
        Set<String> keys = v.entity().equals("user") ? users : items;
        for (String key : keys) {
          for (Duration back : List.of(Duration.ZERO, Duration.ofDays(10), Duration.ofDays(25))) {
            long t = END.minus(back).toEpochMilli();
            OnlineRead a = spark.lookup(v.name(), key, t);
            OnlineRead b = flink.lookup(v.name(), key, t);
            String what = v.name() + " " + key + " at " + Instant.ofEpochMilli(t);
            assertThat(b.status()).as(what).isEqualTo(a.status());
            assertThat(b.rowTimeMillis()).as(what).isEqualTo(a.rowTimeMillis());
            if (a.row() != null) {
              assertThat(b.row().values()).as(what).isEqualTo(a.row().values());
            }
            compared++;
          }
        }
      }
    }
    // 300 users; 120 catalogue items + 1 unknown, in two item views; three times each.
    assertThat(compared).isEqualTo(3 * (users.size() + 2 * items.size()));
    assertThat(users).hasSize(300);
    assertThat(items).hasSize(121);
  }

  @Test
  void servingReadsEachViewByItsKeyAsTheTrainingSetDid() throws Exception {
    sparkOutput();
    String db = config.database();
    KernelTables tables = new KernelTables();
    // The training rows of the last 20 days: their features as of each label's time.
    long from = END.minus(Duration.ofDays(20)).toEpochMilli() * 1000;
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> r :
        tables.readAll(new Warehouse(warehouse, db).trainingSet("user_item_liked").path())) {
      if ((Long) r.get("event_time") >= from) {
        rows.add(r);
      }
    }
    assertThat(rows).hasSizeGreaterThan(300);
    List<String> events = new ArrayList<>();
    Map<String, Map<String, Object>> byId = new HashMap<>();
    for (Map<String, Object> r : rows) {
      String id = (String) r.get("label_id");
      byId.put(id, r);
      events.add(
          event(
              id,
              (String) r.get("user_id"),
              (String) r.get("item_id"),
              (Long) r.get("event_time") / 1000));
    }
    long end = END.toEpochMilli();
    // A known user and a catalogue item nobody rated: its ratings view has no row, the
    // catalogue has one, so it is scored and flagged. An unknown user and item: no view has a
    // row, the dead letter.
    events.add(event("unrated-item", "1070", "118", end));
    events.add(event("nobody", "99999", "99999", end));
    Path in = Files.createDirectories(tmp.resolve("events"));
    Files.write(in.resolve("events.json"), events);

    CommandRun serve =
        CommandRun.serve(
            "serve",
            "--project",
            project.toString(),
            "--model",
            MODEL,
            "--warehouse",
            warehouse,
            "--input",
            in.toString(),
            "--parallelism",
            "1",
            "--once");
    assertThat(serve.code()).as(serve.out() + "\n" + serve.err()).isZero();
    assertThat(serve.out())
        .contains((rows.size() + 1) + " events scored, 1 event to the dead letter");

    Warehouse w = new Warehouse(warehouse, db);
    Map<String, Map<String, Object>> logged = new HashMap<>();
    for (Map<String, Object> p : tables.readAll(w.predictions(MODEL).path())) {
      logged.put((String) p.get(PredictionLogColumns.EVENT_ID), p);
    }
    assertThat(logged).hasSize(rows.size() + 1);
    List<String> numeric = new ArrayList<>();
    for (FeatureViewConfig v : config.featureViews().values()) {
      for (FeatureSpec f : v.features()) {
        if (!f.name().equals("category")) {
          numeric.add(f.name());
        }
      }
    }
    int missingUser = 0;
    for (Map.Entry<String, Map<String, Object>> e : byId.entrySet()) {
      Map<String, Object> p = logged.get(e.getKey());
      Map<String, Object> t = e.getValue();
      assertThat(p).as(e.getKey()).isNotNull();
      @SuppressWarnings("unchecked")
      Map<String, Object> features = (Map<String, Object>) p.get(PredictionLogColumns.FEATURES);
      for (String f : numeric) {
        Object want = t.get(f) == null ? null : ((Number) t.get(f)).doubleValue();
        assertThat(features.get(f)).as(f + " of " + t).isEqualTo(want);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> text = (Map<String, Object>) p.get(PredictionLogColumns.TEXT_FEATURES);
      assertThat(text.get("category")).isEqualTo(t.get("category"));
      List<String> missing = new ArrayList<>();
      for (String view : List.of("user_ratings", "item_ratings", "item_attributes")) {
        if (t.get(view + "__event_time") == null) {
          missing.add(view);
        }
      }
      assertThat(missingViews(p)).as(e.getKey()).isEqualTo(missing);
      missingUser += missing.contains("user_ratings") ? 1 : 0;
    }
    // A row whose user has no rating within the TTL before it would have its user view empty in
    // both (none does in the last 20 days of this data: the count is printed).
    System.err.printf(
        "ratings: %d training rows served with the training set's features (%d without a user"
            + " row)%n",
        rows.size(), missingUser);
    assertThat(missingViews(logged.get("unrated-item"))).containsExactly("item_ratings");
    List<Map<String, Object>> dead = tables.readAll(w.servingDeadLetter(MODEL).path());
    assertThat(dead).hasSize(1);
    assertThat(String.valueOf(dead.get(0).get("reason")))
        .contains("no feature row as of the event time 2024-06-30T00:00:00Z for user_id '99999'");
  }

  @SuppressWarnings("unchecked")
  static List<String> missingViews(Map<String, Object> p) {
    Object m = p.get(PredictionLogColumns.MISSING_VIEWS);
    return m == null ? List.of() : new ArrayList<>((List<String>) m);
  }

  static String event(String id, String user, String item, long millis) {
    return "{\"event_id\":\""
        + id
        + "\",\"user_id\":"
        + user
        + ",\"item_id\":"
        + item
        + ",\"event_time\":"
        + millis
        + "}";
  }
}
