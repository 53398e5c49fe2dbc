package dev.lakeops.spark.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.TestSpark;
import dev.lakeops.spark.metadata.RunRecord;
import dev.lakeops.spark.store.DeltaTables;
import dev.lakeops.spark.training.TrainingSetBuilder;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CDNOW example end to end on the real data: counts, hand-checked values, idempotence. */
class CdnowPipelineIT {
  @TempDir static Path dir;
  static SparkSession spark;
  static ProjectConfig project;
  static Warehouse warehouse;
  static DeltaTables tables;
  static RunRecord first;

  @BeforeAll
  static void runPipeline() {
    spark = TestSpark.session();
    project = ProjectLoader.load(TestSpark.repo().resolve("conf/examples/cdnow"));
    warehouse = Warehouse.of(dir.resolve("wh").toString(), project);
    tables = new DeltaTables(spark);
    first = new FeaturePipeline(spark, project, warehouse).run(false).get(0);
  }

  @Test
  void countsAddUp() {
    assertThat(first.status()).isEqualTo("succeeded");
    assertThat(first.rowsRead()).isEqualTo(69_659); // data lines of CDNOW_master.txt
    long events = tables.read(warehouse.events("purchases")).count();
    long quarantined = tables.read(warehouse.quarantine("purchases")).count();
    assertThat(events + quarantined).isEqualTo(first.rowsRead());
    assertThat(first.rowsWritten()).isEqualTo(events);
    assertThat(first.rowsQuarantined()).isEqualTo(quarantined);
    // One feature row per customer and purchase day.
    long days =
        tables
            .read(warehouse.events("purchases"))
            .select("customer_id", "event_time")
            .distinct()
            .count();
    assertThat(tables.read(warehouse.featureView("customer_spend")).count()).isEqualTo(days);
  }

  @Test
  void handCheckedFeatureValues() {
    // Customer 00003 bought on 1997-01-02 (2 CDs, $20.76), 03-30 (2, $20.76), 04-02 (2, $19.54),
    // 11-15 (5, $57.45), 11-25 (4, $20.96) and 1998-05-28 (1, $16.99).
    Row apr2 = row("customer_purchases", "00003", "1997-04-02");
    // 1997-01-02 is exactly 90 days before 04-02: outside the window (t - 90d, t].
    assertThat(apr2.<Long>getAs("purchases_90d")).isEqualTo(2);
    assertThat(apr2.<Long>getAs("purchases_365d")).isEqualTo(3);
    assertThat(apr2.<Double>getAs("cds_90d")).isEqualTo(4.0);
    assertThat(apr2.<Double>getAs("last_cds")).isEqualTo(2.0);

    Row spendApr2 = row("customer_spend", "00003", "1997-04-02");
    assertThat(spendApr2.<Double>getAs("spend_90d")).isCloseTo(40.30, within(1e-9));
    assertThat(spendApr2.<Double>getAs("spend_365d")).isCloseTo(61.06, within(1e-9));
    assertThat(spendApr2.<Double>getAs("mean_order_365d")).isCloseTo(61.06 / 3, within(1e-9));
    assertThat(spendApr2.<Double>getAs("max_order_365d")).isEqualTo(20.76);
    assertThat(spendApr2.<Long>getAs("big_orders_365d")).isZero();

    Row spendNov25 = row("customer_spend", "00003", "1997-11-25");
    assertThat(spendNov25.<Double>getAs("spend_365d")).isCloseTo(139.47, within(1e-9));
    assertThat(spendNov25.<Double>getAs("spend_30d")).isCloseTo(57.45 + 20.96, within(1e-9));
    assertThat(spendNov25.<Long>getAs("big_orders_365d")).isEqualTo(1);
    assertThat(spendNov25.<Double>getAs("price_per_cd_365d"))
        .isCloseTo((20.76 / 2 + 20.76 / 2 + 19.54 / 2 + 57.45 / 5 + 20.96 / 4) / 5, within(1e-9));

    // Customer 00002 bought twice on one day (1 CD for $12, 5 for $77): one row for the day,
    // 'last' takes the greater value of the tie.
    Row c2 = row("customer_purchases", "00002", "1997-01-12");
    assertThat(c2.<Long>getAs("purchases_30d")).isEqualTo(2);
    assertThat(c2.<Double>getAs("last_cds")).isEqualTo(5.0);
    assertThat(row("customer_spend", "00002", "1997-01-12").<Double>getAs("mean_order_365d"))
        .isCloseTo(44.5, within(1e-9));
  }

