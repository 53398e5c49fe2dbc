package dev.lakeops.spark.training;

import static dev.lakeops.spark.training.ModelTrainer.PROFILE_SAMPLE_ROWS;
import static org.apache.spark.sql.functions.col;

import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.ReferenceProfile;
import dev.lakeops.common.training.Signature;
import dev.lakeops.common.training.Task;
import dev.lakeops.common.types.ColumnType;
import dev.lakeops.spark.SparkErrors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** What a trained model records about itself: its reference profile and its signature. */
final class ModelProfiling {
  private ModelProfiling() {}

  static ReferenceProfile profile(
      ModelSpec spec,
      PipelineModel model,
      Dataset<Row> train,
      List<String> categorical,
      int numClasses,
      long trainRows) {
    // Distributions are estimated from a seeded sample of at most ~PROFILE_SAMPLE_ROWS rows:
    // quantiles of 200k rows are within ~0.1% in rank, far inside what drift tests resolve,
    // and the profile no longer costs more than the fit on large training sets.
    boolean sampled = trainRows > PROFILE_SAMPLE_ROWS;
    Dataset<Row> profiled =
        sampled
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
    // A sample's size is known once counted (the count also fills the profiler's cache).
    return sampled
        ? ReferenceProfiler.profile(scored, columns, cat)
        : ReferenceProfiler.profile(scored, columns, cat, trainRows);
  }

  static Signature signature(
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
    throw SparkErrors.unrecordableType(t.simpleString());
  }
}
