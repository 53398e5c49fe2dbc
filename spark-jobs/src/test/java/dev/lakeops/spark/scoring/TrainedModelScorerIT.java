package dev.lakeops.spark.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.scoring.PipelineScorer;
import dev.lakeops.common.training.Algorithm;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.Signature;
import dev.lakeops.common.training.Task;
import dev.lakeops.spark.TestSpark;
import dev.lakeops.spark.training.ModelTrainer;
import dev.lakeops.spark.training.TrainResult;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Models from the real training path ({@link ModelTrainer} and its pipelines: the boolean cast,
 * imputer, assembler, scaler, indexer and one-hot encoder) score identically with the Spark-free
 * scorer, loaded with the model's signature types, also on odd rows (unseen categories, nulls in
 * every column, a negative count).
 */
class TrainedModelScorerIT {
  private static final List<String> FEATURES = List.of("x1", "x2", "cnt", "seg", "flag");
  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.LongType)
          .add("customer_id", DataTypes.StringType)
          .add("event_time", DataTypes.TimestampType)
          .add("label", DataTypes.DoubleType)
          .add("x1", DataTypes.DoubleType)
          .add("x2", DataTypes.DoubleType)
          .add("cnt", DataTypes.LongType)
          .add("seg", DataTypes.StringType)
          .add("flag", DataTypes.BooleanType);

  final SparkSession spark = TestSpark.session();
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} {1} impute {2} scale {3} categorical {4}")
  @CsvSource({
    "LOGISTIC_REGRESSION, CLASSIFICATION, MEAN, STANDARD, seg",
    "GBT, CLASSIFICATION, MEDIAN, NONE, seg;flag",
    "RANDOM_FOREST, REGRESSION, MEAN, MINMAX, seg;cnt",
  })
  void trainedPipelineScoresAsSpark(
      Algorithm algorithm,
      Task task,
      ModelSpec.Imputation impute,
      ModelSpec.Scaling scale,
      String categorical)
      throws Exception {
    ModelSpec.Builder b =
        ModelSpec.builder("m", task, algorithm)
            .keyColumn("customer_id")
            .features(FEATURES)
            .categorical(List.of(categorical.split(";")))
            .impute(impute)
            .scale(scale)
            .split(new ModelSpec.Split(ModelSpec.SplitMethod.RANDOM, 0.25, 7));
    switch (algorithm) {
      case GBT -> b.param("maxIter", 8).param("maxDepth", 4);
      case RANDOM_FOREST -> b.param("numTrees", 8).param("maxDepth", 5);
      default -> b.param("maxIter", 20);
    }
    ModelSpec spec = b.build();
    TrainResult r = ModelTrainer.train(spark, spec, trainingSet(task, 600, 11, false));
    String dir = tmp.resolve("model").toString();
    r.model().write().save(dir);

    Signature sig = r.signature();
    Map<String, String> types =
        sig.inputs().stream()
            .collect(Collectors.toMap(Signature.Field::name, Signature.Field::type));
    PipelineScorer scorer = PipelineScorer.load(dir, types);
    assertThat(scorer.inputColumns()).containsExactlyInAnyOrderElementsOf(FEATURES);

    List<Row> rows = rows(task, 2_000, 12, true);
    Dataset<Row> data = spark.createDataFrame(rows, SCHEMA);
    ScorerParityIT.Parity p =
        ScorerParityIT.compare(
            PipelineModel.load(dir), scorer, data, rows, TrainedModelScorerIT::inputs);
    System.out.println("Trained " + algorithm + " " + task + ": " + p.summary());
    assertThat(p.compared).isEqualTo(rows.size());
  }

  private static Map<String, Object> inputs(Row r) {
    Map<String, Object> m = new java.util.HashMap<>();
    for (String f : FEATURES) {
      m.put(f, r.get(SCHEMA.fieldIndex(f)));
    }
    return m;
  }

  private Dataset<Row> trainingSet(Task task, int n, long seed, boolean odd) {
    return spark.createDataFrame(rows(task, n, seed, odd), SCHEMA);
  }

  private static List<Row> rows(Task task, int n, long seed, boolean odd) {
    Random rnd = new Random(seed);
    List<Row> rows = new ArrayList<>();
    String[] segs = {"a", "b", "c"};
    Instant start = Instant.parse("2024-01-01T00:00:00Z");
    for (int i = 0; i < n; i++) {
      double x1 = rnd.nextDouble() * 2 - 1;
      Double x2 = i % 13 == 0 ? null : rnd.nextGaussian();
      Long cnt = (long) rnd.nextInt(20);
      String seg = segs[rnd.nextInt(3)];
      Boolean flag = rnd.nextBoolean();
      double x2v = x2 == null ? 0 : x2;
      double noise = rnd.nextGaussian();
      Double label =
          task == Task.CLASSIFICATION
              ? (3 * x1 + (seg.equals("a") ? 1.5 : 0) + (flag ? 0.5 : 0) + 0.3 * noise > 0.5
                  ? 1.0
                  : 0.0)
              : 4 * x1 + 1.5 * x2v + (seg.equals("a") ? 2 : 0) + 0.05 * cnt + 0.3 * noise;
      if (odd) {
        switch (rnd.nextInt(12)) {
          case 0 -> seg = "never-seen";
          case 1 -> seg = null;
          case 2 -> flag = null;
          case 3 -> cnt = null;
          case 4 -> cnt = -3L;
          case 5 -> x2 = Double.NaN;
          default -> {}
        }
      }
      Timestamp t = Timestamp.from(start.plusSeconds(3600L * i));
      rows.add(RowFactory.create((long) i, "c" + (i % 40), t, label, x1, x2, cnt, seg, flag));
    }
    return rows;
  }
}
