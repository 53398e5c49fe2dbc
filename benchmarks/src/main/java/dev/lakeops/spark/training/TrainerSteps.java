package dev.lakeops.spark.training;

import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.ReferenceProfile;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Benchmarks only (never shipped): the package-private steps of {@link ModelTrainer#train}, so the
 * {@code train} benchmark can time them one by one without changing spark-jobs. It lives in the
 * trainer's package, in the benchmarks module (one class loader, so package access works).
 */
public final class TrainerSteps {
  private TrainerSteps() {}

  /** The facts pass (rows, label checks, time cutoff): an opaque value for {@link #split}. */
  public static Object facts(ModelSpec spec, Dataset<Row> rows) {
    return ModelTrainer.facts(spec, rows);
  }

  /**
   * The canonical rows (persisted: unpersist them when done) and their train and holdout split, as
   * the trainer makes them after {@link #facts}.
   */
  public static ModelTrainer.Canonical split(ModelSpec spec, Dataset<Row> rows, Object facts) {
    ModelTrainer.Facts f = (ModelTrainer.Facts) facts;
    return ModelTrainer.canonicalSplit(spec, rows, f, ModelTrainer.partitions(f.labeled()));
  }

  /** The pipeline {@link ModelTrainer} fits for {@code spec} (no categorical features). */
  public static Pipeline pipeline(ModelSpec spec, StructType schema) {
    return ModelPipelines.build(spec, schema, List.of()).pipeline();
  }

  /** The profile step as the trainer calls it (binary classification, no categorical feature). */
  public static ReferenceProfile profile(
      ModelSpec spec, PipelineModel model, Dataset<Row> train, long trainRows) {
    return ModelProfiling.profile(spec, model, train, List.of(), 2, trainRows);
  }

  public static final String PROBABILITY = ModelPipelines.PROBABILITY;
}
