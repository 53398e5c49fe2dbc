package dev.lakeops.spark.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.lakeops.common.config.ColumnType;
import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.common.training.ExactAuc;
import dev.lakeops.common.training.Metric;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.ReferenceProfile;
import dev.lakeops.common.training.Signature;
import dev.lakeops.common.training.Task;
import dev.lakeops.common.training.TrainingPreflight;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.ClassificationModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.mllib.evaluation.MulticlassMetrics;
import org.apache.spark.mllib.evaluation.RegressionMetrics;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple3;
import scala.Tuple4;

/**
 * Trains a {@link ModelSpec} on a training set with MLlib: drops rows without a label, splits off
 * the holdout (the latest rows by event time, or a reproducible hash-based share), searches the
 * hyperparameter grid on the training split only, refits the best pipeline on the whole training
 * split, and measures it on the holdout. Everything is distributed; only statistics reach the
 * driver.
 */
public final class ModelTrainer {
  /**
   * The bins of the PR curve: 0, no down-sampling. MLlib's default (1000) groups consecutive scores
   * per partition, so the area would depend on the partitioning.
   */
  private static final int BINS = 0;

  /** The clipping of probabilities in log loss, as MulticlassClassificationEvaluator's default. */
  private static final double LOG_LOSS_EPS = 1e-15;

  private static final String JOB_DESCRIPTION = "spark.job.description";

  /** Training rows per partition of the canonical training set (see {@link #canonical}). */
  static final long ROWS_PER_PARTITION = 1_000_000L;

  /** At most this many partitions of the canonical training set. */
  static final int MAX_PARTITIONS = 200;

  /** Hash buckets of the random split: the holdout share is resolved to 1 in a million. */
  private static final long BUCKETS = 1_000_000L;

  private ModelTrainer() {}

  /** Above this many training rows, the reference profile is computed on a seeded sample. */
  public static final long PROFILE_SAMPLE_ROWS = 200_000;

  /** The train and holdout rows of a training set. */
  public record Split(Dataset<Row> train, Dataset<Row> holdout) {}

  /**
   * Trains, tunes and evaluates the model.
   *
   * @param trainingSet the training set's rows: the entity key, {@code event_time}, the label and
   *     the features (other columns are carried along)
   * @throws LakeOpsException when the training set or a split is empty, a column is missing, or the
   *     labels do not fit the task
   */
  public static TrainResult train(SparkSession spark, ModelSpec spec, Dataset<Row> trainingSet) {
    checkColumns(spec, trainingSet);
    List<TrainingPreflight.Finding> findings =
        TrainingPreflight.check(spec, kinds(trainingSet.schema()));
    if (!findings.isEmpty()) {
      throw new LakeOpsException(TrainingPreflight.describe(spec, findings));
    }
    String description = spark.sparkContext().getLocalProperty(JOB_DESCRIPTION);
    spark.sparkContext().setJobDescription("LakeOps: train model " + spec.name());
    try {
      return trainChecked(spec, trainingSet);
    } finally {
      spark.sparkContext().setJobDescription(description);
    }
  }

