package dev.lakeops.spark.training;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.registry.ModelVersion;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.warehouse.MetadataColumns;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.SparkErrors;
import dev.lakeops.spark.metadata.RunLog;
import dev.lakeops.spark.metadata.RunRecord;
import dev.lakeops.spark.registry.DeltaModelRegistry;
import dev.lakeops.spark.store.DeltaTables;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongToIntFunction;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Re-runs a training run from what it recorded: the configuration saved with its model and the
 * Delta versions of every table it read (time travel), then compares the new model's predictions
 * with the original's on the holdout.
 */
public final class Reproduction {
  private final SparkSession spark;
  private final Warehouse warehouse;
  private final DeltaTables tables;
  private final RunLog runs;
  private final ModelPromotion promotion;

  public Reproduction(SparkSession spark, Warehouse warehouse) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.tables = new DeltaTables(spark);
    this.runs = new RunLog(spark, tables, warehouse.runs());
    this.promotion = new ModelPromotion(spark, warehouse);
  }

  /**
   * The comparison of a reproduced model with the original.
   *
   * @param trainingSetIdentical whether the rebuilt training set equals the recorded one row for
   *     row
   * @param maxPredictionDiff the largest |difference| of predictions on the holdout
   * @param maxProbabilityDiff the same for class probabilities (0 for regression)
   */
  public record Result(
      RunRecord run,
      String model,
      int version,
      boolean trainingSetIdentical,
      long holdoutRows,
      double maxPredictionDiff,
      double maxProbabilityDiff) {

    public boolean identical() {
      return trainingSetIdentical && maxPredictionDiff == 0.0 && maxProbabilityDiff == 0.0;
    }
  }

  public Result reproduce(String runId) {
    Row original = runs.find(runId).orElseThrow(() -> SparkErrors.noSuchRun("reproduce", runId));
    if (!TrainingJob.PIPELINE.equals(original.getAs("command"))
        || !"succeeded".equals(original.getAs("status"))) {
      throw SparkErrors.notReproducible(
          "reproduce", runId, original.getAs("status"), original.getAs("command"));
    }
    String model = original.getAs("target");
    DeltaModelRegistry registry = promotion.registry();
    ModelVersion version =
        registry.state(model).versions().stream()
            .filter(v -> v.lineage().runId().equals(runId))
            .findFirst()
            .orElseThrow(() -> SparkErrors.runRegisteredNoVersion(runId, model));

    String newRun = UUID.randomUUID().toString();
    Instant started = Instant.now();
    ProjectConfig project = promotion.projectOf(version.artifact());
    ModelSpec spec = TrainingJob.spec(project, model);
    String setTable = warehouse.trainingSet(spec.trainingSet()).name();
    Map<String, Long> pinned = new LinkedHashMap<>(version.lineage().inputs());
    long setVersion = pinned.remove(setTable);
    Map<String, String> read = new LinkedHashMap<>();
    Dataset<Row> rebuilt =
        new TrainingSetBuilder(spark, project, Warehouse.of(warehouse.root(), project))
            .assemble(project.trainingSets().get(spec.trainingSet()), read, pinned)
            .persist();
    try {
      Dataset<Row> recorded = tables.read(warehouse.trainingSet(spec.trainingSet()), setVersion);
      Column[] sameOrder =
          java.util.Arrays.stream(rebuilt.columns())
              .map(c -> col("`" + c + "`"))
              .toArray(Column[]::new);
      boolean identical =
          rebuilt.count() == recorded.count()
              && rebuilt.exceptAll(recorded.select(sameOrder)).isEmpty();

      TrainResult again = ModelTrainer.train(spark, spec, rebuilt, partitions(original));
      PipelineModel before =
          new ModelArtifacts(spark.sparkContext().hadoopConfiguration())
              .loadModel(version.artifact());
      Row diff = compare(spec, before, again.model(), again.holdout());
      double predictionDiff = diff.isNullAt(0) ? 0.0 : diff.getDouble(0);
      double probabilityDiff = diff.isNullAt(1) ? 0.0 : diff.getDouble(1);
      long holdoutRows = again.holdoutRows();

      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("max_abs_prediction_diff", predictionDiff);
      metrics.put("max_abs_probability_diff", probabilityDiff);
      metrics.put("training_set_identical", identical ? 1.0 : 0.0);
      metrics.put("holdout_rows", (double) holdoutRows);
      again.metrics().forEach((k, v) -> metrics.put("reproduced_" + k, v));
      Map<String, String> inputs = new LinkedHashMap<>(read);
      boolean same = identical && predictionDiff == 0.0 && probabilityDiff == 0.0;
      // A reproduction that finds a difference did not reproduce the run: it is recorded as failed,
      // with what differed.
      String error =
          same
              ? null
              : "the reproduced model differs from run "
                  + runId
                  + ": training set "
                  + (identical ? "identical" : "DIFFERENT")
                  + ", max |prediction diff| "
                  + predictionDiff
                  + ", max |probability diff| "
                  + probabilityDiff
                  + " on "
                  + holdoutRows
                  + " holdout rows";
      RunRecord run =
          new RunRecord(
                  newRun,
                  project.name(),
                  "reproduce",
                  model,
                  same ? "succeeded" : "failed",
                  started,
                  Instant.now(),
                  holdoutRows,
                  0,
                  0,
                  inputs,
                  Map.of(),
                  version.lineage().codeVersion(),
                  version.lineage().configHash(),
                  error,
                  Map.of(),
                  Map.of())
              .with(
                  Map.of(
                      "reproduces_run",
                      runId,
                      "model",
                      model,
                      "version",
                      String.valueOf(version.version()),
                      TrainResult.PARTITIONS_PARAM,
                      String.valueOf(again.partitions())),
                  metrics);
      runs.record(run);
      return new Result(
          run, model, version.version(), identical, holdoutRows, predictionDiff, probabilityDiff);
    } finally {
      rebuilt.unpersist();
    }
  }

  /**
   * The canonical partition count the original run trained on: its {@value
   * TrainResult#PARTITIONS_PARAM} param, or for a run recorded before the count was, the rule of
   * that time ({@link ModelTrainer#unrecordedPartitions}).
   */
  private static LongToIntFunction partitions(Row run) {
    Map<String, String> params = run.getJavaMap(run.fieldIndex(MetadataColumns.PARAMS));
    String recorded = params == null ? null : params.get(TrainResult.PARTITIONS_PARAM);
    if (recorded == null) {
      return ModelTrainer::unrecordedPartitions;
    }
    int count = Integer.parseInt(recorded);
    return labeled -> count;
  }

  /** max |Δprediction| and max |Δprobability| of two models on the same rows. */
  private static Row compare(ModelSpec spec, PipelineModel a, PipelineModel b, Dataset<Row> rows) {
    String key = spec.keyColumn();
    Dataset<Row> pa = scored(a, rows, key, "a");
    Dataset<Row> pb = scored(b, rows, key, "b");
    Dataset<Row> joined =
        pa.join(
            pb,
            scala.jdk.javaapi.CollectionConverters.asScala(List.of(key, ModelSpec.EVENT_TIME))
                .toSeq());
    Column dp = abs(col("prediction_a").minus(col("prediction_b")));
    Column dq = abs(col("probability_a").minus(col("probability_b")));
    return joined.agg(max(dp), max(dq)).head();
  }

  private static Dataset<Row> scored(
      PipelineModel m, Dataset<Row> rows, String key, String suffix) {
    Dataset<Row> s = m.transform(rows);
    boolean hasProbability = List.of(s.columns()).contains("probability");
    Column p =
        hasProbability
            ? functions.vector_to_array(col("probability"), "float64").getItem(1)
            : lit(0.0);
    return s.select(
        col(key),
        col(ModelSpec.EVENT_TIME),
        col("prediction").as("prediction_" + suffix),
        p.as("probability_" + suffix));
  }
}
