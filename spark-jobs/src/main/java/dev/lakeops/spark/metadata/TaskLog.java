package dev.lakeops.spark.metadata;

import dev.lakeops.common.warehouse.MetadataColumns;
import dev.lakeops.common.warehouse.TableRef;
import dev.lakeops.spark.store.DeltaTables;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The tasks table of the metadata store: each step of a run (pipeline, task, start, end, duration,
 * status, error, params, metrics, inputs and outputs with their versions).
 *
 * <p>A run's tasks are kept in memory as they end and written together by {@link #flush}, one Delta
 * commit a run instead of one a task (a commit is a Spark job and a log entry: about a second each
 * on a small run, and every tenth one adds a checkpoint). The run's owner flushes when the run
 * ends, succeeded or failed, before or after recording the run itself.
 */
public final class TaskLog {
  static final StructType SCHEMA =
      new StructType()
          .add(MetadataColumns.RUN_ID, DataTypes.StringType, false)
          .add(MetadataColumns.PIPELINE, DataTypes.StringType)
          .add(MetadataColumns.TASK, DataTypes.StringType, false)
          .add(MetadataColumns.STATUS, DataTypes.StringType)
          .add(MetadataColumns.STARTED_AT, DataTypes.TimestampType)
          .add(MetadataColumns.ENDED_AT, DataTypes.TimestampType)
          .add(MetadataColumns.DURATION_MS, DataTypes.LongType)
          .add(
              MetadataColumns.PARAMS,
              DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          .add(
              MetadataColumns.METRICS,
              DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType))
          .add(
              MetadataColumns.INPUTS,
              DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          .add(
              MetadataColumns.OUTPUTS,
              DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          .add(MetadataColumns.ERROR, DataTypes.StringType);

  private final SparkSession spark;
  private final DeltaTables tables;
  private final TableRef table;

  public TaskLog(SparkSession spark, DeltaTables tables, TableRef table) {
    this.spark = spark;
    this.tables = tables;
    this.table = table;
  }

  /** What a task reports about itself when it is done. */
  public record Outcome<T>(
      T value,
      Map<String, String> params,
      Map<String, Double> metrics,
      Map<String, String> inputs,
      Map<String, String> outputs) {
    public static <T> Outcome<T> of(T value) {
      return new Outcome<>(value, Map.of(), Map.of(), Map.of(), Map.of());
    }
  }

  private final List<Row> pending = new ArrayList<>();

  /**
   * Writes the tasks recorded since the last flush, in one commit; nothing when there are none. The
   * pending tasks are dropped from memory also when the write fails (the caller's run failed or is
   * recorded failed then; a retry would write them twice).
   */
  public void flush() {
    if (pending.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>(pending);
    pending.clear();
    tables.append(table, spark.createDataFrame(rows, SCHEMA));
  }

  /**
   * Runs a task and records it (in memory until {@link #flush}), also when it fails (then the error
   * is rethrown).
   */
  public <T> T run(String runId, String pipeline, String task, Supplier<Outcome<T>> body) {
    Instant started = Instant.now();
    try {
      Outcome<T> o = body.get();
      keep(
          runId,
          pipeline,
          task,
          "succeeded",
          started,
          o.params(),
          o.metrics(),
          o.inputs(),
          o.outputs(),
          null);
      return o.value();
    } catch (RuntimeException e) {
      try {
        keep(
            runId,
            pipeline,
            task,
            "failed",
            started,
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(),
            e.getMessage());
      } catch (RuntimeException recordFailure) {
        e.addSuppressed(recordFailure);
      }
      throw e;
    }
  }

  private void keep(
      String runId,
      String pipeline,
      String task,
      String status,
      Instant started,
      Map<String, String> params,
      Map<String, Double> metrics,
      Map<String, String> inputs,
      Map<String, String> outputs,
      String error) {
    Instant ended = Instant.now();
    pending.add(
        RowFactory.create(
            runId,
            pipeline,
            task,
            status,
            Timestamp.from(started),
            Timestamp.from(ended),
            ended.toEpochMilli() - started.toEpochMilli(),
            CollectionConverters.asScala(params),
            CollectionConverters.asScala(metrics),
            CollectionConverters.asScala(inputs),
            CollectionConverters.asScala(outputs),
            error));
  }
}