  private static TrainResult trainChecked(ModelSpec spec, Dataset<Row> trainingSet) {

    // One pass: rows, null labels, label range, and the time split's cutoff.
    Column label = col(ModelPipelines.quote(spec.label())).cast(DataTypes.DoubleType);
    Column missing = label.isNull().or(isnan(label));
    List<Column> aggs =
        new ArrayList<>(
            List.of(
                sum(when(missing, 1L).otherwise(0L)),
                min(when(not(missing), label)),
                max(when(not(missing), label)),
                sum(when(not(missing).and(label.notEqual(floor(label))), 1L).otherwise(0L))));
    if (spec.split().method() == ModelSpec.SplitMethod.TIME) {
      aggs.add(timeCutoff(spec, not(missing)));
    }
    // Per numeric feature, over the labeled rows: infinite values and present values, which
    // MLlib refuses and the imputer needs (TrainingPreflight.checkValues).
    int valueFacts = aggs.size() + 1;
    List<String> numeric = numericFeatures(spec, trainingSet.schema());
    for (String f : numeric) {
      Column v = col(ModelPipelines.quote(f)).cast(DataTypes.DoubleType);
      Column infinite =
          v.equalTo(lit(Double.POSITIVE_INFINITY)).or(v.equalTo(lit(Double.NEGATIVE_INFINITY)));
      aggs.add(sum(when(not(missing).and(infinite), 1L).otherwise(0L)));
      aggs.add(sum(when(not(missing).and(v.isNotNull()).and(not(isnan(v))), 1L).otherwise(0L)));
    }
    Row facts = trainingSet.agg(count(lit(1)), aggs.toArray(Column[]::new)).head();
    long rows = facts.getLong(0);
    long nullLabels = facts.isNullAt(1) ? 0 : facts.getLong(1);
    if (rows == 0) {
      throw new LakeOpsException(
          "The training set '"
              + spec.trainingSet()
              + "' of model '"
              + spec.name()
              + "' is empty: there is nothing to train on. Build it with 'mlops training-set"
              + " --name "
              + spec.trainingSet()
              + "' after 'mlops features', and check that its label source has rows.");
    }
    if (nullLabels == rows) {
      throw new LakeOpsException(
          "Every one of the "
              + rows
              + " rows of training set '"
              + spec.trainingSet()
              + "' has a null label '"
              + spec.label()
              + "', so model '"
              + spec.name()
              + "' has nothing to learn from. Check the label definition in labels.yaml"
              + " (a next_event_within label is unknown for rows near the end of the data).");
    }
    int numClasses = 0;
    List<TrainingPreflight.Finding> refused = new ArrayList<>();
    if (spec.task() == Task.CLASSIFICATION) {
      TrainingPreflight.LabelFacts labels =
          new TrainingPreflight.LabelFacts(
              facts.getDouble(2), facts.getDouble(3), facts.getLong(4));
      refused.addAll(TrainingPreflight.checkLabels(spec, labels));
      numClasses = labels.numClasses();
    }
    Map<String, Long> infinite = new LinkedHashMap<>();
    Map<String, Long> present = new LinkedHashMap<>();
    for (int i = 0; i < numeric.size(); i++) {
      infinite.put(numeric.get(i), facts.getLong(valueFacts + 2 * i));
      present.put(numeric.get(i), facts.getLong(valueFacts + 2 * i + 1));
    }
    refused.addAll(TrainingPreflight.checkValues(spec, infinite, present));
    if (!refused.isEmpty()) {
      throw new LakeOpsException(
          TrainingPreflight.describe(spec, refused)
              + System.lineSeparator()
              + "(found in the "
              + (rows - nullLabels)
              + " labeled rows of training set '"
              + spec.trainingSet()
              + "', before any fitting)");
    }
    Double cutoff =
        spec.split().method() == ModelSpec.SplitMethod.TIME && !facts.isNullAt(5)
            ? facts.getDouble(5)
            : null;

    Dataset<Row> canonical = canonical(spec, labeled(spec, trainingSet), rows - nullLabels);
    Split split = split(spec, canonical, cutoff);
    Dataset<Row> train = split.train().persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long trainRows = train.count();
      long holdoutRows = rows - nullLabels - trainRows;
      checkSplit(spec, rows - nullLabels, trainRows, holdoutRows);

      List<String> categorical = categorical(spec, trainingSet.schema());
      ModelPipelines.Built built = ModelPipelines.build(spec, trainingSet.schema(), categorical);
      PipelineModel model = fit(spec, built, train, numClasses);

      Map<String, Double> metrics = evaluate(spec, model, split.holdout());
      Map<String, String> params = params(model);
      ReferenceProfile profile = profile(spec, model, train, categorical, numClasses, trainRows);
      Signature signature = signature(spec, trainingSet.schema(), categorical, numClasses);
      return new TrainResult(
          model,
          metrics,
          params,
          split.train(),
          split.holdout(),
          profile,
          signature,
          trainRows,
          holdoutRows,
          nullLabels);
    } finally {
      train.unpersist();
    }
  }

  /**
   * Splits a training set the way {@link #train} does, so the same holdout can be rebuilt later
   * (e.g. to compare a champion and a challenger). Rows with a null or NaN label are dropped first.
   *
   * <p>{@code time}: the holdout is every row later than the {@code (1 - holdout)} percentile of
   * the event times (exact, interpolated); rows at equal times stay together, so the training rows
   * all come before the holdout rows. {@code random}: a row is held out when {@code xxhash64(key,
   * event_time, seed)} falls in the first {@code holdout} share of a million buckets: the same rows
   * for the same seed, whatever the partitioning or the Spark cluster.
   */
  public static Split split(ModelSpec spec, Dataset<Row> trainingSet) {
    checkColumns(spec, trainingSet);
    Dataset<Row> labeled = labeled(spec, trainingSet);
    Double cutoff = null;
    if (spec.split().method() == ModelSpec.SplitMethod.TIME) {
      Row r = labeled.agg(timeCutoff(spec, lit(true))).head();
      cutoff = r.isNullAt(0) ? null : r.getDouble(0);
    }
    return split(spec, labeled, cutoff);
  }

  /**
   * The time split's cutoff in epoch microseconds: the exact {@code (1 - holdout)} percentile of
   * the event times of the rows where {@code include} holds (the labeled rows).
   */
  private static Column timeCutoff(ModelSpec spec, Column include) {
    return percentile(
        when(include, unix_micros(col(ModelSpec.EVENT_TIME))), lit(1.0 - spec.split().holdout()));
  }

  private static Split split(ModelSpec spec, Dataset<Row> labeled, Double cutoff) {
    if (spec.split().method() == ModelSpec.SplitMethod.TIME) {
      if (cutoff == null) {
        return new Split(labeled, labeled.limit(0));
      }
      Column micros = unix_micros(col(ModelSpec.EVENT_TIME));
      return new Split(
          labeled.filter(micros.leq(lit(cutoff))), labeled.filter(micros.gt(lit(cutoff))));
    }
    Column bucket =
        pmod(
            xxhash64(
                col(ModelPipelines.quote(spec.keyColumn())),
                col(ModelSpec.EVENT_TIME),
                lit(spec.split().seed())),
            lit(BUCKETS));
    Column held = bucket.lt(lit(Math.round(spec.split().holdout() * BUCKETS)));
    return new Split(labeled.filter(not(held)), labeled.filter(held));
  }

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

  /**
   * The metrics of a challenger and a champion on the same holdout rows.
   *
   * @param champion null without a champion
   * @param challengerNaN holdout rows where the challenger predicts null or NaN
   * @param rows the holdout rows both were scored on
   */
  public record Pair(
      Map<String, Double> challenger,
      Map<String, Double> champion,
      long challengerNaN,
      long rows) {}

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
        throw new LakeOpsException("A model scored a holdout row with a null raw prediction.");
      }
      auc.add(r.getDouble(0), r.getLong(1), r.getLong(2));
    }
    return auc.value();
  }

  // ---- fitting --------------------------------------------------------------------------

  private static PipelineModel fit(
      ModelSpec spec, ModelPipelines.Built built, Dataset<Row> train, int numClasses) {
    try {
      if (!spec.tuned()) {
        return built.pipeline().fit(train);
      }
      ModelSpec.Tuning t = spec.tuning();
      ParamMap[] grid = ModelPipelines.grid(spec, built.estimator());
      Evaluator evaluator = evaluator(spec, t.metric(), numClasses);
      Model<?> best;
      if (t.method() == ModelSpec.TuningMethod.CROSS_VALIDATION) {
        best =
            new CrossValidator()
                .setEstimator(built.pipeline())
                .setEstimatorParamMaps(grid)
                .setEvaluator(evaluator)
                .setNumFolds(t.folds())
                .setParallelism(t.parallelism())
                .setSeed(spec.seed())
                .fit(train)
                .bestModel();
      } else {
        best =
            new TrainValidationSplit()
                .setEstimator(built.pipeline())
                .setEstimatorParamMaps(grid)
                .setEvaluator(evaluator)
                .setTrainRatio(t.trainRatio())
                .setParallelism(t.parallelism())
                .setSeed(spec.seed())
                .fit(train)
                .bestModel();
      }
      // The tuner refits the best parameters on everything it was given: the whole training split.
      return (PipelineModel) best;
    } catch (IllegalArgumentException e) {
      throw new LakeOpsException(
          "MLlib could not train model '" + spec.name() + "': " + e.getMessage(), e);
    }
  }

  private static Evaluator evaluator(ModelSpec spec, Metric metric, int numClasses) {
    String label = spec.label();
    return switch (metric) {
      case AUC_ROC, AUC_PR -> {
        if (numClasses != 2) {
          throw new LakeOpsException(
              "Model '"
                  + spec.name()
                  + "' is tuned on "
                  + metric.key()
                  + ", which needs binary labels, but the labels have "
                  + numClasses
                  + " classes. Tune on accuracy, f1 or log_loss instead.");
        }
        // numBins 0: the tuner ranks on the exact curve, as the holdout metrics are.
        yield new BinaryClassificationEvaluator()
            .setNumBins(0)
            .setLabelCol(label)
            .setRawPredictionCol(ModelPipelines.RAW_PREDICTION)
            .setMetricName(metric == Metric.AUC_ROC ? "areaUnderROC" : "areaUnderPR");
      }
      case ACCURACY, LOG_LOSS, F1 -> {
        MulticlassClassificationEvaluator e =
            new MulticlassClassificationEvaluator()
                .setLabelCol(label)
                .setPredictionCol(ModelPipelines.PREDICTION)
                .setProbabilityCol(ModelPipelines.PROBABILITY);
        yield switch (metric) {
          case ACCURACY -> e.setMetricName("accuracy");
          case LOG_LOSS -> e.setMetricName("logLoss");
          default ->
              numClasses == 2
                  ? e.setMetricName("fMeasureByLabel").setMetricLabel(1.0)
                  : e.setMetricName("f1");
        };
      }
      case RMSE, MAE, R2 ->
          new RegressionEvaluator()
              .setLabelCol(label)
              .setPredictionCol(ModelPipelines.PREDICTION)
              .setMetricName(metric.key());
    };
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

  /** Every explicitly set parameter of the pipeline's final model, by name, as text. */
  private static Map<String, String> params(PipelineModel model) {
    Transformer last = model.stages()[model.stages().length - 1];
    Map<String, String> out = new java.util.TreeMap<>();
    for (Param<?> p : last.params()) {
      if (last.isSet(p)) {
        out.put(p.name(), text(last.getOrDefault(p)));
      }
    }
    return new LinkedHashMap<>(out);
  }

  private static String text(Object v) {
    if (v instanceof double[] a) {
      return Arrays.toString(a);
    }
    if (v instanceof Object[] a) {
      return Arrays.toString(a);
    }
    return String.valueOf(v);
  }

  // ---- profile and signature ------------------------------------------------------------

  private static ReferenceProfile profile(
      ModelSpec spec,
      PipelineModel model,
      Dataset<Row> train,
      List<String> categorical,
      int numClasses,
      long trainRows) {
    // Distributions are estimated from a seeded sample of at most ~PROFILE_SAMPLE_ROWS rows:
    // quantiles of 200k rows are within ~0.1% in rank, far inside what drift tests resolve,
    // and the profile no longer costs more than the fit on large training sets.
    Dataset<Row> profiled =
        trainRows > PROFILE_SAMPLE_ROWS
            ? train.sample(false, (double) PROFILE_SAMPLE_ROWS / trainRows, spec.seed())
            : train;
    Dataset<Row> scored = model.transform(profiled);
    Map<String, Column> columns = new LinkedHashMap<>();
    List<String> cat = new ArrayList<>(categorical);
    for (String f : spec.features()) {
      columns.put(f, col(ModelPipelines.quote(f)));
      if (train.schema().apply(f).dataType() == DataTypes.BooleanType && !cat.contains(f)) {
        cat.add(f);
      }
    }
    columns.put(ReferenceProfile.PREDICTION, col(ModelPipelines.PREDICTION));
    if (spec.task() == Task.CLASSIFICATION) {
      cat.add(ReferenceProfile.PREDICTION);
    }
    if (numClasses == 2) {
      columns.put(
          ReferenceProfile.POSITIVE_PROBABILITY,
          org.apache
              .spark
              .ml
              .functions
              .vector_to_array(col(ModelPipelines.PROBABILITY), "float64")
              .getItem(1));
    }
    return ReferenceProfiler.profile(scored, columns, cat, trainRows);
  }

  private static Signature signature(
      ModelSpec spec, StructType schema, List<String> categorical, int numClasses) {
    List<Signature.Field> inputs = new ArrayList<>();
    for (String f : spec.features()) {
      inputs.add(
          new Signature.Field(f, typeName(schema.apply(f).dataType()), categorical.contains(f)));
    }
    List<Signature.Field> outputs = new ArrayList<>();
    outputs.add(new Signature.Field(ModelPipelines.PREDICTION, ColumnType.DOUBLE));
    if (spec.task() == Task.CLASSIFICATION) {
      outputs.add(new Signature.Field(ModelPipelines.PROBABILITY, ColumnType.VECTOR));
      outputs.add(new Signature.Field(ModelPipelines.RAW_PREDICTION, ColumnType.VECTOR));
    }
    return new Signature(
        spec.task(),
        inputs,
        new Signature.Field(spec.label(), typeName(schema.apply(spec.label()).dataType())),
        outputs,
        numClasses);
  }

  /**
   * The engine-neutral type of a training set's column, as the signature records it. Decimals are
   * read by the model as doubles (VectorAssembler casts them).
   *
   * @throws LakeOpsException for a type no feature or label can have (checked before training)
   */
  static ColumnType typeName(DataType t) {
    if (t == DataTypes.DoubleType
        || t == DataTypes.FloatType
        || t instanceof org.apache.spark.sql.types.DecimalType) {
      return ColumnType.DOUBLE;
    }
    if (t == DataTypes.LongType) {
      return ColumnType.LONG;
    }
    if (t == DataTypes.IntegerType || t == DataTypes.ShortType || t == DataTypes.ByteType) {
      return ColumnType.INT;
    }
    if (t == DataTypes.StringType) {
      return ColumnType.STRING;
    }
    if (t == DataTypes.BooleanType) {
      return ColumnType.BOOLEAN;
    }
    if (t == DataTypes.TimestampType) {
      return ColumnType.TIMESTAMP;
    }
    if (t == DataTypes.DateType) {
      return ColumnType.DATE;
    }
    throw new LakeOpsException(
        "A training set column has type "
            + t.simpleString()
            + ", which a model signature cannot record; features and labels are numbers,"
            + " booleans or text.");
  }

  // ---- reproducibility ------------------------------------------------------------------

  /**
   * The training rows in an order and partitioning that depend on their values only, so that the
   * same rows give the same model bit for bit, however they were read (a Delta table's files, or a
   * training set rebuilt by {@code reproduce}). MLlib's seeded steps (the tuner's randomSplit or
   * k-fold, the trees' split sampling and subsampling, the profile's sample) draw per partition
   * with {@code seed + partition index}, and its sums run partition by partition: both change with
   * the partitioning and the row order. The rows are hash-partitioned on the entity key and event
   * time into a number of partitions fixed by the row count ({@value #ROWS_PER_PARTITION} rows
   * each, at most {@value #MAX_PARTITIONS}), and sorted within each partition by every column.
   */
  static Dataset<Row> canonical(ModelSpec spec, Dataset<Row> labeled, long rows) {
    int partitions =
        (int)
            Math.max(
                1, Math.min(MAX_PARTITIONS, (rows + ROWS_PER_PARTITION - 1) / ROWS_PER_PARTITION));
    List<Column> key = new ArrayList<>();
    if (spec.keyColumn() != null) {
      key.add(col(ModelPipelines.quote(spec.keyColumn())));
    }
    key.add(col(ModelSpec.EVENT_TIME));
    Column[] all =
        Arrays.stream(labeled.columns())
            .map(c -> col(ModelPipelines.quote(c)))
            .toArray(Column[]::new);
    return labeled.repartition(partitions, key.toArray(Column[]::new)).sortWithinPartitions(all);
  }

  // ---- checks ---------------------------------------------------------------------------

  /** The kinds of the columns of a training set, for {@link TrainingPreflight}. */
  static Map<String, TrainingPreflight.ColumnKind> kinds(StructType schema) {
    Map<String, TrainingPreflight.ColumnKind> out = new LinkedHashMap<>();
    for (StructField f : schema.fields()) {
      DataType t = f.dataType();
      out.put(
          f.name(),
          t instanceof org.apache.spark.sql.types.NumericType
              ? TrainingPreflight.ColumnKind.NUMERIC
              : t == DataTypes.BooleanType
                  ? TrainingPreflight.ColumnKind.BOOLEAN
                  : t == DataTypes.StringType
                      ? TrainingPreflight.ColumnKind.TEXT
                      : TrainingPreflight.ColumnKind.OTHER);
    }
    return out;
  }

  /** The features that enter the model as numbers (not one-hot encoded), in order. */
  private static List<String> numericFeatures(ModelSpec spec, StructType schema) {
    List<String> categorical = categorical(spec, schema);
    return spec.features().stream().filter(f -> !categorical.contains(f)).toList();
  }

  private static Dataset<Row> labeled(ModelSpec spec, Dataset<Row> rows) {
    Column label = col(ModelPipelines.quote(spec.label())).cast(DataTypes.DoubleType);
    return rows.filter(label.isNotNull().and(not(isnan(label))));
  }

  /** The categorical features: those of the spec, plus every text feature. */
  private static List<String> categorical(ModelSpec spec, StructType schema) {
    return spec.features().stream()
        .filter(
            f ->
                spec.categorical().contains(f)
                    || schema.apply(f).dataType() == DataTypes.StringType)
        .toList();
  }

  private static void checkColumns(ModelSpec spec, Dataset<Row> rows) {
    List<String> have = Arrays.asList(rows.columns());
    List<String> need = new ArrayList<>();
    need.add(spec.label());
    need.add(ModelSpec.EVENT_TIME);
    if (spec.split().method() == ModelSpec.SplitMethod.RANDOM) {
      if (spec.keyColumn() == null) {
        throw new LakeOpsException(
            "Model '"
                + spec.name()
                + "' uses a random split, which hashes the entity key, but the spec names no key"
                + " column. Set keyColumn (the loader sets it from the training set's entity).");
      }
      need.add(spec.keyColumn());
    }
    need.addAll(spec.features());
    if (spec.features().isEmpty()) {
      throw new LakeOpsException("Model '" + spec.name() + "' has no features. List some.");
    }
    List<String> absent = need.stream().filter(c -> !have.contains(c)).distinct().toList();
    if (!absent.isEmpty()) {
      throw new LakeOpsException(
          "The training set of model '"
              + spec.name()
              + "' lacks the columns "
              + absent
              + "; it has "
              + have
              + ". Rebuild the training set with 'mlops training-set' after changing"
              + " training_sets.yaml, or fix the model's features in models.yaml.");
    }
    for (StructField f : rows.schema().fields()) {
      if (spec.features().contains(f.name()) && !supported(f.dataType())) {
        throw new LakeOpsException(
            "Feature '"
                + f.name()
                + "' of model '"
                + spec.name()
                + "' has type "
                + f.dataType().simpleString()
                + "; a model takes numbers, booleans and text only.");
      }
    }
  }

  private static boolean supported(DataType t) {
    return t instanceof org.apache.spark.sql.types.NumericType
        || t == DataTypes.BooleanType
        || t == DataTypes.StringType;
  }

  private static void checkSplit(ModelSpec spec, long labeled, long trainRows, long holdoutRows) {
    String how =
        spec.split().method() == ModelSpec.SplitMethod.TIME
            ? "the time split (holdout: the latest "
                + spec.split().holdout()
                + " of the rows by event_time)"
            : "the random split (holdout "
                + spec.split().holdout()
                + ", seed "
                + spec.split().seed()
                + ")";
    if (trainRows == 0) {
      throw new LakeOpsException(
          "The training split of model '"
              + spec.name()
              + "' is empty: "
              + how
              + " put all "
              + labeled
              + " labeled rows in the holdout. Lower split.holdout in models.yaml, or add rows.");
    }
    if (holdoutRows == 0) {
      throw new LakeOpsException(
          "The holdout of model '"
              + spec.name()
              + "' is empty: "
              + how
              + " kept all "
              + labeled
              + " labeled rows for training"
              + (spec.split().method() == ModelSpec.SplitMethod.TIME
                  ? " (they share too few distinct event times)"
                  : "")
              + ". Raise split.holdout in models.yaml, use 'split: {method: random}', or add"
              + " rows.");
    }
  }
}
