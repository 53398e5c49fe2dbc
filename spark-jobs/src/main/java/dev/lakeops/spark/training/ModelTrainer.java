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
import static org.apache.spark.sql.functions.expr;
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
    checkColumns(spec, trainingSet);
    List<TrainingPreflight.Finding> findings =
        TrainingPreflight.check(spec, kinds(trainingSet.schema()));
    if (!findings.isEmpty()) {
      throw SparkErrors.preflightRefused(spec, findings);
    }
    String description = spark.sparkContext().getLocalProperty(JOB_DESCRIPTION);
    spark.sparkContext().setJobDescription("LakeOps: train model " + spec.name());
    try {
      return trainChecked(spec, trainingSet);
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

  private static TrainResult trainChecked(ModelSpec spec, Dataset<Row> trainingSet) {
    Facts facts = facts(spec, trainingSet);
    Split split = canonicalSplit(spec, trainingSet, facts);
    Dataset<Row> train = split.train().persist(StorageLevel.MEMORY_AND_DISK());
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
          facts.nullLabels());
    } finally {
      train.unpersist();
    }
  }

  /** The labeled rows in their canonical order and partitioning, split by {@code facts}. */
  static Split canonicalSplit(ModelSpec spec, Dataset<Row> trainingSet, Facts facts) {
    Dataset<Row> canonical = canonical(spec, labeled(spec, trainingSet), facts.labeled());
    return split(spec, canonical, facts.cutoff());
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
      // The event times' range and count: the exact cutoff is found from them (timeCutoff).
      Column micros = when(not(missing), unix_micros(col(ModelSpec.EVENT_TIME)));
      aggs.add(count(micros));
      aggs.add(min(micros));
      aggs.add(max(micros));
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
        spec.split().method() == ModelSpec.SplitMethod.TIME && facts.getLong(5) > 0
            ? timeCutoff(
                spec,
                labeled(spec, trainingSet),
                facts.getLong(5),
                facts.getLong(6),
                facts.getLong(7))
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
      Column micros = unix_micros(col(ModelSpec.EVENT_TIME));
      Row r = labeled.agg(count(micros), min(micros), max(micros)).head();
      cutoff =
          r.getLong(0) == 0
              ? null
              : timeCutoff(spec, labeled, r.getLong(0), r.getLong(1), r.getLong(2));
    }
    return split(spec, labeled, cutoff);
  }

  /** Buckets of each histogram pass of {@link #timeCutoff}. */
  private static final int CUTOFF_BUCKETS = 4096;

  /** At most this many event times reach the driver to finish {@link #timeCutoff}. */
  private static final long CUTOFF_COLLECT = 1_000_000;

  /**
   * The time split's cutoff in epoch microseconds: the exact {@code (1 - holdout)} percentile of
   * the labeled rows' event times, with SQL's {@code percentile} definition (position {@code (n -
   * 1) p} in the sorted times, linear interpolation between the two closest ranks), found without
   * its aggregate (which keeps a count per distinct time and merges them in one place): histogram
   * passes of integer buckets narrow the range of times holding the two ranks until it holds at
   * most {@value #CUTOFF_COLLECT} rows (usually one pass), whose times are then sorted on the
   * driver.
   *
   * @param labeled the labeled rows; those with a null event time are left out, as {@code
   *     percentile} leaves out nulls
   * @param n the labeled rows with an event time (> 0)
   * @param lo their smallest event time (µs)
   * @param hi their largest event time (µs)
   */
  static double timeCutoff(ModelSpec spec, Dataset<Row> labeled, long n, long lo, long hi) {
    Dataset<Row> times =
        labeled.select(unix_micros(col(ModelSpec.EVENT_TIME)).as("t")).filter(col("t").isNotNull());
    return percentile(times, 1.0 - spec.split().holdout(), n, lo, hi, CUTOFF_COLLECT);
  }

  /**
   * SQL's exact {@code percentile(t, p)} of the long column {@code t} of {@code times} (no nulls),
   * by histogram passes; {@code collect} bounds the values brought to the driver (a parameter so
   * tests can force more passes).
   */
  static double percentile(Dataset<Row> times, double p, long n, long lo, long hi, long collect) {
    double position = (double) (n - 1) * p;
    long lower = (long) Math.floor(position);
    long higher = (long) Math.ceil(position);
    long[] at = orderStatistics(times, lower, higher, lo, hi, collect);
    if (lower == higher || at[0] == at[1]) {
      return (double) at[0];
    }
    return (higher - position) * (double) at[0] + (position - lower) * (double) at[1];
  }

  /**
   * The values at 0-based ranks {@code a} and {@code b} (a ≤ b ≤ a + 1) of the sorted column {@code
   * t} of {@code times}, all of whose values lie in [{@code lo}, {@code hi}].
   */
  private static long[] orderStatistics(
      Dataset<Row> times, long a, long b, long lo, long hi, long collect) {
    long before = 0; // rows below lo
    while (true) {
      long span = Math.addExact(Math.subtractExact(hi, lo), 1);
      long width = Math.max(1, (span + CUTOFF_BUCKETS - 1) / CUTOFF_BUCKETS);
      Column in = col("t").between(lit(lo), lit(hi));
      List<Row> buckets =
          times
              .filter(in)
              .select(expr("(t - " + lo + ") div " + width).as("b"))
              .groupBy("b")
              .count()
              .orderBy("b")
              .collectAsList();
      long seen = before;
      long bucketA = -1;
      long bucketB = -1;
      long beforeA = 0;
      long rowsAtoB = 0;
      for (Row r : buckets) {
        long count = r.getLong(1);
        if (bucketA < 0 && a < seen + count) {
          bucketA = r.getLong(0);
          beforeA = seen;
        }
        if (bucketA >= 0 && bucketB < 0) {
          rowsAtoB += count;
        }
        if (bucketB < 0 && b < seen + count) {
          bucketB = r.getLong(0);
        }
        seen += count;
      }
      if (bucketA < 0 || bucketB < 0) {
        throw new IllegalStateException("ranks " + a + ", " + b + " beyond " + seen + " rows");
      }
      if (width == 1) {
        return new long[] {lo + bucketA, lo + bucketB};
      }
      long from = lo + bucketA * width;
      long to = Math.min(hi, lo + (bucketB + 1) * width - 1);
      if (rowsAtoB <= collect) {
        long[] values =
            times.filter(col("t").between(lit(from), lit(to))).collectAsList().stream()
                .mapToLong(r -> r.getLong(0))
                .sorted()
                .toArray();
        return new long[] {values[(int) (a - beforeA)], values[(int) (b - beforeA)]};
      }
      before = beforeA;
      lo = from;
      hi = to;
    }
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
