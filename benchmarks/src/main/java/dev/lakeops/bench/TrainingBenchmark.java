package dev.lakeops.bench;

import static dev.lakeops.bench.SyntheticData.KEY;
import static dev.lakeops.bench.SyntheticData.TRAIN_LABEL;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.lakeops.common.training.Algorithm;
import dev.lakeops.common.training.Metric;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.Task;
import dev.lakeops.spark.training.ModelTrainer;
import dev.lakeops.spark.training.TrainResult;
import dev.lakeops.spark.training.TrainerSteps;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * {@code train}: our {@link ModelTrainer#train} (label and split checks with the time cutoff in one
 * pass, persisted training split, fit, holdout metrics, reference profile, signature) against a
 * bare MLlib program that fits the same pipeline (Imputer, VectorAssembler, StandardScaler, then
 * LogisticRegression or GBTClassifier with the same parameters) on the same split and measures the
 * holdout AUC with {@link BinaryClassificationEvaluator}. Both models must come out the same.
 */
final class TrainingBenchmark {
  /** Coefficients, intercept and sample probabilities: absolute, or relative above 1. */
  static final double MODEL_TOLERANCE = 1e-9;

  /** The exact holdout AUCs (no binning) of the two models. */
  static final double AUC_TOLERANCE = 1e-6;

  /**
   * The reported holdout AUCs: both come from MLlib's BinaryClassificationMetrics with 1000 bins,
   * which groups consecutive points of the score-sorted curve per partition of a range-partitioned
   * sort whose bounds come from a sample; the same scores give an AUC a few 1e-6 apart from run to
   * run (seen: up to 4e-6 at 40,000 holdout rows). So 1e-6 is checked on the exact AUCs, and the
   * reported ones only within this bound.
   */
  static final double BINNED_AUC_TOLERANCE = 1e-4;

  static final double HOLDOUT = 0.2;
  static final long SEED = 42;
  static final int SAMPLE_ROWS = 1_000;

  /** Hash buckets of the random split, as in ModelTrainer. */
  private static final long BUCKETS = 1_000_000L;

  private final SparkSession spark;
  private final Benchmarks.Options options;
  private final String table;
  private final ModelSpec spec;
  private final boolean gbt;
  private final boolean timeSplit;
  private final String name;
  private final String[] features;

  /** The last run of each side, for verification. */
  private TrainResult oursResult;

  private PipelineModel bareModel;
  private double bareAuc;
  private Dataset<Row> bareTrain;
  private Dataset<Row> bareHoldout;

  TrainingBenchmark(SparkSession spark, Benchmarks.Options options) {
    this.spark = spark;
    this.options = options;
    this.table = options.workDir().resolve("train").resolve("training_set").toString();
    this.gbt = options.algorithm().equals("gbt");
    this.timeSplit = options.split().equals("time");
    this.spec = spec(gbt, timeSplit);
    this.name = "train" + (gbt ? " gbt" : "") + (timeSplit ? "" : " random-split");
    this.features =
        SyntheticData.TRAIN_FEATURES.stream()
            .map(SyntheticData.Numeric::name)
            .toArray(String[]::new);
  }

  /**
   * Ours: classification, impute mean, scale standard, fixed parameters, no grid, a 20% holdout.
   */
  static ModelSpec spec(boolean gbt, boolean timeSplit) {
    ModelSpec.Builder b =
        ModelSpec.builder(
                "bench_model",
                Task.CLASSIFICATION,
                gbt ? Algorithm.GBT : Algorithm.LOGISTIC_REGRESSION)
            .trainingSet("bench_train")
            .keyColumn(KEY)
            .label(TRAIN_LABEL)
            .features(
                SyntheticData.TRAIN_FEATURES.stream().map(SyntheticData.Numeric::name).toList())
            .impute(ModelSpec.Imputation.MEAN)
            .scale(ModelSpec.Scaling.STANDARD)
            .split(
                new ModelSpec.Split(
                    timeSplit ? ModelSpec.SplitMethod.TIME : ModelSpec.SplitMethod.RANDOM,
                    HOLDOUT,
                    SEED))
            .seed(SEED);
    if (gbt) {
      b.param("maxIter", 10).param("maxDepth", 4);
    } else {
      b.param("maxIter", 20).param("regParam", 0.01);
    }
    return b.build();
  }

