package dev.lakeops.spark.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.common.monitoring.drift.DecileBins;
import dev.lakeops.common.monitoring.drift.QuantileSketches;
import dev.lakeops.common.training.Algorithm;
import dev.lakeops.common.training.Metric;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.ReferenceProfile;
import dev.lakeops.common.training.ReferenceProfile.ColumnProfile;
import dev.lakeops.common.training.Signature;
import dev.lakeops.common.training.Task;
import dev.lakeops.common.types.ColumnType;
import dev.lakeops.spark.TestSpark;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** MLlib training on small synthetic training sets: every algorithm, splits, tuning, profiles. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelTrainerIT {
  private static final int ROWS = 400;
  private static final int NULL_LABELS = 7;
  private static final List<String> FEATURES = List.of("x1", "x2", "cnt", "seg", "flag");
  private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");

  final SparkSession spark = TestSpark.session();
  Dataset<Row> classification;
  Dataset<Row> regression;

  @TempDir Path tmp;

  @BeforeAll
  void data() {
    classification = trainingSet(Task.CLASSIFICATION).cache();
    regression = trainingSet(Task.REGRESSION).cache();
  }

  // ---- every algorithm learns its task --------------------------------------------------

  static Stream<Arguments> algorithmsAndTasks() {
    List<Arguments> out = new ArrayList<>();
    for (Algorithm a : Algorithm.values()) {
      for (Task t : a.tasks()) {
        out.add(Arguments.of(a, t));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("algorithmsAndTasks")
  void everyAlgorithmLearnsItsTask(Algorithm algorithm, Task task) {
    Trained t = trained(algorithm, task);
    ModelSpec spec = t.spec();
    TrainResult r = t.result();

    assertThat(r.droppedNullLabels()).isEqualTo(NULL_LABELS);
    assertThat(r.trainRows() + r.holdoutRows()).isEqualTo(ROWS - NULL_LABELS);
    assertThat(r.holdoutRows()).isBetween(60L, 140L);
    assertThat(r.metrics().keySet()).containsExactlyElementsOf(Metric.keys(task));
    if (task == Task.CLASSIFICATION) {
      assertThat(r.metrics().get("auc_roc")).isGreaterThan(0.8);
      assertThat(r.metrics().get("auc_pr")).isGreaterThan(0.7);
      assertThat(r.metrics().get("accuracy")).isGreaterThan(0.75);
      assertThat(r.metrics().get("f1")).isGreaterThan(0.7);
      // A deep single tree has pure leaves: confident mistakes make its log loss large.
      assertThat(r.metrics().get("log_loss"))
          .isBetween(0.0, algorithm == Algorithm.DECISION_TREE ? 5.0 : 0.6);
      assertThat(r.profile().column(ReferenceProfile.POSITIVE_PROBABILITY)).isPresent();
      assertThat(r.signature().numClasses()).isEqualTo(2);
    } else {
      assertThat(r.metrics().get("r2")).isGreaterThan(0.8);
      assertThat(r.metrics().get("rmse")).isGreaterThan(0.0).isLessThan(1.6);
      assertThat(r.metrics().get("mae")).isLessThan(r.metrics().get("rmse") + 1e-12);
      assertThat(r.profile().column(ReferenceProfile.POSITIVE_PROBABILITY)).isEmpty();
    }
    spec.params().forEach((k, v) -> assertThat(r.params()).containsEntry(k, String.valueOf(v)));
    assertThat(r.params()).containsEntry("labelCol", "label");
    assertThat(r.profile().rows()).isEqualTo(r.trainRows());
    assertThat(r.profile().columns().keySet()).startsWith("x1", "x2", "cnt", "seg", "flag");
  }

  // ---- tuning ---------------------------------------------------------------------------

  @Test
  void tuningPicksTheBestGridValueAndRefitsOnTheTrainingSplit() {
    ModelSpec spec =
        spec(Algorithm.LOGISTIC_REGRESSION, Task.CLASSIFICATION)
            .param("maxIter", 10)
            .grid("regParam", List.of(100.0, 0.0))
            .tuning(
                new ModelSpec.Tuning(
                    ModelSpec.TuningMethod.CROSS_VALIDATION, 0.8, 2, 2, Metric.ACCURACY))
            .build();

    TrainResult r = ModelTrainer.train(spark, spec, classification);

    // A huge penalty flattens the model to the majority class: the search must reject it.
    assertThat(r.params()).containsEntry("regParam", "0.0").containsEntry("maxIter", "10");
    assertThat(r.metrics().get("accuracy")).isGreaterThan(0.75);
    // The refit saw the whole training split (the imputer's mean is over all of it).
    double mean = r.train().agg(org.apache.spark.sql.functions.avg("x2")).head().getDouble(0);
    assertThat(r.profile().column("x2").get().mean()).isCloseTo(mean, within(1e-12));
  }

  @Test
  void trainValidationSplitTunesTrees() {
    ModelSpec spec =
        spec(Algorithm.DECISION_TREE, Task.REGRESSION)
            .grid("maxDepth", List.of(1, 6))
            .tuning(
                new ModelSpec.Tuning(
                    ModelSpec.TuningMethod.TRAIN_VALIDATION_SPLIT, 0.75, 3, 2, Metric.RMSE))
            .build();

    TrainResult r = ModelTrainer.train(spark, spec, regression);

    assertThat(r.params()).containsEntry("maxDepth", "6").containsEntry("seed", "42");
  }

  // ---- splits ---------------------------------------------------------------------------

  @Test
  void randomSplitIsTheSameOnEveryCallAndPartitioning() {
    ModelSpec spec = spec(Algorithm.GBT, Task.CLASSIFICATION).build();

    List<String> first = keys(ModelTrainer.split(spec, classification).holdout());
    List<String> again = keys(ModelTrainer.split(spec, classification.repartition(7)).holdout());
    ModelSpec otherSeed =
        spec(Algorithm.GBT, Task.CLASSIFICATION)
            .split(new ModelSpec.Split(ModelSpec.SplitMethod.RANDOM, 0.25, 8))
            .build();
    List<String> other = keys(ModelTrainer.split(otherSeed, classification).holdout());

    assertThat(again).isEqualTo(first);
    assertThat(first.size()).isBetween(60, 140);
    assertThat(other).isNotEqualTo(first);
    List<String> train = keys(ModelTrainer.split(spec, classification).train());
    assertThat(train).doesNotContainAnyElementsOf(first);
    assertThat(train.size() + first.size()).isEqualTo(ROWS - NULL_LABELS);
  }

  @Test
  void timeSplitHoldsOutOnlyTheLatestRows() {
    // Two rows per event time: rows at one time must stay on one side.
    Dataset<Row> tied =
        classification.withColumn(
            "event_time",
            org.apache.spark.sql.functions.timestamp_seconds(
                org.apache
                    .spark
                    .sql
                    .functions
                    .floor(
                        org.apache.spark.sql.functions.unix_seconds(col("event_time")).divide(7200))
                    .multiply(7200)));
    ModelSpec spec =
        spec(Algorithm.LOGISTIC_REGRESSION, Task.CLASSIFICATION)
            .split(new ModelSpec.Split(ModelSpec.SplitMethod.TIME, 0.2, 0))
            .build();

    ModelTrainer.Split s = ModelTrainer.split(spec, tied);

    Timestamp lastTrain = s.train().agg(max("event_time")).head().getTimestamp(0);
    Timestamp firstHoldout = s.holdout().agg(min("event_time")).head().getTimestamp(0);
    assertThat(lastTrain).isBefore(firstHoldout);
    long holdout = s.holdout().count();
    assertThat(holdout).isBetween(75L, 80L); // 20% of 393, whole event times only
    assertThat(s.train().count() + holdout).isEqualTo(ROWS - NULL_LABELS);
  }

  @Test
  void theTimeCutoffIsSparksExactPercentileToTheBit() {
    // Times as epoch µs with ties (pmod 5,000 seconds: ~12 rows per time) and without (a hash
    // over 30 years), at sizes where the sketch's band holds the ranks (60,000 rows) and where it
    // may miss them and the exact percentile answers (1, 2 and 50 rows, with ties).
    for (long n : new long[] {60_000, 1, 2, 50}) {
      for (boolean ties : n == 60_000 ? new boolean[] {true, false} : new boolean[] {true}) {
        Column hash = org.apache.spark.sql.functions.xxhash64(col("id"), lit(ties ? 7 : 11));
        Column micros =
            ties
                ? org.apache.spark.sql.functions.pmod(hash, lit(5_000L)).multiply(1_000_000L)
                : org.apache.spark.sql.functions.pmod(hash, lit(946_080_000_000_000L));
        Dataset<Row> rows =
            spark
                .range(n)
                .select(
                    org.apache
                        .spark
                        .sql
                        .functions
                        .timestamp_micros(micros.plus(1_577_836_800_000_000L))
                        .as("event_time"));
        for (double p : n == 60_000 ? new double[] {0.8, 0.9} : new double[] {0.8}) {
          Double exact = TimeCutoff.exact(rows, lit(true), p);
          assertThat(TimeCutoff.of(rows, lit(true), p)).as("n %d p %s", n, p).isEqualTo(exact);
          if (n == 60_000) {
            List<Column> aggs = TimeCutoff.sketch(lit(true), p);
            Row sketch = rows.agg(aggs.get(0), aggs.get(1)).head();
            List<Object> q = sketch.getList(1);
            assertThat(
                    TimeCutoff.banded(
                        rows,
                        lit(true),
                        p,
                        sketch.getLong(0),
                        ((Number) q.get(0)).longValue(),
                        ((Number) q.get(1)).longValue()))
                .as("the band holds the ranks at n %d p %s", n, p)
                .hasValue(exact);
          }
        }
      }
    }
  }

  // ---- persistence and evaluation -------------------------------------------------------

  @Test
  void savedAndLoadedModelPredictsIdentically() throws Exception {
    Trained t = trained(Algorithm.RANDOM_FOREST, Task.CLASSIFICATION);
    ModelSpec spec = t.spec();
    TrainResult r = t.result();
    String dir = tmp.resolve("model").toString();

    r.model().write().save(dir);
    PipelineModel loaded = PipelineModel.load(dir);

    Dataset<Row> rows = r.holdout().orderBy("customer_id", "event_time");
    List<Row> a = r.model().transform(rows).select("prediction", "probability").collectAsList();
    List<Row> b = loaded.transform(rows).select("prediction", "probability").collectAsList();
    assertThat(a).hasSize((int) r.holdoutRows());
    for (int i = 0; i < a.size(); i++) {
      assertThat(b.get(i).getDouble(0)).isEqualTo(a.get(i).getDouble(0));
      assertThat(((Vector) b.get(i).get(1)).toArray())
          .containsExactly(((Vector) a.get(i).get(1)).toArray());
    }
    // The registry's gate re-scores a holdout: the same metrics as training reported.
    Map<String, Double> again = ModelTrainer.evaluate(spec, loaded, r.holdout());
    assertThat(again.keySet()).isEqualTo(r.metrics().keySet());
    again.forEach((k, v) -> assertThat(v).as(k).isCloseTo(r.metrics().get(k), within(1e-6)));
  }

  /**
   * The holdout metrics, computed from one summary pass and one stream of score counts, are those
   * of MLlib's metric classes (exact PR curve, confusion-based accuracy and F1, log loss) on the
   * same scored rows.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("classifiers")
  void holdoutMetricsAreMllibs(Algorithm algorithm) {
    TrainResult r = trained(algorithm, Task.CLASSIFICATION).result();
    Dataset<Row> scored = r.model().transform(r.holdout()).cache();
    try {
      org.apache.spark.mllib.evaluation.BinaryClassificationMetrics b =
          new org.apache.spark.mllib.evaluation.BinaryClassificationMetrics(
              scored
                  .select("rawPrediction", "label")
                  .javaRDD()
                  .map(
                      x ->
                          new scala.Tuple2<Object, Object>(
                              ((Vector) x.get(0)).apply(1), x.getDouble(1)))
                  .rdd(),
              0);
      org.apache.spark.mllib.evaluation.MulticlassMetrics m =
          new org.apache.spark.mllib.evaluation.MulticlassMetrics(
              scored
                  .select("prediction", "label", "probability")
                  .javaRDD()
                  .map(
                      x ->
                          new scala.Tuple4<Object, Object, Object, Object>(
                              x.getDouble(0), x.getDouble(1), 1.0, ((Vector) x.get(2)).toArray()))
                  .rdd());
      assertThat(r.metrics().get("auc_pr")).isCloseTo(b.areaUnderPR(), within(1e-12));
      assertThat(r.metrics().get("auc_roc")).isCloseTo(b.areaUnderROC(), within(1e-12));
      assertThat(r.metrics().get("accuracy")).isEqualTo(m.accuracy());
      assertThat(r.metrics().get("f1")).isEqualTo(m.fMeasure(1.0, 1.0));
      assertThat(r.metrics().get("log_loss")).isCloseTo(m.logLoss(1e-15), within(1e-12));
    } finally {
      scored.unpersist();
    }
  }

  static Stream<Algorithm> classifiers() {
    return Stream.of(Algorithm.LOGISTIC_REGRESSION, Algorithm.DECISION_TREE);
  }

  @Test
  void unseenCategoriesAndMissingValuesAreScored() {
    TrainResult r = trained(Algorithm.LOGISTIC_REGRESSION, Task.CLASSIFICATION).result();
    Dataset<Row> odd =
        classification
            .limit(3)
            .withColumn("seg", lit("never-seen"))
            .withColumn("x2", lit(null).cast(DataTypes.DoubleType))
            .withColumn("flag", lit(null).cast(DataTypes.BooleanType));

    List<Row> scored = r.model().transform(odd).select("prediction").collectAsList();

    assertThat(scored).hasSize(3).allSatisfy(row -> assertThat(row.isNullAt(0)).isFalse());
  }

  // ---- errors ---------------------------------------------------------------------------

  @Test
  void emptyTrainingSetIsAClearError() {
    ModelSpec spec = spec(Algorithm.LOGISTIC_REGRESSION, Task.CLASSIFICATION).build();

    LakeOpsException e =
        assertThrows(
            LakeOpsException.class, () -> ModelTrainer.train(spark, spec, classification.limit(0)));

    assertThat(e.getMessage())
        .startsWith("The training set 'm' of model 'm' is empty: there is nothing to train on.")
        .contains("mlops training-set");
  }

  @Test
  void emptySplitsAndUnlearnableLabelsAreClearErrors() {
    ModelSpec time =
        spec(Algorithm.LOGISTIC_REGRESSION, Task.CLASSIFICATION)
            .split(new ModelSpec.Split(ModelSpec.SplitMethod.TIME, 0.2, 0))
            .build();
    Dataset<Row> oneTime = classification.withColumn("event_time", lit(Timestamp.from(START)));
    LakeOpsException e =
        assertThrows(LakeOpsException.class, () -> ModelTrainer.train(spark, time, oneTime));
    assertThat(e.getMessage())
        .startsWith("The holdout of model 'm' is empty: the time split")
        .contains("Raise split.holdout");

    Dataset<Row> noLabels = classification.withColumn("label", lit(null).cast("double"));
    e = assertThrows(LakeOpsException.class, () -> ModelTrainer.train(spark, time, noLabels));
    assertThat(e.getMessage()).startsWith("Every one of the 400 rows of training set 'm'");

    Dataset<Row> fractional = classification.withColumn("label", col("label").plus(0.5));
    e = assertThrows(LakeOpsException.class, () -> ModelTrainer.train(spark, time, fractional));
    assertThat(e.getMessage()).contains("non-whole values").contains("task: regression");

    ModelSpec badParam = spec(Algorithm.GBT, Task.CLASSIFICATION).param("numTrees", 5).build();
    e =
        assertThrows(
            LakeOpsException.class, () -> ModelTrainer.train(spark, badParam, classification));
    assertThat(e.getMessage()).contains("unknown parameter 'numTrees' for gbt");

    ModelSpec missing =
        spec(Algorithm.GBT, Task.CLASSIFICATION).features(List.of("x1", "x9")).build();
    e =
        assertThrows(
            LakeOpsException.class, () -> ModelTrainer.train(spark, missing, classification));
    assertThat(e.getMessage()).contains("lacks the columns [x9]");
  }

  // ---- profile and signature ------------------------------------------------------------

  @Test
  void profileMatchesSparkExactPercentilesAndCountsValues() {
    TrainResult r = trained(Algorithm.LINEAR_REGRESSION, Task.REGRESSION).result();

    ColumnProfile x2 = r.profile().column("x2").get();
    assertThat(r.profile().exactQuantiles()).isTrue();
    assertThat(x2.quantiles()).hasSize(101);
    Row expected =
        r.train()
            .agg(
                org.apache.spark.sql.functions.percentile(
                    col("x2"), lit(new double[] {0.0, 0.07, 0.5, 0.93, 1.0})),
                org.apache.spark.sql.functions.count(col("x2")),
                org.apache.spark.sql.functions.stddev_samp(col("x2")))
            .head();
    List<Double> q = expected.getList(0);
    assertThat(x2.quantile(0)).isEqualTo(q.get(0));
    assertThat(x2.quantile(7)).isEqualTo(q.get(1));
    assertThat(x2.quantile(50)).isEqualTo(q.get(2));
    assertThat(x2.quantile(93)).isEqualTo(q.get(3));
    assertThat(x2.quantile(100)).isEqualTo(q.get(4));
    assertThat(x2.min()).isEqualTo(q.get(0));
    assertThat(x2.nullCount()).isEqualTo(r.trainRows() - expected.getLong(1)).isPositive();
    assertThat(x2.stddev()).isCloseTo(expected.getDouble(2), within(1e-12));

    ColumnProfile seg = r.profile().column("seg").get();
    assertThat(seg.kind()).isEqualTo(ReferenceProfile.Kind.CATEGORICAL);
    assertThat(seg.frequencies().keySet()).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(seg.frequencies().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(r.trainRows());
    assertThat(r.profile().column("flag").get().frequencies()).containsOnlyKeys("true", "false");
    assertThat(r.profile().column("prediction").get().kind())
        .isEqualTo(ReferenceProfile.Kind.NUMERIC);
    assertThat(ReferenceProfile.fromJson(r.profile().toJson())).isEqualTo(r.profile());

    Signature s = r.signature();
    assertThat(s.inputs())
        .containsExactly(
            new Signature.Field("x1", ColumnType.DOUBLE, false),
            new Signature.Field("x2", ColumnType.DOUBLE, false),
            new Signature.Field("cnt", ColumnType.LONG, false),
            new Signature.Field("seg", ColumnType.STRING, true),
            new Signature.Field("flag", ColumnType.BOOLEAN, false));
    assertThat(s.label()).isEqualTo(new Signature.Field("label", ColumnType.DOUBLE));
    assertThat(s.outputs()).extracting(Signature.Field::name).containsExactly("prediction");
    assertThat(Signature.fromJson(s.toJson())).isEqualTo(s);
  }

  @Test
  void profilerHandlesNaNsNullsAndManyValues() {
    List<Row> rows = new ArrayList<>();
    List<Double> present = new ArrayList<>();
    for (int i = 0; i < 37; i++) {
      Double v = i % 9 == 0 ? null : i % 10 == 1 ? Double.NaN : (i * 7 % 37) / 3.0;
      if (v != null && !v.isNaN()) {
        present.add(v);
      }
      rows.add(RowFactory.create(v, "v" + (i % 120 == 0 ? 0 : i)));
    }
    for (int i = 0; i < 150; i++) {
      rows.add(RowFactory.create(null, "w" + i));
    }
    StructType schema =
        new StructType().add("v", DataTypes.DoubleType).add("s", DataTypes.StringType);
    Dataset<Row> data = spark.createDataFrame(rows, schema);
    Map<String, Column> columns = new LinkedHashMap<>();
    columns.put("v", col("v"));
    columns.put("s", col("s"));

    ReferenceProfile p = ReferenceProfiler.profile(data, columns, List.of("s"));

    ColumnProfile v = p.column("v").get();
    assertThat(v.count()).isEqualTo(187);
    assertThat(v.nullCount()).isEqualTo(187 - present.size());
    present.sort(Double::compare);
    for (int pct = 0; pct <= 100; pct++) {
      double pos = pct / 100.0 * (present.size() - 1);
      int lo = (int) Math.floor(pos);
      int hi = (int) Math.ceil(pos);
      double want = present.get(lo) + (pos - lo) * (present.get(hi) - present.get(lo));
      assertThat(v.quantile(pct)).as("p%d", pct).isCloseTo(want, within(1e-12));
    }
    // At most 200 present values: the KLL sketch holds every one of them.
    KllDoublesSketch sketch = QuantileSketches.fromBase64(v.sketch());
    assertThat(sketch.isEstimationMode()).isFalse();
    assertThat(sketch.getSortedView().getQuantiles())
        .containsExactly(present.stream().mapToDouble(Double::doubleValue).toArray());
    assertBinsAreTheCommonRulesExactly(v, present);
    ColumnProfile s = p.column("s").get();
    assertThat(s.sketch()).isNull();
    assertThat(s.binEdges()).isNull();
    assertThat(s.frequencies()).hasSize(100);
    assertThat(s.distinctCount()).isEqualTo(187);
    assertThat(s.otherCount()).isEqualTo(87);
    assertThat(s.frequencies().keySet()).startsWith("v0", "v1", "v10"); // ties by value
  }

  /**
   * Above the exact limit, a numeric column's drift bins are percentile_approx's deciles (Spark's
   * own query of the same column, made here independently), however they are computed.
   */
  @Test
  void approximateProfileBinsArePercentileApproxDeciles() {
    Dataset<Row> data =
        spark
            .range(ReferenceProfiler.EXACT_QUANTILE_MAX_ROWS + 2_000)
            .select(
                org.apache.spark.sql.functions.sin(col("id").multiply(0.37)).multiply(40).as("v"))
            .repartition(3);
    Map<String, Column> columns = new LinkedHashMap<>();
    columns.put("v", col("v"));

    ColumnProfile v = ReferenceProfiler.profile(data, columns, List.of()).column("v").get();

    double[] p = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    List<?> deciles =
        data.agg(
                org.apache.spark.sql.functions.percentile_approx(
                    col("v"), lit(p), lit(ReferenceProfiler.APPROX_ACCURACY)))
            .head()
            .getList(0);
    assertThat(v.binEdges())
        .containsExactlyElementsOf(
            deciles.stream().map(x -> ((Number) x).doubleValue()).distinct().toList());
    assertThat(v.binCounts().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(ReferenceProfiler.EXACT_QUANTILE_MAX_ROWS + 2_000);
    // The 3 partitions' sketches, merged, count every value once, between the extremes.
    KllDoublesSketch sketch = QuantileSketches.fromBase64(v.sketch());
    assertThat(sketch.getN()).isEqualTo(ReferenceProfiler.EXACT_QUANTILE_MAX_ROWS + 2_000);
    assertThat(sketch.getMinItem()).isEqualTo(v.min());
    assertThat(sketch.getMaxItem()).isEqualTo(v.max());
    assertThat(v.quantiles()).hasSize(101);
  }

  /**
   * The numeric columns' KLL sketches count every present value of every partition once, and their
   * CDF is within the documented rank error of the exact one (here, below the exact limit, built on
   * the driver from the values collected from 4 partitions; above it, per partition and merged:
   * {@link #approximateProfileBinsArePercentileApproxDeciles}).
   */
  @Test
  void profilerSketchesNumericColumnsAcrossPartitions() {
    List<Row> rows = new ArrayList<>();
    List<Double> present = new ArrayList<>();
    List<Double> ties = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      Double v = i % 13 == 0 ? null : i % 17 == 0 ? Double.NaN : Math.sin(i * 0.7) * 50 + i % 7;
      if (v != null && !v.isNaN()) {
        present.add(v);
      }
      double t = i % 10 < 7 ? 0.0 : i % 10; // 70% zeros: the first deciles tie
      ties.add(t);
      rows.add(RowFactory.create(v, t));
    }
    StructType schema =
        new StructType().add("v", DataTypes.DoubleType).add("t", DataTypes.DoubleType);
    Dataset<Row> data = spark.createDataFrame(rows, schema).repartition(4);
    Map<String, Column> columns = new LinkedHashMap<>();
    columns.put("v", col("v"));
    columns.put("t", col("t"));

    ReferenceProfile profile = ReferenceProfiler.profile(data, columns, List.of());
    ColumnProfile v = profile.column("v").get();
    assertBinsAreTheCommonRulesExactly(v, present);
    assertBinsAreTheCommonRulesExactly(profile.column("t").get(), ties);
    assertThat(profile.column("t").get().binEdges()).containsExactly(0.0, 7.0, 8.0);

    KllDoublesSketch sketch = QuantileSketches.fromBase64(v.sketch());
    assertThat(sketch.getN()).isEqualTo(present.size()).isEqualTo(v.presentCount());
    assertThat(sketch.isEstimationMode()).isTrue();
    assertThat(sketch.getMinItem()).isEqualTo(v.min());
    assertThat(sketch.getMaxItem()).isEqualTo(v.max());
    present.sort(Double::compare);
    double worst = 0;
    for (int i = 0; i < present.size(); i++) {
      int atOrBelow = i + 1;
      while (atOrBelow < present.size() && present.get(atOrBelow).equals(present.get(i))) {
        atOrBelow++;
      }
      double exact = atOrBelow / (double) present.size();
      worst =
          Math.max(
              worst,
              Math.abs(sketch.getRank(present.get(i), QuantileSearchCriteria.INCLUSIVE) - exact));
    }
    assertThat(worst).isLessThanOrEqualTo(QuantileSketches.rankError());
  }

  // ---- helpers --------------------------------------------------------------------------

  /**
   * The conformance of the profile's drift bins with common's rule: Spark's edges ({@code
   * percentile_disc}) equal {@link DecileBins#ofSorted}'s inverted-CDF deciles of the values, and
   * its per-partition counts equal {@link DecileBins#counts} of them.
   */
  private static void assertBinsAreTheCommonRulesExactly(ColumnProfile c, List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    double[] sorted = v.clone();
    java.util.Arrays.sort(sorted);
    DecileBins bins = DecileBins.ofSorted(sorted);
    assertThat(c.binEdges())
        .containsExactly(java.util.Arrays.stream(bins.edges()).boxed().toArray(Double[]::new));
    assertThat(c.binCounts())
        .containsExactly(java.util.Arrays.stream(bins.counts(v)).boxed().toArray(Long[]::new));
  }

  record Trained(ModelSpec spec, TrainResult result) {}

  private final Map<String, Trained> trained = new LinkedHashMap<>();

  /** Each algorithm and task is trained once, with small settings, and shared by the tests. */
  private Trained trained(Algorithm algorithm, Task task) {
    return trained.computeIfAbsent(
        algorithm.key() + "/" + task.key(),
        k -> {
          ModelSpec.Builder b = spec(algorithm, task);
          switch (algorithm) {
            case LOGISTIC_REGRESSION, LINEAR_REGRESSION -> b.param("maxIter", 20);
            case DECISION_TREE -> b.param("maxDepth", 6);
            case RANDOM_FOREST -> b.param("numTrees", 8).param("maxDepth", 6);
            case GBT -> b.param("maxIter", 10).param("maxDepth", 4).param("stepSize", 0.3);
          }
          ModelSpec spec = b.build();
          return new Trained(
              spec,
              ModelTrainer.train(
                  spark, spec, task == Task.CLASSIFICATION ? classification : regression));
        });
  }

  private static ModelSpec.Builder spec(Algorithm algorithm, Task task) {
    return ModelSpec.builder("m", task, algorithm)
        .keyColumn("customer_id")
        .features(FEATURES)
        .categorical(List.of("seg"))
        .split(new ModelSpec.Split(ModelSpec.SplitMethod.RANDOM, 0.25, 7));
  }

  private static List<String> keys(Dataset<Row> rows) {
    return rows
        .select(
            org.apache.spark.sql.functions.concat_ws(
                "|", col("customer_id"), col("event_time").cast("string")))
        .orderBy(col("concat_ws(|, customer_id, CAST(event_time AS STRING))"))
        .collectAsList()
        .stream()
        .map(r -> r.getString(0))
        .toList();
  }

  /**
   * An easy synthetic training set: x1 drives the label, seg 'a' and flag push it up, x2 has gaps,
   * cnt is a count. Regression: a linear target with a little noise.
   */
  private Dataset<Row> trainingSet(Task task) {
    Random rnd = new Random(11);
    List<Row> rows = new ArrayList<>();
    String[] segs = {"a", "b", "c"};
    for (int i = 0; i < ROWS; i++) {
      double x1 = rnd.nextDouble() * 2 - 1;
      Double x2 = i % 13 == 0 ? null : rnd.nextGaussian();
      long cnt = rnd.nextInt(20);
      String seg = segs[rnd.nextInt(3)];
      boolean flag = rnd.nextBoolean();
      double noise = rnd.nextGaussian();
      double x2v = x2 == null ? 0 : x2;
      Double label =
          task == Task.CLASSIFICATION
              ? (3 * x1 + (seg.equals("a") ? 1.5 : 0) + (flag ? 0.5 : 0) + 0.3 * noise > 0.5
                  ? 1.0
                  : 0.0)
              : 4 * x1 + 1.5 * x2v + (seg.equals("a") ? 2 : 0) + 0.05 * cnt + 0.3 * noise;
      if (i % 57 == 5) {
        label = null;
      }
      Timestamp t = Timestamp.from(START.plusSeconds(3600L * i));
      rows.add(RowFactory.create("c" + (i % 40), t, label, x1, x2, cnt, seg, flag, t));
    }
    StructType schema =
        new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("event_time", DataTypes.TimestampType)
            .add("label", DataTypes.DoubleType)
            .add("x1", DataTypes.DoubleType)
            .add("x2", DataTypes.DoubleType)
            .add("cnt", DataTypes.LongType)
            .add("seg", DataTypes.StringType)
            .add("flag", DataTypes.BooleanType)
            .add("view__event_time", DataTypes.TimestampType);
    return spark.createDataFrame(rows, schema);
  }
}
