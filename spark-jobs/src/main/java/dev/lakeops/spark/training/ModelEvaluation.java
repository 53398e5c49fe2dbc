package dev.lakeops.spark.training;

import static dev.lakeops.spark.training.TrainingData.labeled;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakeops.common.training.ExactAuc;
import dev.lakeops.common.training.Metric;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.Task;
import dev.lakeops.spark.SparkErrors;
import dev.lakeops.spark.training.ModelTrainer.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.ClassificationModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.mllib.evaluation.MulticlassMetrics;
import org.apache.spark.mllib.evaluation.RegressionMetrics;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple3;
import scala.Tuple4;

/** The holdout metrics of a model (or of a challenger and its champion on the same rows). */
final class ModelEvaluation {
  private ModelEvaluation() {}

  /**
   * The bins of the PR curve: 0, no down-sampling. MLlib's default (1000) groups consecutive scores
   * per partition, so the area would depend on the partitioning.
   */
  private static final int BINS = 0;

  /** The clipping of probabilities in log loss, as MulticlassClassificationEvaluator's default. */
  private static final double LOG_LOSS_EPS = 1e-15;

  /**
   * Scores {@code rows} (rows with a null label are dropped) and returns the holdout metrics of the
   * model's task: auc_roc, auc_pr (binary labels only), accuracy, log_loss and f1 for
   * classification; rmse, mae and r2 for regression.
   */
  public static Map<String, Double> evaluate(
      ModelSpec spec, PipelineModel model, Dataset<Row> rows) {
    Dataset<Row> scored =
        model.transform(labeled(spec, rows)).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return metrics(spec, numClasses(model), scored, Outputs.OF_MODEL);
    } finally {
      scored.unpersist();
    }
  }

  /**
   * Both models' holdout metrics and the challenger's NaN predictions, from one scoring of the same
   * rows: each row is scored by the challenger, then by the champion, and both sets of outputs sit
   * side by side in one table, from which every metric of both models is computed the same way
   * (exactly: see {@link #evaluate}).
   *
   * @param champion the champion's model, or null (then only the challenger is scored)
   */
  public static Pair evaluatePair(
      ModelSpec spec, PipelineModel challenger, PipelineModel champion, Dataset<Row> rows) {
    Dataset<Row> labeled = labeled(spec, rows);
    Column[] original =
        Arrays.stream(labeled.columns())
            .map(c -> col(ModelPipelines.quote(c)))
            .toArray(Column[]::new);
    Dataset<Row> both = renamed(challenger.transform(labeled), original, Outputs.CHALLENGER);
    if (champion != null) {
      List<Column> keep = new ArrayList<>(Arrays.asList(original));
      keep.addAll(Outputs.CHALLENGER.columns());
      both = renamed(champion.transform(both), keep.toArray(Column[]::new), Outputs.CHAMPION);
    }
    both = both.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Column p = col(Outputs.CHALLENGER.prediction());
      long nan = both.filter(p.isNull().or(isnan(p))).count();
      long n = both.count();
      Map<String, Double> a = metrics(spec, numClasses(challenger), both, Outputs.CHALLENGER);
      Map<String, Double> b =
          champion == null ? null : metrics(spec, numClasses(champion), both, Outputs.CHAMPION);
      return new Pair(a, b, nan, n);
    } finally {
      both.unpersist();
    }
  }

  /** The columns a model's outputs are read from. */
  private record Outputs(String prediction, String probability, String raw) {
    static final Outputs OF_MODEL =
        new Outputs(
            ModelPipelines.PREDICTION, ModelPipelines.PROBABILITY, ModelPipelines.RAW_PREDICTION);
    static final Outputs CHALLENGER =
        new Outputs(
            ModelPipelines.PREFIX + "challenger_prediction",
            ModelPipelines.PREFIX + "challenger_probability",
            ModelPipelines.PREFIX + "challenger_raw");
    static final Outputs CHAMPION =
        new Outputs(
            ModelPipelines.PREFIX + "champion_prediction",
            ModelPipelines.PREFIX + "champion_probability",
            ModelPipelines.PREFIX + "champion_raw");

    List<Column> columns() {
      return List.of(col(prediction), col(probability), col(raw));
    }
  }

  /** {@code keep}, plus a model's outputs under the names of {@code to}. */
  private static Dataset<Row> renamed(Dataset<Row> scored, Column[] keep, Outputs to) {
    List<Column> out = new ArrayList<>(Arrays.asList(keep));
    List<String> have = Arrays.asList(scored.columns());
    out.add(col(ModelPipelines.PREDICTION).as(to.prediction()));
    out.add(
        (have.contains(ModelPipelines.PROBABILITY) ? col(ModelPipelines.PROBABILITY) : lit(null))
            .as(to.probability()));
    out.add(
        (have.contains(ModelPipelines.RAW_PREDICTION)
                ? col(ModelPipelines.RAW_PREDICTION)
                : lit(null))
            .as(to.raw()));
    return scored.select(out.toArray(Column[]::new));
  }

  /**
   * The exact (unbinned) area under the ROC curve of binary labels, from the score of class 1:
   * Spark counts the positives and negatives of each distinct score, and {@link ExactAuc} (in
   * {@code common}) adds them up in ascending order of score, streamed to the driver one partition
   * at a time.
   */
  static double exactAuc(Dataset<Row> scored, Column score, Column label) {
    Dataset<Row> counts =
        scored
            .select(score.as("s"), label.as("l"))
            .groupBy(col("s"))
            .agg(
                sum(when(col("l").equalTo(1.0), 1L).otherwise(0L)),
                sum(when(col("l").equalTo(0.0), 1L).otherwise(0L)))
            .orderBy(col("s").asc_nulls_first());
    ExactAuc auc = new ExactAuc();
    java.util.Iterator<Row> it = counts.toLocalIterator();
    while (it.hasNext()) {
      Row r = it.next();
      if (r.isNullAt(0)) {
        throw SparkErrors.nullRawPrediction();
      }
      auc.add(r.getDouble(0), r.getLong(1), r.getLong(2));
    }
    return auc.value();
  }

  /**
   * The task's metrics on scored rows, computed with the same MLlib metric classes (and the same
   * settings) as the tuning evaluators, but each family in one pass: a binary curve for both AUCs,
   * one confusion summary for accuracy, f1 and log loss, one summary for the regression errors.
   */
  private static Map<String, Double> metrics(
      ModelSpec spec, int numClasses, Dataset<Row> scored, Outputs o) {
    Map<String, Double> out = new LinkedHashMap<>();
    Column label = col(ModelPipelines.quote(spec.label())).cast(DataTypes.DoubleType);
    Column prediction = col(o.prediction());
    if (spec.task() == Task.REGRESSION) {
      RegressionMetrics m =
          new RegressionMetrics(
              scored
                  .select(prediction, label)
                  .javaRDD()
                  .map(r -> new Tuple3<Object, Object, Object>(r.getDouble(0), r.getDouble(1), 1.0))
                  .rdd(),
              false);
      out.put(Metric.RMSE.key(), m.rootMeanSquaredError());
      out.put(Metric.MAE.key(), m.meanAbsoluteError());
      out.put(Metric.R2.key(), m.r2());
      return out;
    }
    if (numClasses == 2) {
      out.put(
          Metric.AUC_ROC.key(),
          exactAuc(
              scored,
              org.apache.spark.ml.functions.vector_to_array(col(o.raw()), "float64").getItem(1),
              label));
      BinaryClassificationMetrics b =
          new BinaryClassificationMetrics(
              scored
                  .select(col(o.raw()), label)
                  .javaRDD()
                  .map(
                      r ->
                          new Tuple3<Object, Object, Object>(
                              ((Vector) r.get(0)).apply(1), r.getDouble(1), 1.0))
                  .rdd(),
              BINS);
      try {
        out.put(Metric.AUC_PR.key(), b.areaUnderPR());
      } finally {
        b.unpersist();
      }
    }
    MulticlassMetrics m =
        new MulticlassMetrics(
            scored
                .select(prediction, label, col(o.probability()))
                .javaRDD()
                .map(
                    r ->
                        new Tuple4<Object, Object, Object, Object>(
                            r.getDouble(0), r.getDouble(1), 1.0, ((Vector) r.get(2)).toArray()))
                .rdd());
    out.put(Metric.ACCURACY.key(), m.accuracy());
    out.put(Metric.LOG_LOSS.key(), m.logLoss(LOG_LOSS_EPS));
    out.put(Metric.F1.key(), numClasses == 2 ? m.fMeasure(1.0, 1.0) : m.weightedFMeasure());
    return out;
  }

  /** The number of classes of a classification pipeline, 0 for regression. */
  private static int numClasses(PipelineModel model) {
    Transformer last = model.stages()[model.stages().length - 1];
    return last instanceof ClassificationModel<?, ?> c ? c.numClasses() : 0;
  }
}