  @Test
  void rerunOnTheSameInputLeavesExactlyTheSameRows() {
    Dataset<Row> before = tables.read(warehouse.featureView("customer_spend"));
    long versionBefore = tables.version(warehouse.featureView("customer_spend"));
    List<Row> snapshot = before.collectAsList();

    RunRecord again = new FeaturePipeline(spark, project, warehouse).run(false).get(0);
    assertThat(again.status()).isEqualTo("up_to_date");
    assertThat(tables.version(warehouse.featureView("customer_spend"))).isEqualTo(versionBefore);

    RunRecord refreshed = new FeaturePipeline(spark, project, warehouse).run(true).get(0);
    assertThat(refreshed.rowsRead()).isEqualTo(first.rowsRead());
    Dataset<Row> after = tables.read(warehouse.featureView("customer_spend"));
    assertThat(after.count()).isEqualTo(snapshot.size());
    assertThat(after.exceptAll(spark.createDataFrame(snapshot, before.schema())).count()).isZero();
    assertThat(tables.read(warehouse.events("purchases")).count()).isEqualTo(first.rowsWritten());
  }

  @Test
  void runsAreRecordedWithOutputVersions() {
    Dataset<Row> runs =
        tables.read(warehouse.runs()).filter(col("run_id").equalTo(lit(first.runId())));
    Row r = runs.head();
    assertThat(r.<String>getAs("status")).isEqualTo("succeeded");
    assertThat(r.<Long>getAs("rows_read")).isEqualTo(69_659);
    assertThat(r.getJavaMap(r.fieldIndex("outputs")))
        .containsKeys("cdnow.customer_spend", "cdnow.customer_purchases", "cdnow.events_purchases");
    assertThat(r.getJavaMap(r.fieldIndex("inputs")).keySet())
        .anyMatch(k -> k.toString().endsWith("data/cdnow/CDNOW_master.txt"));
    assertThat(r.<String>getAs("config_hash")).hasSize(64);
  }

  @Test
  void trainingSetNeverUsesFeaturesFromAfterTheLabelTime() {
    TrainingSetBuilder builder = new TrainingSetBuilder(spark, project, warehouse);
    RunRecord run = builder.build("repeat_purchase");
    Dataset<Row> set = tables.read(warehouse.trainingSet("repeat_purchase"));
    assertThat(set.count()).isEqualTo(run.rowsWritten()).isPositive();

    // Label row of customer 00003 on 1997-03-30. A naive join on the key alone would pick the
    // customer's latest feature row (1998-05-28, spend_365d = 57.45 + 20.96 + 16.99).
    Row label = trainingRow(set, "00003", "1997-03-30");
    assertThat(label.<Double>getAs("label")).isEqualTo(1.0); // bought again on 04-02
    assertThat(label.<Double>getAs("spend_365d")).isCloseTo(20.76 + 20.76, within(1e-9));
    assertThat(label.<Long>getAs("purchases_365d")).isEqualTo(2);
    assertThat(label.<Timestamp>getAs("customer_spend__event_time"))
        .isEqualTo(Timestamp.valueOf("1997-03-30 00:00:00"));
    Row latest =
        tables
            .read(warehouse.featureView("customer_spend"))
            .filter(col("customer_id").equalTo(lit("00003")))
            .orderBy(col("event_time").desc())
            .head();
    assertThat(latest.<Double>getAs("spend_365d")).isCloseTo(95.40, within(1e-9));

    // No row anywhere sees a feature row from after its label time.
    assertThat(
            set.filter(
                    col("customer_spend__event_time")
                        .gt(col("event_time"))
                        .or(col("customer_purchases__event_time").gt(col("event_time"))))
                .count())
        .isZero();
  }

