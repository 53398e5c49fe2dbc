package dev.lakeops.spark.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.common.scoring.InvalidRowException;
import dev.lakeops.common.scoring.PipelineScorer;
import dev.lakeops.common.scoring.Scored;
import dev.lakeops.common.types.ColumnType;
import dev.lakeops.spark.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.DecisionTreeClassifier;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.feature.Bucketizer;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.MinMaxScaler;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.DecisionTreeRegressor;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.RandomForestRegressor;
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

/**
 * The Spark-free scorer against Spark itself: each pipeline is fit with MLlib, saved, loaded by
 * {@link PipelineScorer}, and both score the same 10,000 generated rows (nulls, NaN, unseen
 * categories, out-of-range values). Predictions, probabilities and raw predictions must agree
 * within 1e-9 and the predicted labels exactly; the rows Spark drops must be exactly the rows the
 * scorer refuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScorerParityIT {
  static final double TOLERANCE = 1e-9;
  static final int TRAIN_ROWS = 1_500;
  static final int SCORE_ROWS = 10_000;
  static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.LongType)
          .add("x1", DataTypes.DoubleType)
          .add("x2", DataTypes.DoubleType)
          .add("x3", DataTypes.DoubleType)
          .add("cnt", DataTypes.LongType)
          .add("flag", DataTypes.BooleanType)
          .add("seg", DataTypes.StringType)
          .add("color", DataTypes.StringType)
          .add("label", DataTypes.DoubleType)
          .add("label3", DataTypes.DoubleType)
          .add("y", DataTypes.DoubleType);
  static final List<String> INPUTS = List.of("x1", "x2", "x3", "cnt", "flag", "seg", "color");

  final SparkSession spark = TestSpark.session();
  Dataset<Row> train;
  Dataset<Row> scoring;
  List<Row> scoringRows;
  final Map<String, String> report = new TreeMap<>();

  @TempDir Path tmp;

  @BeforeAll
  void data() {
    train = spark.createDataFrame(rows(TRAIN_ROWS, 1, false), SCHEMA).cache();
    scoringRows = rows(SCORE_ROWS, 2, true);
    scoring = spark.createDataFrame(scoringRows, SCHEMA).cache();
  }

  @org.junit.jupiter.api.AfterAll
  void printReport() {
    System.out.println("Scorer parity (max |diff| over prediction, probability, rawPrediction):");
    report.forEach((k, v) -> System.out.println("  " + k + ": " + v));
  }

  // ---- the pipelines ---------------------------------------------------------------------

  /** Booleans cast, numbers imputed (mean), assembled, standard-scaled; categories one-hot. */
  static List<PipelineStage> features(String scaler, String strategy, boolean oneHot) {
    List<PipelineStage> s = new ArrayList<>();
    s.add(
        new SQLTransformer()
            .setStatement("SELECT *, CAST(`flag` AS DOUBLE) AS `flag_d` FROM __THIS__"));
    s.add(
        new Imputer()
            .setInputCols(new String[] {"x1", "x2", "cnt", "flag_d"})
            .setOutputCols(new String[] {"x1_i", "x2_i", "cnt_i", "flag_i"})
            .setStrategy(strategy));
    s.add(
        new VectorAssembler()
            .setInputCols(new String[] {"x1_i", "x2_i", "cnt_i", "flag_i", "x3"})
            .setOutputCol("num")
            .setHandleInvalid("keep"));
    String numOut = "num";
    if (scaler.equals("standard")) {
      s.add(
          new StandardScaler()
              .setInputCol("num")
              .setOutputCol("num_s")
              .setWithMean(true)
              .setWithStd(true));
      numOut = "num_s";
    } else if (scaler.equals("minmax")) {
      s.add(new MinMaxScaler().setInputCol("num").setOutputCol("num_s").setMin(-1).setMax(2));
      numOut = "num_s";
    } else if (scaler.equals("std-only")) {
      s.add(
          new StandardScaler()
              .setInputCol("num")
              .setOutputCol("num_s")
              .setWithMean(false)
              .setWithStd(true));
      numOut = "num_s";
    }
    s.add(
        new StringIndexer()
            .setInputCols(new String[] {"seg", "color", "flag_d"})
            .setOutputCols(new String[] {"seg_i", "color_i", "flagc_i"})
            .setHandleInvalid("keep"));
    if (oneHot) {
      s.add(
          new OneHotEncoder()
              .setInputCols(new String[] {"seg_i", "color_i", "flagc_i"})
              .setOutputCols(new String[] {"seg_o", "color_o", "flagc_o"})
              .setHandleInvalid("keep"));
      s.add(
          new VectorAssembler()
              .setInputCols(new String[] {numOut, "seg_o", "color_o", "flagc_o"})
              .setOutputCol("features")
              .setHandleInvalid("keep"));
    } else {
      // Trees: the indices themselves are categorical features (nominal metadata).
      s.add(
          new OneHotEncoder()
              .setInputCols(new String[] {"seg_i"})
              .setOutputCols(new String[] {"seg_o"})
              .setHandleInvalid("keep")
              .setDropLast(false));
      s.add(
          new VectorAssembler()
              .setInputCols(new String[] {numOut, "seg_o", "color_i", "flagc_i"})
              .setOutputCol("features")
              .setHandleInvalid("keep"));
    }
    return s;
  }

  static Stream<Arguments> pipelines() {
    return Stream.of(
        Arguments.of("lr-binary", pipeline(features("standard", "mean", true), lr("label"))),
        Arguments.of(
            "lr-binary-threshold",
            pipeline(
                features("minmax", "median", true),
                lr("label").setThreshold(0.3).setRegParam(0.05).setElasticNetParam(0.5))),
        Arguments.of("lr-multinomial", pipeline(features("standard", "mode", true), lr("label3"))),
        Arguments.of(
            "lr-multinomial-thresholds",
            pipeline(
                features("std-only", "mean", true),
                lr("label3").setThresholds(new double[] {0.5, 0.2, 0.3}))),
        Arguments.of(
            "lr-multinomial-l1",
            pipeline(
                features("minmax", "mean", true),
                lr("label3").setRegParam(0.02).setElasticNetParam(1.0))),
        Arguments.of(
            "linear-regression",
            pipeline(
                features("minmax", "mean", true),
                new LinearRegression().setLabelCol("y").setFeaturesCol("features"))),
        Arguments.of(
            "imputer-missing-value",
            new Pipeline()
                .setStages(
                    new PipelineStage[] {
                      // -1 marks a missing count (scoring rows have negative counts); the mode
                      // surrogate of the long column is cast back to long, as Spark does.
                      new Imputer()
                          .setInputCols(new String[] {"cnt", "x2"})
                          .setOutputCols(new String[] {"cnt_m", "x2_m"})
                          .setMissingValue(-1)
                          .setStrategy("mode"),
                      new Imputer().setInputCol("x1").setOutputCol("x1_m").setStrategy("median"),
                      new VectorAssembler()
                          .setInputCols(new String[] {"cnt_m", "x2_m", "x1_m", "x3"})
                          .setOutputCol("features")
                          .setHandleInvalid("keep"),
                      new LinearRegression().setLabelCol("y").setFeaturesCol("features")
                    })),
        Arguments.of(
            "linear-regression-l1",
            pipeline(
                features("standard", "median", true),
                new LinearRegression()
                    .setLabelCol("y")
                    .setFeaturesCol("features")
                    .setRegParam(0.2)
                    .setElasticNetParam(1.0))),
        Arguments.of(
            "dt-classifier",
            pipeline(
                features("none", "mean", false),
                new DecisionTreeClassifier()
                    .setLabelCol("label3")
                    .setFeaturesCol("features")
                    .setMaxDepth(7)
                    .setSeed(3))),
        Arguments.of(
            "rf-classifier",
            pipeline(
                features("standard", "median", false),
                new RandomForestClassifier()
                    .setLabelCol("label3")
                    .setFeaturesCol("features")
                    .setNumTrees(10)
                    .setMaxDepth(6)
                    .setSeed(3))),
        Arguments.of(
            "gbt-classifier",
            pipeline(
                features("none", "mean", true),
                new GBTClassifier()
                    .setLabelCol("label")
                    .setFeaturesCol("features")
                    .setMaxIter(15)
                    .setMaxDepth(4)
                    .setSeed(3))),
        Arguments.of(
            "dt-regressor",
            pipeline(
                features("none", "mean", false),
                new DecisionTreeRegressor()
                    .setLabelCol("y")
                    .setFeaturesCol("features")
                    .setMaxDepth(8)
                    .setSeed(3))),
        Arguments.of(
            "rf-regressor",
            pipeline(
                features("minmax", "mean", false),
                new RandomForestRegressor()
                    .setLabelCol("y")
                    .setFeaturesCol("features")
                    .setNumTrees(12)
                    .setMaxDepth(6)
                    .setSeed(3))),
        Arguments.of(
            "gbt-regressor",
            pipeline(
                features("none", "median", false),
                new GBTRegressor()
                    .setLabelCol("y")
                    .setFeaturesCol("features")
                    .setMaxIter(12)
                    .setMaxDepth(4)
                    .setSeed(3))));
  }

  static LogisticRegression lr(String label) {
    return new LogisticRegression().setLabelCol(label).setFeaturesCol("features").setMaxIter(30);
  }

  static Pipeline pipeline(List<PipelineStage> features, PipelineStage model) {
    List<PipelineStage> all = new ArrayList<>(features);
    all.add(model);
    return new Pipeline().setStages(all.toArray(PipelineStage[]::new));
  }

  // ---- parity ----------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("pipelines")
  void scorerAgreesWithSpark(String name, Pipeline pipeline) throws Exception {
    PipelineModel model = pipeline.fit(train);
    String dir = tmp.resolve(name).toString();
    model.write().overwrite().save(dir);

    PipelineScorer scorer = PipelineScorer.load(dir, Map.of("cnt", ColumnType.LONG));
    assertThat(INPUTS).containsAll(scorer.inputColumns());

    // The fitted model itself scores for Spark (a saved-and-reloaded one is bit-identical).
    Parity p = compare(model, scorer, scoring, scoringRows);
    report.put(name, p.summary());
    assertThat(p.compared).as("rows compared").isEqualTo(SCORE_ROWS);
  }

  @Test
  void rowsSparkDropsAreRefusedAndTheRestAgree() throws Exception {
    List<PipelineStage> s = new ArrayList<>();
    // Single-column params (inputCol/outputCol) here; the other pipelines use the multi-column
    // ones.
    s.add(new StringIndexer().setInputCol("seg").setOutputCol("seg_i").setHandleInvalid("skip"));
    s.add(new OneHotEncoder().setInputCol("seg_i").setOutputCol("seg_o"));
    s.add(
        new VectorAssembler()
            .setInputCols(new String[] {"x1", "x3", "cnt", "seg_o"})
            .setOutputCol("features")
            .setHandleInvalid("skip"));
    String dir = tmp.resolve("skip").toString();
    pipeline(s, lr("label")).fit(train).write().save(dir);

    Parity p = compare(PipelineModel.load(dir), PipelineScorer.load(dir), scoring, scoringRows);
    report.put("skip-mode lr", p.summary());
    assertThat(p.skipped).isGreaterThan(500);
    assertThat(p.compared + p.skipped).isEqualTo(SCORE_ROWS);
  }

  @Test
  void rowSparksErrorModeRejectsRaisesInvalidRow() throws Exception {
    List<PipelineStage> s = new ArrayList<>();
    s.add(
        new StringIndexer()
            .setInputCols(new String[] {"seg"})
            .setOutputCols(new String[] {"seg_i"})
            .setHandleInvalid("error"));
    s.add(
        new VectorAssembler()
            .setInputCols(new String[] {"x1", "seg_i"})
            .setOutputCol("features")
            .setHandleInvalid("error"));
    s.add(lr("label"));
    Dataset<Row> clean = train.filter("seg IS NOT NULL AND x1 IS NOT NULL AND NOT isnan(x1)");
    PipelineModel model = new Pipeline().setStages(s.toArray(PipelineStage[]::new)).fit(clean);
    String dir = tmp.resolve("error").toString();
    model.write().save(dir);
    PipelineScorer scorer = PipelineScorer.load(dir);

    Row unseen = row(1, 0.5, 1.0, 1.0, 3L, true, "never-seen", "red");
    Dataset<Row> one = spark.createDataFrame(List.of(unseen), SCHEMA);
    assertThrows(Exception.class, () -> model.transform(one).collectAsList());
    InvalidRowException e =
        assertThrows(InvalidRowException.class, () -> scorer.score(map(unseen)));
    assertThat(e.skipped()).isFalse();
    assertThat(e.column()).isEqualTo("seg");
    assertThat(e.getMessage()).contains("StringIndexer").contains("never-seen");

    Row nan = row(2, Double.NaN, 1.0, 1.0, 3L, true, "a", "red");
    Dataset<Row> other = spark.createDataFrame(List.of(nan), SCHEMA);
    assertThrows(Exception.class, () -> model.transform(other).collectAsList());
    e = assertThrows(InvalidRowException.class, () -> scorer.score(map(nan)));
    assertThat(e.column()).isEqualTo("x1");
    assertThat(e.stage()).isEqualTo("VectorAssembler");

    // A valid row still scores, and as Spark does.
    Row ok = row(3, 0.25, 1.0, 1.0, 3L, true, "b", "red");
    Row sparkOut =
        model.transform(spark.createDataFrame(List.of(ok), SCHEMA)).select("prediction").head();
    assertThat(scorer.score(map(ok)).prediction()).isEqualTo(sparkOut.getDouble(0));
  }

  @Test
  void unsupportedStageFailsAtLoadNamingItsClass() throws Exception {
    Pipeline p =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  new Bucketizer()
                      .setInputCol("x2")
                      .setOutputCol("x2_b")
                      .setSplits(
                          new double[] {Double.NEGATIVE_INFINITY, 0, Double.POSITIVE_INFINITY})
                      .setHandleInvalid("keep"),
                  new VectorAssembler()
                      .setInputCols(new String[] {"x1", "x2_b"})
                      .setOutputCol("features")
                      .setHandleInvalid("keep"),
                  new LinearRegression().setLabelCol("y")
                });
    String dir = tmp.resolve("bucketizer").toString();
    p.fit(train.na().drop()).write().save(dir);

    LakeOpsException e = assertThrows(LakeOpsException.class, () -> PipelineScorer.load(dir));
    assertThat(e.getMessage())
        .contains("org.apache.spark.ml.feature.Bucketizer")
        .contains("not supported")
        .contains("VectorAssembler");

    Pipeline sql =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  new SQLTransformer().setStatement("SELECT *, x1 * 2 AS x4 FROM __THIS__"),
                  new VectorAssembler()
                      .setInputCols(new String[] {"x4"})
                      .setOutputCol("features")
                      .setHandleInvalid("keep"),
                  new LinearRegression().setLabelCol("y")
                });
    String sqlDir = tmp.resolve("sql").toString();
    sql.fit(train.na().drop()).write().save(sqlDir);
    e = assertThrows(LakeOpsException.class, () -> PipelineScorer.load(sqlDir));
    assertThat(e.getMessage()).contains("SELECT *, x1 * 2 AS x4 FROM __THIS__");
  }

  // ---- comparison ------------------------------------------------------------------------

  /** What one comparison found. */
  static final class Parity {
    int compared;
    int skipped;
    int bitIdentical;
    double maxPrediction;
    double maxProbability;
    double maxRaw;
    String firstDifferent = "";
    int differentShown;

    String summary() {
      return String.format(
              java.util.Locale.ROOT,
              "%d rows, %d skipped by both; max |diff| prediction %.3g, probability %.3g,"
                  + " rawPrediction %.3g; %d rows bit-identical",
              compared,
              skipped,
              maxPrediction,
              maxProbability,
              maxRaw,
              bitIdentical)
          + firstDifferent;
    }
  }

  static Parity compare(
      PipelineModel model, PipelineScorer scorer, Dataset<Row> data, List<Row> rows) {
    return compare(model, scorer, data, rows, ScorerParityIT::map);
  }

  /**
   * Scores {@code data} with Spark and {@code rows} (the same rows, an id in column 0) with the
   * scorer, and compares them by id.
   */
  static Parity compare(
      PipelineModel model,
      PipelineScorer scorer,
      Dataset<Row> data,
      List<Row> rows,
      java.util.function.Function<Row, Map<String, Object>> toMap) {
    boolean classifier = scorer.numClasses() > 0;
    List<String> cols = new ArrayList<>(List.of("id", "prediction"));
    if (classifier) {
      cols.add("probability");
      cols.add("rawPrediction");
    }
    Map<Long, Row> spark = new HashMap<>();
    for (Row r : model.transform(data).selectExpr(cols.toArray(String[]::new)).collectAsList()) {
      spark.put(r.getLong(0), r);
    }
    Parity p = new Parity();
    for (Row in : rows) {
      long id = in.getLong(0);
      Row expected = spark.get(id);
      Scored got;
      try {
        got = scorer.score(toMap.apply(in));
      } catch (InvalidRowException e) {
        assertThat(e.skipped()).as("row %d: %s", id, e.getMessage()).isTrue();
        assertThat(expected)
            .as("row %d refused by the scorer (%s) but kept by Spark", id, e.getMessage())
            .isNull();
        p.skipped++;
        continue;
      }
      assertThat(expected).as("row %d scored but dropped by Spark", id).isNotNull();
      p.compared++;
      boolean same = true;
      double sp = expected.getDouble(1);
      p.maxPrediction = Math.max(p.maxPrediction, diff(sp, got.prediction(), id, "prediction"));
      same &= Double.compare(sp, got.prediction()) == 0;
      if (classifier) {
        assertThat(got.prediction()).as("row %d label", id).isEqualTo(sp);
        double[] prob = ((Vector) expected.get(2)).toArray();
        double[] raw = ((Vector) expected.get(3)).toArray();
        assertThat(got.probability()).hasSameSizeAs(prob);
        assertThat(got.rawPrediction()).hasSameSizeAs(raw);
        for (int k = 0; k < prob.length; k++) {
          p.maxProbability =
              Math.max(p.maxProbability, diff(prob[k], got.probability()[k], id, "probability"));
          p.maxRaw = Math.max(p.maxRaw, diff(raw[k], got.rawPrediction()[k], id, "raw"));
          same &= Double.compare(prob[k], got.probability()[k]) == 0;
          same &= Double.compare(raw[k], got.rawPrediction()[k]) == 0;
        }
      } else {
        assertThat(got.probability()).isNull();
      }
      if (same) {
        p.bitIdentical++;
      } else if (p.differentShown++ < 3) {
        p.firstDifferent += "\n    not bit-identical: " + toMap.apply(in) + " spark " + expected;
      }
    }
    assertThat(p.compared + p.skipped).isEqualTo(rows.size());
    assertThat(p.compared).isEqualTo(spark.size());
    return p;
  }

  /** |a - b|, failing above the tolerance; NaN only matches NaN. */
  static double diff(double spark, double ours, long id, String what) {
    if (Double.isNaN(spark) || Double.isNaN(ours)) {
      assertThat(Double.isNaN(ours))
          .as("row %d %s: Spark %s, scorer %s", id, what, spark, ours)
          .isEqualTo(Double.isNaN(spark));
      return 0;
    }
    if (spark == ours) {
      return 0;
    }
    double d = Math.abs(spark - ours);
    assertThat(d)
        .as("row %d %s: Spark %s, scorer %s", id, what, spark, ours)
        .isLessThanOrEqualTo(TOLERANCE);
    return d;
  }

  static Map<String, Object> map(Row r) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String c : INPUTS) {
      m.put(c, r.get(SCHEMA.fieldIndex(c)));
    }
    return m;
  }

  // ---- data ------------------------------------------------------------------------------

  static Row row(
      long id, Double x1, Double x2, Double x3, Long cnt, Boolean flag, String seg, String color) {
    return RowFactory.create(id, x1, x2, x3, cnt, flag, seg, color, 0.0, 0.0, 0.0);
  }

  /**
   * Rows with a learnable signal. Training rows have nulls in x1, x2, cnt, flag and seg (and NaN in
   * x1, which the imputer treats as missing). Scoring rows add NaN and nulls in x3 (assembled
   * as-is, so NaN reaches the model), unseen categories, negative counts, and extreme values.
   */
  static List<Row> rows(int n, long seed, boolean scoring) {
    Random r = new Random(seed);
    String[] segs = {"a", "b", "c", "d"};
    String[] colors = {"red", "green", "blue", "cyan", "teal", "pink"};
    List<Row> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double x1v = r.nextGaussian();
      double x2v = r.nextDouble() * 10 - 5;
      double x3v = r.nextGaussian() * 3 + 1;
      long cntv = r.nextInt(30);
      boolean flagv = r.nextBoolean();
      String segv = segs[r.nextInt(segs.length)];
      String colorv = colors[r.nextInt(colors.length)];
      double score =
          1.5 * x1v
              - 0.4 * x2v
              + 0.3 * x3v
              + 0.05 * cntv
              + (flagv ? 0.8 : -0.2)
              + (segv.equals("a") ? 1 : segv.equals("c") ? -1 : 0)
              + (colorv.equals("red") ? 0.7 : 0)
              + r.nextGaussian() * 0.5;
      double label = score > 0.3 ? 1.0 : 0.0;
      double label3 = score < -0.5 ? 0.0 : score < 1.2 ? 1.0 : 2.0;
      double y = 2 * score + r.nextGaussian() * 0.2;
      Double x1 = r.nextInt(30) == 0 ? null : r.nextInt(40) == 0 ? Double.NaN : x1v;
      Double x2 = r.nextInt(25) == 0 ? null : x2v;
      Double x3 = x3v;
      Long cnt = r.nextInt(20) == 0 ? null : cntv;
      Boolean flag = r.nextInt(15) == 0 ? null : flagv;
      String seg = r.nextInt(20) == 0 ? null : segv;
      String color = colorv;
      if (scoring) {
        int k = r.nextInt(100);
        if (k < 4) {
          x3 = Double.NaN;
        } else if (k < 7) {
          x3 = null;
        }
        if (r.nextInt(12) == 0) {
          seg = "unseen-" + r.nextInt(3);
        }
        if (r.nextInt(12) == 0) {
          color = r.nextBoolean() ? "mauve" : null;
        }
        if (r.nextInt(50) == 0) {
          cnt = -1L - r.nextInt(5);
        }
        if (r.nextInt(100) == 0) {
          x1 = r.nextBoolean() ? 1e6 : -1e6;
        }
      }
      out.add(RowFactory.create((long) i, x1, x2, x3, cnt, flag, seg, color, label, label3, y));
    }
    return out;
  }
}