  String run() {
    long t0 = System.nanoTime();
    SyntheticData.labeledRows(spark, options.rows(), options.entities())
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .option("overwriteSchema", "true")
        .save(table);
    Row stats =
        read()
            .agg(
                count(lit(1)),
                sum(col(TRAIN_LABEL)),
                sum(when(col(features[0]).isNull(), 1L).otherwise(0L)))
            .head();
    System.out.printf(
        "%s: wrote a training set of %,d rows (%d features, %.1f%% positive labels, %.1f%% of"
            + " %s null) in %.1f s; %s, %s split, holdout %.0f%%, %d input partitions%n",
        name,
        stats.getLong(0),
        features.length,
        100.0 * stats.getDouble(1) / stats.getLong(0),
        100.0 * stats.getLong(2) / stats.getLong(0),
        features[0],
        (System.nanoTime() - t0) / 1e9,
        gbt ? "gbt (maxIter 10, maxDepth 4)" : "logistic_regression (maxIter 20, regParam 0.01)",
        options.split(),
        100 * HOLDOUT,
        read().rdd().getNumPartitions());

    long[] heapOurs = new long[1];
    long[] heapBare = new long[1];
    Benchmarks.Result r =
        Benchmarks.sideBySide(
            name,
            "bare MLlib",
            options.rounds(),
            peak(this::ours, heapOurs),
            peak(this::baseline, heapBare),
            this::verify);
    breakdown(Benchmarks.median(r.ours()), Benchmarks.median(r.baseline()));
    return String.format(
        java.util.Locale.ROOT,
        "%s; peak heap ours %,d MiB, bare MLlib %,d MiB (largest of the runs); load %s",
        r.line(),
        heapOurs[0],
        heapBare[0],
        MaterializeBenchmark.loadAverage());
  }

  /** {@code body}, keeping the largest peak heap of its runs in {@code peak[0]} (MiB). */
  private static Runnable peak(Runnable body, long[] peak) {
    return () -> {
      try (PeakHeap h = PeakHeap.start()) {
        body.run();
        peak[0] = Math.max(peak[0], h.peakMiB());
      }
    };
  }

  private Dataset<Row> read() {
    return spark.read().format("delta").load(table);
  }

  /** (a) Ours, end to end: checks, split, fit, holdout metrics, reference profile, signature. */
  private void ours() {
    TrainResult r = ModelTrainer.train(spark, spec, read());
    Benchmarks.check(
        r.trainRows() + r.holdoutRows() == options.rows() && r.droppedNullLabels() == 0,
        () -> "our training run: train " + r.trainRows() + ", holdout " + r.holdoutRows());
    oursResult = r;
  }

  /** (b) Bare MLlib: the same split and pipeline by hand, then the holdout AUC. */
  private void baseline() {
    Dataset<Row> rows = read();
    Dataset<Row>[] split = bareSplit(rows);
    PipelineModel model = barePipeline().fit(split[0]);
    bareAuc = bareEvaluator().evaluate(model.transform(split[1]));
    bareModel = model;
    bareTrain = split[0];
    bareHoldout = split[1];
  }

  /**
   * The split ModelTrainer makes, by hand. time: the holdout is every row later than the exact
   * (interpolated) 80th percentile of the event times. random: a row is held out when {@code
   * pmod(xxhash64(key, event_time, seed), 1e6)} falls below 200,000.
   */
  @SuppressWarnings("unchecked")
  private Dataset<Row>[] bareSplit(Dataset<Row> rows) {
    if (timeSplit) {
      Column micros = unix_micros(col("event_time"));
      double cutoff = rows.agg(percentile(micros, lit(1.0 - HOLDOUT))).head().getDouble(0);
      return new Dataset[] {
        rows.filter(micros.leq(lit(cutoff))), rows.filter(micros.gt(lit(cutoff)))
      };
    }
    Column held =
        pmod(xxhash64(col(KEY), col("event_time"), lit(SEED)), lit(BUCKETS))
            .lt(lit(Math.round(HOLDOUT * BUCKETS)));
    return new Dataset[] {rows.filter(not(held)), rows.filter(held)};
  }

  private Pipeline barePipeline() {
    String[] imputed = new String[features.length];
    for (int i = 0; i < features.length; i++) {
      imputed[i] = "imputed_" + features[i];
    }
    PipelineStage estimator =
        gbt
            ? new GBTClassifier()
                .setLabelCol(TRAIN_LABEL)
                .setFeaturesCol("features")
                .setMaxIter(10)
                .setMaxDepth(4)
                .setSeed(SEED)
            : new LogisticRegression()
                .setLabelCol(TRAIN_LABEL)
                .setFeaturesCol("features")
                .setMaxIter(20)
                .setRegParam(0.01);
    return new Pipeline()
        .setStages(
            new PipelineStage[] {
              new Imputer().setInputCols(features).setOutputCols(imputed).setStrategy("mean"),
              new VectorAssembler()
                  .setInputCols(imputed)
                  .setOutputCol("assembled")
                  .setHandleInvalid("keep"),
              new StandardScaler()
                  .setInputCol("assembled")
                  .setOutputCol("features")
                  .setWithMean(true)
                  .setWithStd(true),
              estimator
            });
  }

