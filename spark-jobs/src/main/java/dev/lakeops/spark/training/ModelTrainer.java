package dev.lakeops.spark.training;

import static dev.lakeops.spark.training.ModelProfiling.profile;
import static dev.lakeops.spark.training.ModelProfiling.signature;
import static dev.lakeops.spark.training.ModelTuning.fit;
import static dev.lakeops.spark.training.ModelTuning.params;
import static dev.lakeops.spark.training.TrainingData.canonical;
import static dev.lakeops.spark.training.TrainingData.categorical;
import static dev.lakeops.spark.training.TrainingData.checkColumns;
import static dev.lakeops.spark.training.TrainingData.checkSplit;
import static dev.lakeops.spark.training.TrainingData.kinds;
import static dev.lakeops.spark.training.TrainingData.labeled;
import static dev.lakeops.spark.training.TrainingData.numericFeatures;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.ReferenceProfile;
import dev.lakeops.common.training.Signature;
import dev.lakeops.common.training.Task;
import dev.lakeops.common.training.TrainingPreflight;
import dev.lakeops.spark.SparkErrors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongToIntFunction;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Trains a {@link ModelSpec} on a training set with MLlib: drops rows without a label, splits off
 * the holdout (the latest rows by event time, or a reproducible hash-based share), searches the
 * hyperparameter grid on the training split only, refits the best pipeline on the whole training
 * split, and measures it on the holdout. Everything is distributed; only statistics reach the
 * driver.
 */
public final class ModelTrainer {

