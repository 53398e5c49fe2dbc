package dev.lakeops.spark.training;

import static dev.lakeops.spark.training.TrainingData.labeled;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakeops.common.training.ExactAuc;
import dev.lakeops.common.training.ExactPrArea;
import dev.lakeops.common.training.Metric;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.Task;
import dev.lakeops.spark.SparkErrors;
import dev.lakeops.spark.training.ModelTrainer.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.ClassificationModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.mllib.evaluation.RegressionMetrics;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple3;

/** The holdout metrics of a model (or of a challenger and its champion on the same rows). */
final class ModelEvaluation {
  private ModelEvaluation() {}

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

  /** The two exact areas of binary labels: under the ROC curve and under the PR curve. */
  record Areas(double roc, double pr) {}

  /**
   * The exact (unbinned) areas under the ROC and the precision-recall curves of binary labels, from
   * the score of class 1: Spark counts the positives and negatives of each distinct score, and
   * {@link ExactAuc} and {@link ExactPrArea} (in {@code common}) add them up in ascending order of
   * score, streamed to the driver one partition at a time.
   *
   * @param positives the rows with label 1 (the PR curve's recall is relative to them)
   * @param negatives the rows with label 0
   */
  static Areas exactAreas(
      Dataset<Row> scored, Column score, Column label, long positives, long negatives) {
    Dataset<Row> counts =
        scored
            .select(score.as("s"), label.as("l"))
            .groupBy(col("s"))
            .agg(
                sum(when(col("l").equalTo(1.0), 1L).otherwise(0L)),
                sum(when(col("l").equalTo(0.0), 1L).otherwise(0L)))
            .orderBy(col("s").asc_nulls_first());
    ExactAuc auc = new ExactAuc();
    ExactPrArea pr = new ExactPrArea(positives, negatives);
    java.util.Iterator<Row> it = counts.toLocalIterator();
    while (it.hasNext()) {
      Row r = it.next();
      if (r.isNullAt(0)) {
        throw SparkErrors.nullRawPrediction();
      }
      auc.add(r.getDouble(0), r.getLong(1), r.getLong(2));
      pr.add(r.getLong(1), r.getLong(2));
    }
    return new Areas(auc.value(), pr.value());
  }

  /**
   * The task's metrics on scored rows, with the definitions (and settings) of MLlib's metric
   * classes used by the tuning evaluators, in two passes over the scored rows: one summary of every
   * row (the confusion counts per label and prediction, and the log loss) and, for binary labels,
   * one stream of the counts per distinct score for both exact areas. Regression: one summary with
   * MLlib's {@link RegressionMetrics}.
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
    Confusion c =
        scored
            .select(prediction, label, col(o.probability()))
            .javaRDD()
            .mapPartitions(rows -> List.of(Confusion.of(rows)).iterator())
            .collect()
            .stream()
            .reduce(new Confusion(), Confusion::plus);
    if (numClasses == 2) {
      Areas areas =
          exactAreas(
              scored,
              org.apache.spark.ml.functions.vector_to_array(col(o.raw()), "float64").getItem(1),
              label,
              c.labelCount(1.0),
              c.labelCount(0.0));
      out.put(Metric.AUC_ROC.key(), areas.roc());
      out.put(Metric.AUC_PR.key(), areas.pr());
    }
    out.put(Metric.ACCURACY.key(), c.accuracy());
    out.put(Metric.LOG_LOSS.key(), c.logLoss());
    out.put(Metric.F1.key(), numClasses == 2 ? c.fMeasure(1.0) : c.weightedFMeasure());
    return out;
  }

  /**
   * One pass's summary of classified rows: the row count per (label, prediction) and the sum of the
   * log losses, {@code -log(p)} with {@code p} the probability given to the row's label clipped to
   * [{@value #LOG_LOSS_EPS}, 1 - {@value #LOG_LOSS_EPS}]. The metrics read from it are MLlib's
   * {@code MulticlassMetrics}' (unit weights): the counts are whole numbers, so they come out the
   * same; the log loss adds the same terms, per partition in row order, then the partitions in
   * their order.
   */
  static final class Confusion implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** (label, prediction) to rows. */
    private final Map<List<Double>, Long> counts = new HashMap<>();

    private double loss;

    static Confusion of(java.util.Iterator<Row> rows) {
      Confusion c = new Confusion();
      while (rows.hasNext()) {
        Row r = rows.next();
        double label = r.getDouble(1);
        c.counts.merge(List.of(label, r.getDouble(0)), 1L, Long::sum);
        double p = ((Vector) r.get(2)).apply((int) label);
        // As MulticlassMetrics.logLoss: the clipped terms are -log(eps) and -log1p(-eps).
        c.loss +=
            p < LOG_LOSS_EPS
                ? -Math.log(LOG_LOSS_EPS)
                : p > 1 - LOG_LOSS_EPS ? -Math.log1p(-LOG_LOSS_EPS) : -Math.log(p);
      }
      return c;
    }

    Confusion plus(Confusion o) {
      Confusion c = new Confusion();
      c.counts.putAll(counts);
      o.counts.forEach((k, v) -> c.counts.merge(k, v, Long::sum));
      c.loss = loss + o.loss;
      return c;
    }

    private double total() {
      return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The rows with this label. */
    long labelCount(double label) {
      long n = 0;
      for (Map.Entry<List<Double>, Long> e : counts.entrySet()) {
        if (e.getKey().get(0) == label) {
          n += e.getValue();
        }
      }
      return n;
    }

    private long truePositives(double label) {
      return counts.getOrDefault(List.of(label, label), 0L);
    }

    private long falsePositives(double label) {
      long n = 0;
      for (Map.Entry<List<Double>, Long> e : counts.entrySet()) {
        if (e.getKey().get(1) == label && e.getKey().get(0) != label) {
          n += e.getValue();
        }
      }
      return n;
    }

    double accuracy() {
      long tp = 0;
      for (Map.Entry<List<Double>, Long> e : counts.entrySet()) {
        if (e.getKey().get(0).equals(e.getKey().get(1))) {
          tp += e.getValue();
        }
      }
      return tp / total();
    }

    double logLoss() {
      return loss / total();
    }

    /** F1 of one label: 0 when its precision and recall are both 0 (or it has no rows). */
    double fMeasure(double label) {
      double tp = truePositives(label);
      double fp = falsePositives(label);
      long rows = labelCount(label);
      double precision = tp + fp == 0 ? 0 : tp / (tp + fp);
      double recall = rows == 0 ? 0 : tp / rows;
      return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    /** The labels' F1 weighted by their share of the rows. */
    double weightedFMeasure() {
      double total = total();
      double f = 0;
      for (double label :
          counts.keySet().stream().map(k -> k.get(0)).distinct().sorted().toList()) {
        f += fMeasure(label) * labelCount(label) / total;
      }
      return f;
    }
  }

  /** The number of classes of a classification pipeline, 0 for regression. */
  private static int numClasses(PipelineModel model) {
    Transformer last = model.stages()[model.stages().length - 1];
    return last instanceof ClassificationModel<?, ?> c ? c.numClasses() : 0;
  }
}
