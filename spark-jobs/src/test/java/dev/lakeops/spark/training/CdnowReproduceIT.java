package dev.lakeops.spark.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.transform_values;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.registry.Transition;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.TestSpark;
import dev.lakeops.spark.features.FeaturePipeline;
import dev.lakeops.spark.store.DeltaTables;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The CDNOW example's model (gbt, random split, train_validation_split with parallelism 2: every
 * seeded, partition-dependent step of the trainer) reproduces bit for bit from a training set
 * rebuilt with another partitioning; the same config trained twice gives the same model, which the
 * gate scores identically (improvement exactly 0, accepted with margin 0); a reproduction that
 * finds a difference is recorded as failed. Fewer boosting rounds than the example, for speed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CdnowReproduceIT {
  @TempDir static Path dir;
  static SparkSession spark;
  static Path projectDir;
  static Warehouse warehouse;
  static DeltaTables tables;
  static TrainingJob.Trained first;
  static TrainingJob.Trained second;

  @BeforeAll
  static void features() throws IOException {
    spark = TestSpark.session();
    tables = new DeltaTables(spark);
    projectDir = dir.resolve("cdnow");
    Files.createDirectories(projectDir);
    try (Stream<Path> files = Files.list(TestSpark.repo().resolve("conf/examples/cdnow"))) {
      for (Path f : files.toList()) {
        String text =
            Files.readString(f).replace("../../../data/", TestSpark.repo().resolve("data") + "/");
        if (f.getFileName().toString().equals("models.yaml")) {
          String from = "params: {maxIter: 20, stepSize: 0.1, maxBins: 32}";
          assertThat(text).contains(from).contains("parallelism: 2").contains("method: random");
          text = text.replace(from, "params: {maxIter: 5, stepSize: 0.1, maxBins: 32}");
        }
        Files.writeString(projectDir.resolve(f.getFileName()), text);
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
  void reproducesBitEqualFromARebuiltTrainingSet() {
    first = job().train("repeat_purchase", "ana");

    Reproduction.Result r = new Reproduction(spark, warehouse).reproduce(first.run().runId());

    assertThat(r.trainingSetIdentical()).isTrue();
    assertThat(r.holdoutRows()).isEqualTo(first.result().holdoutRows()).isPositive();
    assertThat(r.maxPredictionDiff()).isZero();
    assertThat(r.maxProbabilityDiff()).isZero();
    assertThat(status(r.run().runId())).isEqualTo("succeeded");
    // The training set is far below 250,000 labeled rows: one canonical partition, recorded by
    // the run and used again by the reproduction.
    assertThat(first.result().trainRows() + first.result().holdoutRows()).isLessThan(250_000);
    assertThat(first.run().params()).containsEntry(TrainResult.PARTITIONS_PARAM, "1");
    assertThat(r.run().params()).containsEntry(TrainResult.PARTITIONS_PARAM, "1");
    // The reproduced holdout metrics are the registered ones, to the bit.
    assertThat(r.run().metrics().get("reproduced_auc_roc"))
        .isEqualTo(first.version().metrics().get("auc_roc"));
  }

  @Test
  @Order(2)
  void theSameModelTwiceTiesExactlyAtTheGateAndIsAccepted() {
    second = job().train("repeat_purchase", "bo");
    assertThat(second.version().metrics()).isEqualTo(first.version().metrics());

    ModelPromotion promotion = new ModelPromotion(spark, warehouse);
    assertThat(promotion.promote("repeat_purchase", 1, "ci", "first").promoted()).isTrue();
    ModelPromotion.Outcome o = promotion.promote("repeat_purchase", 2, "ci", "same again");

    // Both scored on the same holdout rows in one pass with the exact AUC: the champion's value
    // is its registered value, and the identical challenger's is the same number.
    assertThat(o.decision().champion()).isEqualTo(first.version().metrics().get("auc_roc"));
    assertThat(o.decision().challenger()).isEqualTo(o.decision().champion());
    assertThat(o.decision().improvement()).isEqualTo(0.0);
    assertThat(o.promoted()).as("a tie is accepted with min_improvement 0").isTrue();
    Transition t =
        promotion.registry().state("repeat_purchase").version(2).orElseThrow().history().get(1);
    assertThat(t.details())
        .containsEntry("challenger_value", String.valueOf(o.decision().challenger()))
        .containsEntry("champion_value", String.valueOf(o.decision().champion()))
        .containsEntry("improvement", "0.0")
        .containsEntry("holdout_rows", String.valueOf(first.result().holdoutRows()));
  }

  @Test
  @Order(3)
  void aReproductionThatFindsADifferenceIsRecordedAsFailed() throws IOException {
    // The configuration saved with version 1 is edited, so retraining it gives another model.
    Path saved = Path.of(first.version().artifact(), "config", "models.yaml");
    String text = Files.readString(saved);
    assertThat(text).contains("stepSize: 0.1");
    Files.writeString(saved, text.replace("stepSize: 0.1", "stepSize: 0.5"));
    Files.deleteIfExists(saved.resolveSibling(".models.yaml.crc")); // Hadoop's local checksum

    Reproduction.Result r = new Reproduction(spark, warehouse).reproduce(first.run().runId());

    assertThat(r.identical()).isFalse();
    assertThat(r.maxProbabilityDiff()).isPositive();
    Row run = run(r.run().runId());
    assertThat(run.<String>getAs("status")).isEqualTo("failed");
    assertThat(run.<String>getAs("error")).contains("differs from run " + first.run().runId());
  }

  @Test
  @Order(4)
  void aReproductionTrainsOnThePartitionCountItsRunRecorded() {
    String id = second.run().runId();
    // The run says it trained on 3 canonical partitions: the reproduction partitions the same
    // rows into 3, whose model (seeded per partition: the validation split, the boosting) differs
    // from the one-partition model the run really trained.
    setRecordedPartitions(id, lit("3"));
    Reproduction.Result three = new Reproduction(spark, warehouse).reproduce(id);
    assertThat(three.run().params()).containsEntry(TrainResult.PARTITIONS_PARAM, "3");
    assertThat(three.trainingSetIdentical()).isTrue();
    assertThat(three.identical()).isFalse();
  }

  private static void setRecordedPartitions(String id, org.apache.spark.sql.Column count) {
    DeltaTable.forPath(spark, warehouse.runs().path())
        .update(
            col("run_id").equalTo(lit(id)),
            java.util.Map.of(
                "params",
                transform_values(
                    col("params"),
                    (k, v) ->
                        when(k.equalTo(lit(TrainResult.PARTITIONS_PARAM)), count).otherwise(v))));
  }

  private static Row run(String id) {
    return tables.read(warehouse.runs()).filter(col("run_id").equalTo(lit(id))).head();
  }

  private static String status(String id) {
    return run(id).getAs("status");
  }
}
