package dev.lakeops.flink.features;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.SourceFormat;
import dev.lakeops.common.online.FeatureRow;
import dev.lakeops.common.online.OnlineRead;
import dev.lakeops.common.online.OnlineStore;
import dev.lakeops.common.online.OnlineStoreConfig;
import dev.lakeops.common.online.OnlineStores;
import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.features.JobRuns.RowId;
import dev.lakeops.flink.testing.SparkRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training/serving parity: the offline pipeline (Spark, its own process, Delta tables read back
 * with Delta Kernel) and the online-store job (Flink MiniCluster) on the same events give the same
 * row for every (entity, event time) of every view, and the online store holds each key's latest.
 */
class FeatureParityIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    SparkRuns.start("elec2");
    SparkRuns.start("cdnow");
  }

  @Test
  void elec2MatchesTheOfflineStore() throws Exception {
    // One file, in time order: row-index event time equals Spark's; nothing is out of order.
    Path input = Files.createDirectories(dir.resolve("in"));
    Files.copy(
        SparkRuns.repo().resolve("data/elec2/electricity.csv"), input.resolve("electricity.csv"));
    Result r = runAndCompare("elec2", input, Duration.ZERO);
    assertThat(r.rows).isEqualTo(2 * 45312);
    assertThat(r.keys).isEqualTo(2); // one market, two views
  }

  /**
   * The streaming treatment of row-index event time: events carry an explicit {@code event_time}
   * (what the offline pipeline derives from the row index) and may come in several files.
   */
  @Test
  void elec2AsJsonEventsWithExplicitEventTimesInSeveralFiles() throws Exception {
    List<String> csv = Files.readAllLines(SparkRuns.repo().resolve("data/elec2/electricity.csv"));
    String[] names = csv.get(0).split(",");
    Instant start = Instant.parse("1996-05-07T00:00:00Z");
    Path input = Files.createDirectories(dir.resolve("in"));
    List<List<String>> parts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int i = 1; i < csv.size(); i++) {
      String[] v = csv.get(i).split(",");
      StringBuilder json = new StringBuilder("{");
      for (int c = 0; c < names.length; c++) {
        json.append('"').append(names[c]).append("\":");
        json.append(names[c].equals("class") ? "\"" + v[c] + "\"" : v[c]).append(',');
      }
      json.append("\"event_time\":\"")
          .append(start.plus(Duration.ofMinutes(30L * (i - 1))))
          .append("\"}");
      parts.get((i - 1) * 3 / (csv.size() - 1)).add(json.toString());
    }
    for (int f = 0; f < parts.size(); f++) {
      Files.write(input.resolve("part-" + f + ".jsonl"), parts.get(f));
    }
    Result r =
        runAndCompare(
            "elec2",
            new OnlineStoreJob.Files(input.toString(), null, SourceFormat.JSONL),
            Duration.ofDays(1000));
    assertThat(r.rows).isEqualTo(2 * 45312);
  }

  @Test
  void cdnowMatchesTheOfflineStore() throws Exception {
    // The file is sorted by customer, not time: the bound covers the whole 18 months.
    Path input = Files.createDirectories(dir.resolve("in"));
    Files.copy(SparkRuns.repo().resolve("data/cdnow/CDNOW_master.txt"), input.resolve("cdnow.txt"));
    Result r = runAndCompare("cdnow", input, Duration.ofDays(1000));
    assertThat(r.keys).isEqualTo(2 * 23570);
    assertThat(r.rows).isGreaterThan(2 * 60000);

    // materialize (Spark, its own process) over the same events stores what the Flink job
    // stored: every key answers the same at its latest event, as windows pass, at and past the
    // TTL, and before its latest event (both answer or both refuse).
    Path materialized = dir.resolve("materialized.db");
    SparkRuns.launch(
        List.of(
            "materialize",
            "--project",
            SparkRuns.repo().resolve("conf/examples/cdnow").toString(),
            "--warehouse",
            SparkRuns.warehouse("cdnow").toString(),
            "--online-store",
            "embedded:" + materialized),
        dir.resolve("materialize.log"));
    ProjectConfig p = JobRuns.load("cdnow");
    OnlineStoreJob.Options o =
        JobRuns.options(
            "cdnow", dir, new OnlineStoreJob.Files(input.toString(), null), Duration.ZERO);
    long day = Duration.ofDays(1).toMillis();
    long compared = 0;
    try (OnlineStore flink = o.store().open();
        OnlineStore spark =
            OnlineStores.open(
                new OnlineStoreConfig.Embedded(materialized.toString()), dir.toString(), p);
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("online.db"));
        Statement st = c.createStatement();
        ResultSet keys =
            st.executeQuery("SELECT view, entity_key, latest_micros FROM lakeops_online_history")) {
      while (keys.next()) {
        String view = keys.getString(1);
        String key = keys.getString(2);
        long latest = Math.floorDiv(keys.getLong(3), 1000L);
        for (long t :
            new long[] {
              latest - 40 * day,
              latest - 1,
              latest,
              latest + 30 * day,
              latest + 91 * day,
              latest + 365 * day,
              latest + 365 * day + 1
            }) {
          OnlineRead a = flink.lookup(view, key, t);
          OnlineRead b = spark.lookup(view, key, t);
          assertThat(b.status()).as("%s %s at %d", view, key, t).isEqualTo(a.status());
          if (a.row() != null) {
            assertThat(b.row().eventTimeMillis()).isEqualTo(a.row().eventTimeMillis());
            for (var e : a.row().values().entrySet()) {
              compare(
                  view + "." + e.getKey() + " " + key + " @" + t,
                  e.getValue(),
                  b.row().values().get(e.getKey()));
            }
          }
          compared++;
        }
      }
    }
    assertThat(compared).isEqualTo(7L * 2 * 23570);
  }

  record Result(long rows, long keys, double maxDiff) {}

  private Result runAndCompare(String example, Path input, Duration bound) throws Exception {
    return runAndCompare(example, new OnlineStoreJob.Files(input.toString(), null), bound);
  }

  private Result runAndCompare(String example, OnlineStoreJob.Files input, Duration bound)
      throws Exception {
    OnlineStoreJob.Options o = JobRuns.options(example, dir, input, bound);
    long t0 = System.nanoTime();
    OnlineStoreJob.run(o);
    System.out.printf("%s: Flink job %d ms%n", example, (System.nanoTime() - t0) / 1_000_000);
    assertThat(JobRuns.jsonLines(dir.resolve("dead_letter"))).isEmpty();
    Map<String, Map<RowId, Map<String, Object>>> flink =
        JobRuns.featureLog(dir.resolve("feature_log"));

    ProjectConfig p = JobRuns.load(example);
    Path warehouse = SparkRuns.warehouse(example);
    long rows = 0;
    long keys = 0;
    double maxDiff = 0;
    KernelTables kernel = new KernelTables();
    try (OnlineStore store = o.store().open()) {
      for (FeatureViewConfig view : p.featureViews().values()) {
        String keyCol = p.entities().get(view.entity()).key();
        List<Map<String, Object>> spark =
            kernel.readAll(SparkRuns.featureTable(warehouse, p.database(), view.name()));
        Map<RowId, Map<String, Object>> mine = flink.getOrDefault(view.name(), Map.of());
        assertThat(mine).as(view.name() + " rows").hasSameSizeAs(spark);
        Map<String, Map<String, Object>> latest = new HashMap<>();
        for (Map<String, Object> s : spark) {
          String key = (String) s.get(keyCol);
          long t = (Long) s.get("event_time");
          Map<String, Object> f = mine.get(new RowId(key, t));
          assertThat(f).as(view.name() + " row " + key + " @" + t).isNotNull();
          for (var feature : view.features()) {
            maxDiff =
                Math.max(
                    maxDiff,
                    compare(
                        view.name() + "." + feature.name() + " " + key + " @" + t,
                        s.get(feature.name()),
                        f.get(feature.name())));
          }
          rows++;
          Map<String, Object> before = latest.get(key);
          if (before == null || (Long) before.get("event_time") < t) {
            latest.put(key, s);
          }
        }
        // The online store: per key, the latest offline row.
        for (Map.Entry<String, Map<String, Object>> e : latest.entrySet()) {
          long t = (Long) e.getValue().get("event_time");
          Optional<FeatureRow> online = store.read(view.name(), e.getKey(), t / 1000);
          assertThat(online).as(view.name() + " online " + e.getKey()).isPresent();
          assertThat(online.get().eventTimeMillis()).isEqualTo(t / 1000);
          for (var feature : view.features()) {
            maxDiff =
                Math.max(
                    maxDiff,
                    compare(
                        "online " + view.name() + "." + feature.name() + " " + e.getKey(),
                        e.getValue().get(feature.name()),
                        online.get().values().get(feature.name())));
          }
        }
        assertThat(store.count(view.name())).isEqualTo(latest.size());
        keys += latest.size();
      }
    }
    System.out.printf(
        "%s: %d rows and %d online keys compared, max |diff| %.3g%n", example, rows, keys, maxDiff);
    return new Result(rows, keys, maxDiff);
  }

  /** Asserts equality (doubles within 1e-9, nulls equal) and returns |diff|. */
  private static double compare(String what, Object spark, Object flink) {
    if (spark instanceof Double d) {
      assertThat(flink).as(what).isInstanceOf(Double.class);
      double diff = Math.abs(d - (Double) flink);
      assertThat(diff).as(what + ": spark " + d + ", flink " + flink).isLessThanOrEqualTo(1e-9);
      return diff;
    }
    assertThat(flink).as(what).isEqualTo(spark);
    return 0;
  }
}