  @Test
  void labelsComeFromLaterRowsAndUnknownOnesAreDropped() {
    Dataset<Row> set =
        new TrainingSetBuilder(spark, project, warehouse)
            .assemble(project.trainingSets().get("repeat_purchase"), new java.util.HashMap<>());
    assertThat(trainingRow(set, "00003", "1997-04-02").<Double>getAs("label"))
        .isZero(); // next: 11-15
    assertThat(trainingRow(set, "00003", "1997-11-15").<Double>getAs("label")).isEqualTo(1.0);
    assertThat(trainingRow(set, "00003", "1997-11-25").<Double>getAs("label")).isZero(); // 184 days
    // 1998-05-28 + 90 days is past the end of the data (1998-06-30): its label is unknown.
    assertThat(
            set.filter(col("customer_id").equalTo(lit("00003")))
                .filter(col("event_time").geq(lit(Timestamp.valueOf("1998-05-28 00:00:00"))))
                .count())
        .isZero();
    // The as-of join is one sort of a union: no cartesian or nested-loop join in the plan.
    String plan = set.queryExecution().executedPlan().toString();
    assertThat(plan).doesNotContain("CartesianProduct").doesNotContain("BroadcastNestedLoopJoin");
  }

  @Test
  void offlineTablesAreQueryableByNameSqlAndVersion() {
    assertThat(spark.table("cdnow.customer_spend").count())
        .isEqualTo(tables.read(warehouse.featureView("customer_spend")).count());
    Row sql =
        spark
            .sql(
                "SELECT count(*), max(spend_365d) FROM cdnow.customer_spend WHERE customer_id = '00003'")
            .head();
    assertThat(sql.getLong(0)).isEqualTo(6);
    assertThat(sql.getDouble(1)).isCloseTo(139.47, within(1e-9));
    assertThat(
            spark
                .sql("SELECT count(*) FROM cdnow.customer_spend VERSION AS OF 0")
                .head()
                .getLong(0))
        .isEqualTo(tables.read(warehouse.featureView("customer_spend"), 0).count());
    assertThat(spark.sql("SELECT count(*) FROM cdnow.quarantine_purchases").head().getLong(0))
        .isEqualTo(first.rowsQuarantined());
  }

  @Test
  void aRepeatPurchaseModelIsTrainedAndRegistered() {
    dev.lakeops.spark.training.TrainingJob.Trained t =
        new dev.lakeops.spark.training.TrainingJob(spark, project, warehouse)
            .train("repeat_purchase", "ana");
    assertThat(t.version().version()).isEqualTo(1);
    assertThat(t.version().metrics().get("auc_roc")).isGreaterThan(0.6);
    assertThat(t.version().lineage().inputs())
        .containsKeys("cdnow.events_purchases", "cdnow.training_repeat_purchase");
    assertThat(t.version().params()).containsKey("maxDepth");
    // Random split: the same seed picks the same holdout rows.
    assertThat(t.result().holdoutRows())
        .isBetween((long) (0.15 * t.result().trainRows()), (long) (0.35 * t.result().trainRows()));
    assertThat(
            dev.lakeops.common.training.ReferenceProfile.fromJson(t.version().profile())
                .column("spend_365d"))
        .isPresent();
  }

  private static Row trainingRow(Dataset<Row> set, String customer, String day) {
    List<Row> rows =
        set.filter(col("customer_id").equalTo(lit(customer)))
            .filter(col("event_time").equalTo(lit(Timestamp.valueOf(day + " 00:00:00"))))
            .collectAsList();
    assertThat(rows).as("training row of %s at %s", customer, day).hasSize(1);
    return rows.get(0);
  }

  private static Row row(String view, String customer, String day) {
    List<Row> rows =
        tables
            .read(warehouse.featureView(view))
            .filter(col("customer_id").equalTo(lit(customer)))
            .filter(col("event_time").equalTo(lit(Timestamp.valueOf(day + " 00:00:00"))))
            .collectAsList();
    assertThat(rows).as("%s row of %s at %s", view, customer, day).hasSize(1);
    return rows.get(0);
  }
}