  private static BinaryClassificationEvaluator bareEvaluator() {
    return new BinaryClassificationEvaluator()
        .setLabelCol(TRAIN_LABEL)
        .setRawPredictionCol("rawPrediction")
        .setMetricName("areaUnderROC");
  }

  /**
   * The two models are the same (untimed): the same train and holdout row counts; for logistic
   * regression the same coefficients and intercept, for GBT the same number of trees, weights and
   * nodes; the same class probabilities for {@value #SAMPLE_ROWS} holdout rows (rows with null
   * features among them); exact holdout AUCs within {@value #AUC_TOLERANCE} and the reported
   * (binned) ones within {@value #BINNED_AUC_TOLERANCE}.
   */
  private void verify() {
    long start = System.nanoTime();
    TrainResult r = oursResult;
    long bt = bareTrain.count();
    long bh = bareHoldout.count();
    Benchmarks.check(
        bt == r.trainRows() && bh == r.holdoutRows(),
        () ->
            name
                + ": the splits differ: ours train "
                + r.trainRows()
                + " / holdout "
                + r.holdoutRows()
                + ", bare "
                + bt
                + " / "
                + bh);

    Transformer a = last(r.model());
    Transformer b = last(bareModel);
    String modelCheck;
    if (gbt) {
      GBTClassificationModel x = (GBTClassificationModel) a;
      GBTClassificationModel y = (GBTClassificationModel) b;
      double d = maxDiff(x.treeWeights(), y.treeWeights());
      Benchmarks.check(
          x.getNumTrees() == y.getNumTrees()
              && x.totalNumNodes() == y.totalNumNodes()
              && d <= MODEL_TOLERANCE,
          () ->
              name
                  + ": the GBT models differ: ours "
                  + x.getNumTrees()
                  + " trees, "
                  + x.totalNumNodes()
                  + " nodes; bare "
                  + y.getNumTrees()
                  + " trees, "
                  + y.totalNumNodes()
                  + " nodes; tree weights differ by "
                  + d);
      modelCheck = String.format("%d trees, %d nodes each", x.getNumTrees(), x.totalNumNodes());
    } else {
      LogisticRegressionModel x = (LogisticRegressionModel) a;
      LogisticRegressionModel y = (LogisticRegressionModel) b;
      double[] cx = append(x.coefficients().toArray(), x.intercept());
      double[] cy = append(y.coefficients().toArray(), y.intercept());
      double d = maxDiff(cx, cy);
      Benchmarks.check(
          cx.length == cy.length && d <= MODEL_TOLERANCE,
          () ->
              name
                  + ": the coefficients differ by "
                  + d
                  + ":\n  ours "
                  + x.coefficients()
                  + " + "
                  + x.intercept()
                  + "\n  bare "
                  + y.coefficients()
                  + " + "
                  + y.intercept());
      modelCheck = String.format("%d coefficients and intercept max diff %.1e", cx.length - 1, d);
    }

    // The same holdout rows, scored by both models.
    List<Row> sample =
        bareHoldout.orderBy(col(KEY), col("event_time")).limit(SAMPLE_ROWS).collectAsList();
    Dataset<Row> rows = spark.createDataFrame(sample, bareHoldout.schema());
    List<Row> pa = r.model().transform(rows).select(TrainerSteps.PROBABILITY).collectAsList();
    List<Row> pb = bareModel.transform(rows).select("probability").collectAsList();
    double dp = 0;
    for (int i = 0; i < pa.size(); i++) {
      dp =
          Math.max(
              dp,
              maxDiff(
                  ((Vector) pa.get(i).get(0)).toArray(), ((Vector) pb.get(i).get(0)).toArray()));
    }
    double probDiff = dp;
    Benchmarks.check(
        pa.size() == sample.size() && pb.size() == sample.size() && probDiff <= MODEL_TOLERANCE,
        () -> name + ": the holdout probabilities differ by up to " + probDiff);

    // Exact AUCs (no binning) of both models on the whole holdout, then the reported ones.
    BinaryClassificationEvaluator exact = bareEvaluator().setNumBins(0);
    double exactOurs = exact.evaluate(r.model().transform(bareHoldout));
    double exactBare = exact.evaluate(bareModel.transform(bareHoldout));
    Benchmarks.check(
        Math.abs(exactOurs - exactBare) <= AUC_TOLERANCE,
        () -> name + ": the exact holdout AUCs differ: ours " + exactOurs + ", bare " + exactBare);
    double auc = r.metrics().get(Metric.AUC_ROC.key());
    Benchmarks.check(
        Math.abs(auc - bareAuc) <= BINNED_AUC_TOLERANCE,
        () -> name + ": the reported holdout AUCs differ: ours " + auc + ", bare " + bareAuc);
    System.out.printf(
        "%s: verified: train %,d / holdout %,d rows each; %s; probabilities of %,d holdout rows"
            + " max diff %.1e; exact AUC ours %.9f, bare %.9f (diff %.1e); reported (1000 bins)"
            + " ours %.9f, bare %.9f (diff %.1e) (%.1f s)%n",
        name,
        bt,
        bh,
        modelCheck,
        sample.size(),
        probDiff,
        exactOurs,
        exactBare,
        Math.abs(exactOurs - exactBare),
        auc,
        bareAuc,
        Math.abs(auc - bareAuc),
        (System.nanoTime() - start) / 1e9);
  }

