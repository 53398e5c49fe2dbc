package dev.lakeops.bench;

import dev.lakeops.common.scoring.PipelineScorer;
import dev.lakeops.common.scoring.Scored;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-row scoring latency of one saved pipeline, four ways: our scorer (a row as a map, and as an
 * array in {@link PipelineScorer#inputColumns()} order), MLlib's single-row path on the last stage
 * ({@code predictProbability(Vector)} and {@code predict(Vector)}, with the features vector built
 * by the pipeline's feature stages <b>before</b> the timed loop, so feature stages are not timed
 * there), and {@code PipelineModel.transform} of a one-row DataFrame plus {@code collect} (the
 * one-row DataFrames are created before the timed loop too).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ScoringBenchmark {
  /** Directory holding the saved models (set by {@code submit/bench score}). */
  @Param({""})
  public String modelsDir;

  @Param({"lr", "gbt"})
  public String model;

  private static final int POOL = 1024;
  private static final int FRAMES = 32;

  private PipelineScorer scorer;
  private PipelineModel pipeline;
  private ProbabilisticClassificationModel<Vector, ?> last;
  private List<Map<String, Object>> maps;
  private List<Object[]> arrays;
  private Vector[] vectors;
  private List<Dataset<Row>> oneRowFrames;
  private int i;

  @SuppressWarnings("unchecked")
  @Setup(Level.Trial)
  public void setUp() {
    String dir = modelsDir + "/" + model;
    SparkSession spark =
        SparkSession.builder()
            .master("local[1]")
            .appName("lakeops-bench-score")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "1")
            .getOrCreate();
    pipeline = PipelineModel.load(dir);
    Transformer[] stages = pipeline.stages();
    last = (ProbabilisticClassificationModel<Vector, ?>) stages[stages.length - 1];
    scorer = PipelineScorer.load(dir);

    List<Row> rows = ScoringModels.rows(POOL, 99);
    maps = new ArrayList<>();
    arrays = new ArrayList<>();
    List<String> inputs = scorer.inputColumns();
    for (Row r : rows) {
      Map<String, Object> m = new HashMap<>();
      Object[] a = new Object[inputs.size()];
      for (int k = 0; k < ScoringModels.FEATURES.length; k++) {
        m.put(ScoringModels.FEATURES[k], r.get(k));
      }
      for (int k = 0; k < a.length; k++) {
        a[k] = m.get(inputs.get(k));
      }
      maps.add(m);
      arrays.add(a);
    }
    Dataset<Row> all = spark.createDataFrame(rows, ScoringModels.SCHEMA);
    List<Row> features = pipeline.transform(all).select("features", "probability").collectAsList();
    vectors = new Vector[POOL];
    double maxDiff = 0;
    for (int k = 0; k < POOL; k++) {
      vectors[k] = (Vector) features.get(k).get(0);
      double[] sparkP = ((Vector) features.get(k).get(1)).toArray();
      double[] ours = scorer.score(maps.get(k)).probability();
      double[] single = last.predictProbability(vectors[k]).toArray();
      for (int c = 0; c < sparkP.length; c++) {
        maxDiff = Math.max(maxDiff, Math.abs(sparkP[c] - ours[c]));
        maxDiff = Math.max(maxDiff, Math.abs(single[c] - ours[c]));
      }
    }
    if (!(maxDiff <= 1e-9)) {
      throw new IllegalStateException(
          "VERIFICATION FAILED: scorer and MLlib differ by " + maxDiff + " on " + model);
    }
    oneRowFrames = new ArrayList<>();
    for (int k = 0; k < FRAMES; k++) {
      oneRowFrames.add(spark.createDataFrame(List.of(rows.get(k)), ScoringModels.SCHEMA));
    }
  }

  private int next() {
    int k = i++;
    if (i == POOL) {
      i = 0;
    }
    return k;
  }

  @Benchmark
  public Scored oursMap() {
    return scorer.score(maps.get(next()));
  }

  @Benchmark
  public Scored oursArray() {
    return scorer.score(arrays.get(next()));
  }

  @Benchmark
  public Vector mllibPredictProbability() {
    return last.predictProbability(vectors[next()]);
  }

  @Benchmark
  public double mllibPredict() {
    return last.predict(vectors[next()]);
  }

  @Benchmark
  public List<Row> sparkTransformOneRow() {
    int k = next() % FRAMES;
    return pipeline
        .transform(oneRowFrames.get(k))
        .select("prediction", "probability")
        .collectAsList();
  }
}
