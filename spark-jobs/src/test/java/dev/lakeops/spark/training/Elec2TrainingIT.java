package dev.lakeops.spark.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.common.registry.ModelState;
import dev.lakeops.common.registry.Stage;
import dev.lakeops.common.registry.Transition;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.TestSpark;
import dev.lakeops.spark.features.FeaturePipeline;
import dev.lakeops.spark.store.DeltaTables;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on Elec2 end to end (time-based split): registration with lineage, the promotion gate
 * refusing a worse challenger, and reproduction after the inputs changed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Elec2TrainingIT {
  @TempDir static Path dir;
  static SparkSession spark;
  static Path projectDir;
  static Warehouse warehouse;
  static DeltaTables tables;
  static TrainingJob.Trained first;

  @BeforeAll
  static void features() throws IOException {
    spark = TestSpark.session();
    tables = new DeltaTables(spark);
    projectDir = dir.resolve("elec2");
    Files.createDirectories(projectDir);
    try (Stream<Path> files = Files.list(TestSpark.repo().resolve("conf/examples/elec2"))) {
      for (Path f : files.toList()) {
        Files.writeString(
            projectDir.resolve(f.getFileName()),
            Files.readString(f).replace("../../../data/", TestSpark.repo().resolve("data") + "/"));
      }
    }
    ProjectConfig project = ProjectLoader.load(projectDir);
    warehouse = Warehouse.of(dir.resolve("wh").toString(), project);
    new FeaturePipeline(spark, project, warehouse).run(false);
  }

  static TrainingJob job() {
    return new TrainingJob(spark, ProjectLoader.load(projectDir), warehouse);
  }

  @Test
  @Order(1)
  void trainsAndRegistersWithLineageToExactDeltaVersions() {
    first = job().train("price_direction", "ana", "trigger-0123abcd"); // as the scheduler runs it
    assertThat(first.version().version()).isEqualTo(1);
    assertThat(first.version().lineage().inputs())
        .containsEntry("elec2.events_elec2_readings", 0L) // the views are computed from it
        .containsKey("elec2.training_price_direction");
    assertThat(first.version().lineage().configHash()).hasSize(64);
    assertThat(first.version().metrics())
        .containsKeys("auc_roc", "auc_pr", "accuracy", "log_loss", "f1");
    assertThat(first.version().metrics().get("auc_roc")).isBetween(0.5, 1.0);
    // Time split: every holdout row is later than every training row.
    Row bounds =
        first.result().train().agg(org.apache.spark.sql.functions.max("event_time")).head();
    Row holdoutStart =
        first.result().holdout().agg(org.apache.spark.sql.functions.min("event_time")).head();
    assertThat(holdoutStart.getTimestamp(0)).isAfter(bounds.getTimestamp(0));

    Row run =
        tables
            .read(warehouse.runs())
            .filter(col("run_id").equalTo(lit(first.run().runId())))
            .head();
    assertThat(run.<String>getAs("status")).isEqualTo("succeeded");
    assertThat(run.getJavaMap(run.fieldIndex("params")))
        .containsEntry("registered_version", "1")
        .containsEntry("trigger_id", "trigger-0123abcd");
    List<String> steps =
        tables
            .read(warehouse.tasks())
            .filter(col("run_id").equalTo(lit(first.run().runId())))
            .orderBy("started_at")
            .select("task")
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .toList();
    assertThat(steps)
        .containsExactly("build_training_set", "fit_and_evaluate", "save_artifact", "register");
    assertThat(Files.isDirectory(Path.of(first.version().artifact(), "model", "stages"))).isTrue();
  }

  @Test
  @Order(2)
  void theGateRefusesAWorseChallengerAndRecordsItsNumbers() throws IOException {
    ModelPromotion promotion = new ModelPromotion(spark, warehouse);
    assertThat(promotion.promote("price_direction", 1, "ci", "first model").promoted()).isTrue();

    // A deliberately weak challenger: one weak feature (of the champion's inputs, so the
    // signatures stay compatible and the metric decides).
    Path models = projectDir.resolve("models.yaml");
    String good = Files.readString(models);
    // The example's monitoring.yaml names inputs the weak model no longer has.
    Files.deleteIfExists(projectDir.resolve("monitoring.yaml"));
    Files.writeString(
        models,
        good.replaceAll("(?s)    features:\\n(      - .*?\\n)+", "    features: [day_of_week]\n"));
    try {
      TrainingJob.Trained weak = job().train("price_direction", "bo");
      assertThat(weak.version().version()).isEqualTo(2);
      ModelPromotion.Outcome o = promotion.promote("price_direction", 2, "ci", "try the new one");
      assertThat(o.promoted()).isFalse();
      assertThat(o.decision().challenger()).isLessThan(o.decision().champion());

      ModelState s = promotion.registry().state("price_direction");
      assertThat(s.champion().orElseThrow().version()).isEqualTo(1);
      Transition refused = s.version(2).orElseThrow().history().get(1);
      assertThat(refused.kind()).isEqualTo("refused");
      assertThat(refused.to()).isEqualTo(Stage.PRODUCTION);
      assertThat(refused.details())
          .containsEntry("accepted", "false")
          .containsKeys("challenger_value", "champion_value");
      assertThat(Double.parseDouble(refused.details().get("champion_value")))
          .isEqualTo(o.decision().champion());
      assertThat(refused.reason()).contains("is below the required");
    } finally {
      Files.writeString(models, good);
    }
  }

  @Test
  @Order(3)
  void reproduceTrainsOnTheRecordedVersionsAfterTheInputsChanged() {
    // Change the inputs after training: drop rows from a feature table and rebuild the set.
    DeltaTable.forPath(spark, warehouse.featureView("market_prices").path())
        .delete(col("nswprice").gt(lit(0.1)));
    long before = tables.read(warehouse.trainingSet("price_direction")).count();
    new TrainingSetBuilder(spark, ProjectLoader.load(projectDir), warehouse)
        .build("price_direction");
    assertThat(
            tables
                .read(warehouse.trainingSet("price_direction"))
                .filter(col("nswprice").isNull())
                .count())
        .as("the current training set lost features")
        .isPositive();
    assertThat(tables.read(warehouse.trainingSet("price_direction")).count()).isEqualTo(before);

    Reproduction.Result r = new Reproduction(spark, warehouse).reproduce(first.run().runId());
    assertThat(r.version()).isEqualTo(1);
    assertThat(r.trainingSetIdentical()).isTrue();
    assertThat(r.holdoutRows()).isEqualTo(first.result().holdoutRows());
    assertThat(r.maxPredictionDiff()).isZero();
    assertThat(r.maxProbabilityDiff()).isZero();
  }

  @Test
  @Order(4)
  void anEmptyTrainingSetFailsClearlyAndRegistersNothing() throws IOException {
    Path labels = projectDir.resolve("labels.yaml");
    String original = Files.readString(labels);
    Files.writeString(
        labels, original.replace("value: \"if(class == 'UP', 1, 0)\"", "value: \"null\""));
    try {
      int versions =
          new ModelPromotion(spark, warehouse)
              .registry()
              .state("price_direction")
              .versions()
              .size();
      assertThatThrownBy(() -> job().train("price_direction", "ana"))
          .isInstanceOf(LakeOpsException.class)
          .hasMessageContaining("price_direction")
          .hasMessageContaining("label");
      assertThat(
              new ModelPromotion(spark, warehouse).registry().state("price_direction").versions())
          .hasSize(versions);
      assertThat(
              tables
                  .read(warehouse.runs())
                  .filter(col("command").equalTo(lit("train")))
                  .filter(col("status").equalTo(lit("failed")))
                  .count())
          .isEqualTo(1);
    } finally {
      Files.writeString(labels, original);
    }
  }
}