  /**
   * One more run of each side, step by step, to see where the time goes (not part of the ratio).
   * Ours runs the steps of ModelTrainer.train one by one through TrainerSteps: the facts pass
   * (label checks and the time cutoff), the canonical rows persisted and the training split
   * counted, the fit, the holdout metrics (ModelTrainer.evaluate) and the reference profile (on the
   * trainer's sample). The signature and params are derived without Spark jobs.
   */
  private void breakdown(double oursMedian, double bareMedian) {
    Dataset<Row> rows = read();
    Object[] box = new Object[1];

    double tFacts = Benchmarks.time(() -> box[0] = TrainerSteps.facts(spec, rows));
    ModelTrainer.Canonical canonical = TrainerSteps.split(spec, rows, box[0]);
    ModelTrainer.Split ourSplit = canonical.split();
    Dataset<Row> persisted = ourSplit.train();
    double tPersist = Benchmarks.time(() -> box[0] = persisted.count());
    long trainRows = (Long) box[0];
    try {
      double tFit =
          Benchmarks.time(() -> box[0] = TrainerSteps.pipeline(spec, rows.schema()).fit(persisted));
      PipelineModel model = (PipelineModel) box[0];
      double tEval =
          Benchmarks.time(() -> box[0] = ModelTrainer.evaluate(spec, model, ourSplit.holdout()));
      @SuppressWarnings("unchecked")
      Map<String, Double> metrics = (Map<String, Double>) box[0];
      double tProfile =
          Benchmarks.time(() -> TrainerSteps.profile(spec, model, persisted, trainRows));
      double sum = tFacts + tPersist + tFit + tEval + tProfile;
      System.out.printf(
          "%s: breakdown of ours (one more run, step by step): facts pass (count, label checks%s)"
              + " %.1f s, canonical rows persisted + training split counted %.1f s, fit %.1f"
              + " s, holdout metrics (AUC ROC+PR, accuracy, log loss, F1) %.1f s, reference"
              + " profile (at most %,d sampled rows) %.1f s; sum %.1f s (median of the rounds"
              + " %.1f s); AUC %.6f%n",
          name,
          timeSplit ? ", exact time cutoff" : "",
          tFacts,
          tPersist,
          tFit,
          tEval,
          ModelTrainer.PROFILE_SAMPLE_ROWS,
          tProfile,
          sum,
          oursMedian,
          metrics.get(Metric.AUC_ROC.key()));
    } finally {
      canonical.rows().unpersist();
    }

    // Bare, step by step: the cutoff (time split only), the fit, the holdout AUC.
    Dataset<Row> bareRows = read();
    double tSplit = Benchmarks.time(() -> box[0] = bareSplit(bareRows));
    @SuppressWarnings("unchecked")
    Dataset<Row>[] split = (Dataset<Row>[]) box[0];
    double tFit = Benchmarks.time(() -> box[0] = barePipeline().fit(split[0]));
    PipelineModel model = (PipelineModel) box[0];
    double tAuc =
        Benchmarks.time(() -> box[0] = bareEvaluator().evaluate(model.transform(split[1])));
    System.out.printf(
        "%s: breakdown of bare MLlib: split%s %.1f s, fit (from Delta, not persisted) %.1f s,"
            + " holdout AUC %.1f s; sum %.1f s (median of the rounds %.1f s); AUC %.6f%n",
        name,
        timeSplit ? " (exact time cutoff)" : "",
        tSplit,
        tFit,
        tAuc,
        tSplit + tFit + tAuc,
        bareMedian,
        (Double) box[0]);
  }

  private static Transformer last(PipelineModel m) {
    return m.stages()[m.stages().length - 1];
  }

  private static double[] append(double[] xs, double x) {
    double[] out = java.util.Arrays.copyOf(xs, xs.length + 1);
    out[xs.length] = x;
    return out;
  }

  /** The largest difference, relative above 1 in magnitude; infinite when the lengths differ. */
  private static double maxDiff(double[] x, double[] y) {
    if (x.length != y.length) {
      return Double.POSITIVE_INFINITY;
    }
    double d = 0;
    for (int i = 0; i < x.length; i++) {
      d = Math.max(d, Math.abs(x[i] - y[i]) / Math.max(1.0, Math.abs(y[i])));
    }
    return d;
  }
}
