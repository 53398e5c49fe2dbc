package dev.lakeops.spark.training;

import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.ReferenceProfile;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.sql.Column;
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

  /** The pipeline {@link ModelTrainer} fits for {@code spec} (no categorical features). */
  public static Pipeline pipeline(ModelSpec spec, StructType schema) {
    return ModelPipelines.build(spec, schema, List.of()).pipeline();
  }

  /** The profile step as the trainer calls it: the row count is already known. */
  public static ReferenceProfile profile(
      Dataset<Row> scored, Map<String, Column> columns, List<String> categorical, long rowCount) {
    return ReferenceProfiler.profile(scored, columns, categorical, rowCount);
  }

  public static String quote(String name) {
    return ModelPipelines.quote(name);
  }

  public static final String PREDICTION = ModelPipelines.PREDICTION;
  public static final String PROBABILITY = ModelPipelines.PROBABILITY;
  public static final String RAW_PREDICTION = ModelPipelines.RAW_PREDICTION;
}