  private static final String JOB_DESCRIPTION = "spark.job.description";

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
    return train(spark, spec, trainingSet, ModelTrainer::partitions);
  }

  /**
   * The canonical partition count of a new run's {@code labeled} rows: one partition per {@value
   * TrainingData#ROWS_PER_PARTITION} rows, at most {@value TrainingData#MAX_PARTITIONS}.
   */
  public static int partitions(long labeled) {
    return TrainingData.partitions(labeled, TrainingData.ROWS_PER_PARTITION);
  }

  /**
   * The canonical partition count of a run recorded without one (before the count was recorded):
   * one partition per {@value TrainingData#UNRECORDED_ROWS_PER_PARTITION} labeled rows.
   */
  public static int unrecordedPartitions(long labeled) {
    return TrainingData.partitions(labeled, TrainingData.UNRECORDED_ROWS_PER_PARTITION);
  }

  /**
   * Trains as {@link #train(SparkSession, ModelSpec, Dataset)} does, on the canonical partition
   * count that {@code partitions} gives for the number of labeled rows: a reproduction passes the
   * count its run recorded, so that the same rows give the same model bits.
   */
  public static TrainResult train(
      SparkSession spark, ModelSpec spec, Dataset<Row> trainingSet, LongToIntFunction partitions) {
    checkColumns(spec, trainingSet);
    List<TrainingPreflight.Finding> findings =
        TrainingPreflight.check(spec, kinds(trainingSet.schema()));
    if (!findings.isEmpty()) {
      throw SparkErrors.preflightRefused(spec, findings);
    }
    String description = spark.sparkContext().getLocalProperty(JOB_DESCRIPTION);
    spark.sparkContext().setJobDescription("LakeOps: train model " + spec.name());
    try {
      return trainChecked(spec, trainingSet, partitions);
    } finally {
      spark.sparkContext().setJobDescription(description);
    }
  }

  /**
   * What the trainer learns of a training set in its first pass (and checks before training).
   *
   * @param rows all rows
   * @param nullLabels rows with a null or NaN label (dropped)
   * @param numClasses classification: the number of classes; regression: 0
   * @param cutoff the time split's cutoff (epoch µs); null for a random split or no labeled row
   */
  record Facts(long rows, long nullLabels, int numClasses, Double cutoff) {
    long labeled() {
      return rows - nullLabels;
    }
  }

  private static TrainResult trainChecked(
      ModelSpec spec, Dataset<Row> trainingSet, LongToIntFunction partitionsOf) {
    Facts facts = facts(spec, trainingSet);
    int partitions = partitionsOf.applyAsInt(facts.labeled());
    Canonical canonical = canonicalSplit(spec, trainingSet, facts, partitions);
    Split split = canonical.split();
    Dataset<Row> train = split.train();
    try {
      long trainRows = train.count();
      long holdoutRows = facts.labeled() - trainRows;
      checkSplit(spec, facts.labeled(), trainRows, holdoutRows);

      List<String> categorical = categorical(spec, trainingSet.schema());
      ModelPipelines.Built built = ModelPipelines.build(spec, trainingSet.schema(), categorical);
      PipelineModel model = fit(spec, built, train, facts.numClasses());

      Map<String, Double> metrics = evaluate(spec, model, split.holdout());
      Map<String, String> params = params(model);
      ReferenceProfile profile =
          profile(spec, model, train, categorical, facts.numClasses(), trainRows);
      Signature signature = signature(spec, trainingSet.schema(), categorical, facts.numClasses());
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
          facts.nullLabels(),
          partitions);
    } finally {
      canonical.rows().unpersist();
    }
  }

  /**
   * The labeled rows in their canonical order and partitioning, persisted (memory and disk; the
   * caller unpersists them), and their split: filters of those rows, so the fit, the holdout
   * metrics and the profile read them from the cache.
   */
  public record Canonical(Dataset<Row> rows, Split split) {}

  /**
   * The labeled rows in their canonical order and partitioning ({@code partitions} partitions),
   * persisted, and split by {@code facts}.
   */
  static Canonical canonicalSplit(
      ModelSpec spec, Dataset<Row> trainingSet, Facts facts, int partitions) {
    Dataset<Row> rows =
        canonical(spec, labeled(spec, trainingSet), partitions)
            .persist(StorageLevel.MEMORY_AND_DISK());
    return new Canonical(rows, split(spec, rows, facts.cutoff()));
  }

  /**
   * One pass over the training set: rows, null labels, the label range, the time split's cutoff,
   * and per numeric feature its infinite and present values; then the checks on them.
   *
   * @throws LakeOpsException when the set is empty, every label is null, or the labels or values do
   *     not fit the task ({@link TrainingPreflight})
   */
  static Facts facts(ModelSpec spec, Dataset<Row> trainingSet) {
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
      aggs.addAll(TimeCutoff.sketch(not(missing), 1.0 - spec.split().holdout()));
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
      throw SparkErrors.emptyTrainingSet(spec);
    }
    if (nullLabels == rows) {
      throw SparkErrors.allLabelsNull(spec, rows);
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
      throw SparkErrors.valuesRefused(spec, refused, rows - nullLabels);
    }
    Double cutoff =
        spec.split().method() == ModelSpec.SplitMethod.TIME
            ? TimeCutoff.fromSketch(
                trainingSet, not(missing), 1.0 - spec.split().holdout(), facts, 5)
            : null;
    return new Facts(rows, nullLabels, numClasses, cutoff);
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
      cutoff = TimeCutoff.of(labeled, lit(true), 1.0 - spec.split().holdout());
    }
    return split(spec, labeled, cutoff);
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

  /**
   * Scores {@code rows} (rows with a null label are dropped) and returns the holdout metrics of the
   * model's task ({@link ModelEvaluation#evaluate}).
   */
  public static Map<String, Double> evaluate(
      ModelSpec spec, PipelineModel model, Dataset<Row> rows) {
    return ModelEvaluation.evaluate(spec, model, rows);
  }

  /**
   * The metrics of a challenger and, when not null, its champion on the same rows ({@link
   * ModelEvaluation#evaluatePair}).
   */
  public static Pair evaluatePair(
      ModelSpec spec, PipelineModel challenger, PipelineModel champion, Dataset<Row> rows) {
    return ModelEvaluation.evaluatePair(spec, challenger, champion, rows);
  }
}
