package dev.lakeops.spark.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.TestSpark;
import dev.lakeops.spark.metadata.RunRecord;
import dev.lakeops.spark.store.DeltaTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed lines, wrong types, out-of-range and disallowed values, missing keys, bad times and
 * duplicate keys: the run succeeds, every bad row is quarantined with its rule and reason, and the
 * counts add up. Then incremental input and a changed file.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {
  @TempDir static Path dir;
  static SparkSession spark;
  static DeltaTables tables;
  static ProjectConfig project;
  static Warehouse warehouse;

  @BeforeAll
  static void project() throws IOException {
    spark = TestSpark.session();
    tables = new DeltaTables(spark);
    Path p = dir.resolve("project");
    Files.createDirectories(p.resolve("readings"));
    Files.createDirectories(p.resolve("clicks"));
    Files.writeString(p.resolve("project.yaml"), "name: sensors\n");
    Files.writeString(p.resolve("entities.yaml"), "entities:\n  - {name: item, key: item_id}\n");
    Files.writeString(
        p.resolve("sources.yaml"),
        """
        sources:
          - name: readings
            format: csv
            path: readings
            entity: item
            entity_key: item_id
            event_time: {column: ts}
            unique_key: [reading_id]
            schema:
              - {name: reading_id, type: string, nullable: false}
              - {name: item_id, type: string, nullable: false}
              - {name: ts, type: string, nullable: false}
              - {name: value, type: double, min: 0, max: 100}
              - {name: status, type: string, allowed: [ok, warn]}
              - {name: qty, type: int}
          - name: clicks
            format: jsonl
            path: clicks
            entity: item
            entity_key: item_id
            event_time: {column: ts, format: "yyyy-MM-dd HH:mm:ss"}
            schema:
              - {name: item_id, type: string}
              - {name: ts, type: string}
              - {name: amount, type: double, min: 0}
          - name: catalog
            format: csv
            path: catalog
            dimension: true
            entity: item
            schema:
              - {name: item_id, type: string, nullable: false}
              - {name: category, type: string}
        """);
    Files.writeString(
        p.resolve("feature_views.yaml"),
        """
        feature_views:
          - name: reading_stats
            entity: item
            source: readings
            ttl: 1d
            features:
              - {name: value_mean_1h, agg: mean, expr: value, window: 1h}
              - {name: readings_1d, agg: count, window: 1d}
              - {name: last_status, agg: last, expr: status, window: 1d}
          - name: click_spend
            entity: item
            source: clicks
            ttl: 1d
            features:
              - {name: amount_1h, agg: sum, expr: amount, window: 1h}
          - name: item_category
            entity: item
            source: catalog
            features:
              - {name: category, expr: category}
        """);
    Files.createDirectories(p.resolve("catalog"));
    // Item a twice: which category is right cannot be told, so the repeat is quarantined.
    Files.writeString(
        p.resolve("catalog/items.csv"), "item_id,category\na,books\nb,music\na,games\n");
    Files.writeString(
        p.resolve("readings/part-1.csv"),
        """
        reading_id,item_id,ts,value,status,qty
        r1,a,2024-01-01 00:00:00,10.5,ok,1
        r2,a,2024-01-01 00:30:00,abc,ok,1
        r3,a,2024-01-01 01:00:00,150,ok,1
        r4,b,2024-01-01 00:00:00,5,broken,1
        r5,b,2024-01-01 00:10:00,5,ok
        r6,b,2024-01-01 00:20:00,5,ok,1,extra
        r7,,2024-01-01 00:30:00,5,ok,1
        r8,b,not-a-time,5,ok,1
        r1,a,2024-01-01 02:00:00,11,ok,1
        r9,a,2024-01-01 01:30:00,20,warn,2
        r10,b,2024-01-01 00:40:00,-1,ok,x
        """);
    Files.writeString(
        p.resolve("clicks/day-1.jsonl"),
        """
        {"item_id":"a","ts":"2024-01-01 00:05:00","amount":3.5}
        {"item_id":"a","ts":"2024-01-01 00:06:00","amount":"lots"}
        {"item_id": "a", "ts": broken
        {"ts":"2024-01-01 00:07:00","amount":1}
        {"item_id":"b","ts":"2024-01-01 00:08:00","amount":2}
        """);
    project = ProjectLoader.load(p);
    warehouse = Warehouse.of(dir.resolve("wh").toString(), project);
  }

  @Test
  @Order(1)
  void badCsvRowsAreQuarantinedWithTheirRuleAndReason() {
    RunRecord r =
        new FeaturePipeline(spark, project, warehouse)
            .run(project.sources().get("readings"), false);
    assertThat(r.status()).isEqualTo("succeeded");
    assertThat(r.rowsRead()).isEqualTo(11);
    assertThat(r.rowsWritten()).isEqualTo(2);
    assertThat(r.rowsQuarantined()).isEqualTo(9);
    assertThat(tables.read(warehouse.events("readings")).count()).isEqualTo(2);

    Map<String, Row> byId = quarantineById();
    assertThat(byId).hasSize(8); // r1's repeat shares its id with the clean r1
    assertRule(byId.get("r2"), "type", "column 'value': expected double, got 'abc'");
    assertRule(byId.get("r3"), "range", "column 'value' = 150.0 is above the maximum 100.0");
    assertRule(
        byId.get("r4"), "allowed_values", "column 'status' = 'broken' is not one of [ok, warn]");
    assertRule(byId.get("r5"), "malformed", "expected 6 fields");
    assertRule(byId.get("r6"), "malformed", "expected 6 fields");
    assertThat(byId.get("r6").<String>getAs("raw"))
        .isEqualTo("r6,b,2024-01-01 00:20:00,5,ok,1,extra");
    assertRule(byId.get("r7"), "not_null", "column 'item_id' is empty");
    assertThat(byId.get("r7").<String>getAs("reason")).contains("the entity key (item_id) is null");
    assertRule(
        byId.get("r8"),
        "event_time",
        "cannot derive the event time from column 'ts' = 'not-a-time'");
    assertThat(byId.get("r10").<String>getAs("reason"))
        .contains("column 'value' = -1.0 is below the minimum 0.0")
        .contains("column 'qty': expected int, got 'x'");
    List<Row> dup =
        tables
            .read(warehouse.quarantine("readings"))
            .filter(col("rule").equalTo(lit("duplicate_key")))
            .collectAsList();
    assertThat(dup).hasSize(1);
    assertThat(dup.get(0).<String>getAs("reason"))
        .contains("unique key [reading_id]")
        .contains("repeats an earlier row");
  }

  @Test
  @Order(2)
  void badJsonRowsAreQuarantinedAndTheJobGoesOn() {
    RunRecord r =
        new FeaturePipeline(spark, project, warehouse).run(project.sources().get("clicks"), false);
    assertThat(r.rowsRead()).isEqualTo(5);
    assertThat(r.rowsWritten()).isEqualTo(2);
    assertThat(r.rowsQuarantined()).isEqualTo(3);
    List<String> rules =
        tables
            .read(warehouse.quarantine("clicks"))
            .select("rule")
            .orderBy("rule")
            .collectAsList()
            .stream()
            .map(x -> x.getString(0))
            .toList();
    assertThat(rules).containsExactly("entity_key", "malformed", "type");
    assertThat(
            tables
                .read(warehouse.featureView("click_spend"))
                .filter(col("item_id").equalTo(lit("a")))
                .head()
                .<Double>getAs("amount_1h"))
        .isEqualTo(3.5);
  }

  /**
   * A dimension source's rows are valid always (from 1900-01-01T00:00Z) and unique by key: a
   * repeated key is quarantined with the rule and the key, the first row kept.
   */
  @Test
  @Order(2)
  void aDimensionSourcesRepeatedKeyIsQuarantined() {
    RunRecord r =
        new FeaturePipeline(spark, project, warehouse).run(project.sources().get("catalog"), false);
    assertThat(r.rowsRead()).isEqualTo(3);
    assertThat(r.rowsWritten()).isEqualTo(2);
    assertThat(r.rowsQuarantined()).isEqualTo(1);
    List<Row> q = tables.read(warehouse.quarantine("catalog")).collectAsList();
    assertThat(q)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.<String>getAs("rule")).isEqualTo("duplicate_key");
              assertThat(x.<String>getAs("reason")).contains("unique key [item_id]");
              assertThat(x.<String>getAs("raw")).isEqualTo("a,games");
            });
    List<Row> rows =
        tables.read(warehouse.featureView("item_category")).orderBy("item_id").collectAsList();
    assertThat(rows).extracting(x -> x.<String>getAs("category")).containsExactly("books", "music");
    assertThat(rows)
        .extracting(x -> x.<java.sql.Timestamp>getAs("event_time").toInstant())
        .containsOnly(java.time.Instant.parse("1900-01-01T00:00:00Z"));
  }

  @Test
  @Order(3)
  void aNewFileIsAddedIncrementallyAndRepeatsOfEarlierKeysAreCaught() throws IOException {
    Files.writeString(
        dir.resolve("project/readings/part-2.csv"),
        """
        reading_id,item_id,ts,value,status,qty
        r11,a,2024-01-01 03:00:00,30,ok,1
        r1,a,2024-01-01 04:00:00,12,ok,1
        """);
    RunRecord r =
        new FeaturePipeline(spark, project, warehouse)
            .run(project.sources().get("readings"), false);
    assertThat(r.rowsRead()).isEqualTo(2);
    assertThat(r.rowsWritten()).isEqualTo(1);
    assertThat(r.inputs().keySet())
        .singleElement()
        .satisfies(k -> assertThat(k).endsWith("part-2.csv"));
    assertThat(tables.read(warehouse.quarantine("readings")).count()).isEqualTo(10);
    assertThat(
            tables
                .read(warehouse.quarantine("readings"))
                .filter(col("reason").contains("was ingested by an earlier run"))
                .count())
        .isEqualTo(1);

    List<Row> a = readingStats("a");
    assertThat(a)
        .extracting(x -> x.<Timestamp>getAs("event_time").toString())
        .containsExactly("2024-01-01 00:00:00.0", "2024-01-01 01:30:00.0", "2024-01-01 03:00:00.0");
    assertThat(a.get(2).<Long>getAs("readings_1d")).isEqualTo(3);
    assertThat(a.get(2).<Double>getAs("value_mean_1h")).isEqualTo(30.0);
    assertThat(a.get(1).<String>getAs("last_status")).isEqualTo("warn");
  }

  @Test
  @Order(4)
  void aLateEventUpdatesTheLaterRowsOfItsEntity() throws IOException {
    // a's 02:30 reading comes after a's 03:00 one was ingested: the view's 03:00 row changes
    // (merged); b's first clean event has nothing before it.
    Files.writeString(
        dir.resolve("project/readings/part-3.csv"),
        """
        reading_id,item_id,ts,value,status,qty
        r13,a,2024-01-01 02:30:00,40,warn,1
        r14,b,2024-01-01 05:00:00,7,ok,1
        """);
    RunRecord r =
        new FeaturePipeline(spark, project, warehouse)
            .run(project.sources().get("readings"), false);
    assertThat(r.rowsWritten()).isEqualTo(2);
    List<Row> a = readingStats("a");
    assertThat(a)
        .extracting(x -> x.<Timestamp>getAs("event_time").toString())
        .containsExactly(
            "2024-01-01 00:00:00.0",
            "2024-01-01 01:30:00.0",
            "2024-01-01 02:30:00.0",
            "2024-01-01 03:00:00.0");
    // 02:30: the 1h window (01:30, 02:30] holds 40 alone; the day holds 10.5, 20, 40.
    assertThat(a.get(2).<Double>getAs("value_mean_1h")).isEqualTo(40.0);
    assertThat(a.get(2).<Long>getAs("readings_1d")).isEqualTo(3);
    assertThat(a.get(2).<String>getAs("last_status")).isEqualTo("warn");
    // 03:00, updated: (02:00, 03:00] holds 40 and 30; four readings in the day.
    assertThat(a.get(3).<Double>getAs("value_mean_1h")).isEqualTo(35.0);
    assertThat(a.get(3).<Long>getAs("readings_1d")).isEqualTo(4);
    assertThat(a.get(3).<String>getAs("last_status")).isEqualTo("ok");
    List<Row> b = readingStats("b");
    assertThat(b).singleElement().satisfies(x -> assertThat(x.<Long>getAs("readings_1d")).isOne());
  }

  @Test
  @Order(5)
  void aChangedInputFileStopsTheRunWithAFix() throws IOException {
    Files.writeString(
        dir.resolve("project/readings/part-1.csv"),
        "r12,a,2024-01-02 00:00:00,1,ok,1\n",
        StandardOpenOption.APPEND);
    long eventsBefore = tables.read(warehouse.events("readings")).count();
    assertThatThrownBy(
            () ->
                new FeaturePipeline(spark, project, warehouse)
                    .run(project.sources().get("readings"), false))
        .isInstanceOf(LakeOpsException.class)
        .hasMessageContaining("part-1.csv changed after it was ingested")
        .hasMessageContaining("--full-refresh");
    assertThat(tables.read(warehouse.events("readings")).count()).isEqualTo(eventsBefore);
    Row failed = tables.read(warehouse.runs()).filter(col("status").equalTo(lit("failed"))).head();
    assertThat(failed.<String>getAs("error")).contains("changed after it was ingested");
  }

  @Test
  @Order(6)
  void aFullRefreshClearsTheQuarantineOnceAndThenLeavesItAlone() throws IOException {
    var q = warehouse.quarantine("clicks");
    assertThat(tables.read(q).count()).as("the clicks' bad rows of the first run").isEqualTo(3);
    // The file fixed: every line clean now.
    Files.writeString(
        dir.resolve("project/clicks/day-1.jsonl"),
        """
        {"item_id":"a","ts":"2024-01-01 00:05:00","amount":3.5}
        {"item_id":"b","ts":"2024-01-01 00:08:00","amount":2}
        """);
    RunRecord fixed =
        new FeaturePipeline(spark, project, warehouse).run(project.sources().get("clicks"), true);
    assertThat(fixed.rowsQuarantined()).isZero();
    assertThat(tables.read(q).count()).as("cleared by the full refresh").isZero();
    long cleared = tables.version(q);
    new FeaturePipeline(spark, project, warehouse).run(project.sources().get("clicks"), true);
    assertThat(tables.version(q)).as("already empty: no commit").isEqualTo(cleared);
    assertThat(tables.read(q).count()).isZero();
  }

  /** The reading_stats view's rows of one item, in event-time order. */
  private static List<Row> readingStats(String item) {
    return tables
        .read(warehouse.featureView("reading_stats"))
        .filter(col("item_id").equalTo(lit(item)))
        .orderBy("event_time")
        .collectAsList();
  }

  private static Map<String, Row> quarantineById() {
    return tables
        .read(warehouse.quarantine("readings"))
        .filter(col("rule").notEqual(lit("duplicate_key")))
        .collectAsList()
        .stream()
        .collect(Collectors.toMap(r -> r.<String>getAs("raw").split(",")[0], r -> r));
  }

  private static void assertRule(Row row, String rule, String reason) {
    assertThat(row).as("quarantined row").isNotNull();
    assertThat(row.<String>getAs("rule")).isEqualTo(rule);
    assertThat(row.<String>getAs("reason")).contains(reason);
  }
}
