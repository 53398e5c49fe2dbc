package dev.lakeops.spark.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.not;

import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.TrainingPreflight;
import dev.lakeops.spark.SparkErrors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The training rows as the trainer needs them: checked (columns, types, split sizes), labeled (rows
 * without a label dropped) and in a canonical order and partitioning, so the same rows give the
 * same model.
 */
final class TrainingData {
  private TrainingData() {}

  /**
   * Training rows per partition of the canonical training set (see {@link #canonical}): small
   * enough that a million rows fill the two cores of a small machine, large enough that a pass of
   * the fit is not dominated by task overhead.
   */
  static final long ROWS_PER_PARTITION = 250_000L;

  /**
   * Rows per canonical partition of the runs recorded before the partition count was (1,000,000): a
   * reproduction of such a run, which has no {@value TrainResult#PARTITIONS_PARAM} param,
   * partitions by this rule to rebuild the same model.
   */
  static final long UNRECORDED_ROWS_PER_PARTITION = 1_000_000L;

  /** At most this many partitions of the canonical training set. */
  static final int MAX_PARTITIONS = 200;

  /**
   * The partition count of the canonical training set of {@code rows} labeled rows: one per {@code
   * rowsPerPartition} rows (rounded up), at least 1 and at most {@value #MAX_PARTITIONS}.
   */
  static int partitions(long rows, long rowsPerPartition) {
    return (int)
        Math.max(1, Math.min(MAX_PARTITIONS, (rows + rowsPerPartition - 1) / rowsPerPartition));
  }

  /**
   * The training rows in an order and partitioning that depend on their values and the partition
   * count only, so that the same rows give the same model bit for bit, however they were read (a
   * Delta table's files, or a training set rebuilt by {@code reproduce}). MLlib's seeded steps (the
   * tuner's randomSplit or k-fold, the trees' split sampling and subsampling, the profile's sample)
   * draw per partition with {@code seed + partition index}, and its sums run partition by
   * partition: both change with the partitioning and the row order. The rows are hash-partitioned
   * on the entity key and event time into {@code partitions} partitions (a run records the count:
   * {@link TrainResult#partitions()}), and sorted within each partition by every column.
   */
  static Dataset<Row> canonical(ModelSpec spec, Dataset<Row> labeled, int partitions) {
    List<Column> key = new ArrayList<>();
    if (spec.keyColumn() != null) {
      key.add(col(ModelPipelines.quote(spec.keyColumn())));
    }
    key.add(col(ModelSpec.EVENT_TIME));
    Column[] all =
        Arrays.stream(labeled.columns())
            .map(c -> col(ModelPipelines.quote(c)))
            .toArray(Column[]::new);
    return labeled.repartition(partitions, key.toArray(Column[]::new)).sortWithinPartitions(all);
  }

  /** The kinds of the columns of a training set, for {@link TrainingPreflight}. */
  static Map<String, TrainingPreflight.ColumnKind> kinds(StructType schema) {
    Map<String, TrainingPreflight.ColumnKind> out = new LinkedHashMap<>();
    for (StructField f : schema.fields()) {
      DataType t = f.dataType();
      out.put(
          f.name(),
          t instanceof org.apache.spark.sql.types.NumericType
              ? TrainingPreflight.ColumnKind.NUMERIC
              : t == DataTypes.BooleanType
                  ? TrainingPreflight.ColumnKind.BOOLEAN
                  : t == DataTypes.StringType
                      ? TrainingPreflight.ColumnKind.TEXT
                      : TrainingPreflight.ColumnKind.OTHER);
    }
    return out;
  }

  /** The features that enter the model as numbers (not one-hot encoded), in order. */
  static List<String> numericFeatures(ModelSpec spec, StructType schema) {
    List<String> categorical = categorical(spec, schema);
    return spec.features().stream().filter(f -> !categorical.contains(f)).toList();
  }

  static Dataset<Row> labeled(ModelSpec spec, Dataset<Row> rows) {
    Column label = col(ModelPipelines.quote(spec.label())).cast(DataTypes.DoubleType);
    return rows.filter(label.isNotNull().and(not(isnan(label))));
  }

  /** The categorical features: those of the spec, plus every text feature. */
  static List<String> categorical(ModelSpec spec, StructType schema) {
    return spec.features().stream()
        .filter(
            f ->
                spec.categorical().contains(f)
                    || schema.apply(f).dataType() == DataTypes.StringType)
        .toList();
  }

  static void checkColumns(ModelSpec spec, Dataset<Row> rows) {
    List<String> have = Arrays.asList(rows.columns());
    List<String> need = new ArrayList<>();
    need.add(spec.label());
    need.add(ModelSpec.EVENT_TIME);
    if (spec.split().method() == ModelSpec.SplitMethod.RANDOM) {
      if (spec.keyColumn() == null) {
        throw SparkErrors.randomSplitWithoutKey(spec);
      }
      need.add(spec.keyColumn());
    }
    need.addAll(spec.features());
    if (spec.features().isEmpty()) {
      throw SparkErrors.noFeatures(spec);
    }
    List<String> absent = need.stream().filter(c -> !have.contains(c)).distinct().toList();
    if (!absent.isEmpty()) {
      throw SparkErrors.trainingSetLacksColumns(spec, absent, have);
    }
    for (StructField f : rows.schema().fields()) {
      if (spec.features().contains(f.name()) && !supported(f.dataType())) {
        throw SparkErrors.unsupportedFeatureType(spec, f.name(), f.dataType().simpleString());
      }
    }
  }

  private static boolean supported(DataType t) {
    return t instanceof org.apache.spark.sql.types.NumericType
        || t == DataTypes.BooleanType
        || t == DataTypes.StringType;
  }

  static void checkSplit(ModelSpec spec, long labeled, long trainRows, long holdoutRows) {
    String how =
        spec.split().method() == ModelSpec.SplitMethod.TIME
            ? "the time split (holdout: the latest "
                + spec.split().holdout()
                + " of the rows by event_time)"
            : "the random split (holdout "
                + spec.split().holdout()
                + ", seed "
                + spec.split().seed()
                + ")";
    if (trainRows == 0) {
      throw SparkErrors.emptyTrainingSplit(spec, how, labeled);
    }
    if (holdoutRows == 0) {
      throw SparkErrors.emptyHoldout(spec, how, labeled);
    }
  }
}
