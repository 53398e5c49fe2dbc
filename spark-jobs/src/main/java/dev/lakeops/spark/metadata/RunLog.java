package dev.lakeops.spark.metadata;

import dev.lakeops.common.warehouse.TableRef;
import dev.lakeops.spark.store.DeltaTables;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/** Appends run records to the warehouse's runs table (a Delta table notebooks can query). */
public final class RunLog {
  static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("project", DataTypes.StringType)
          .add("command", DataTypes.StringType)
          .add("target", DataTypes.StringType)
          .add("status", DataTypes.StringType)
          .add("started_at", DataTypes.TimestampType)
          .add("ended_at", DataTypes.TimestampType)
          .add("duration_ms", DataTypes.LongType)
          .add("rows_read", DataTypes.LongType)
          .add("rows_written", DataTypes.LongType)
          .add("rows_quarantined", DataTypes.LongType)
          .add("inputs", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          .add("outputs", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
          .add("code_version", DataTypes.StringType)
          .add("config_hash", DataTypes.StringType)
          .add("error", DataTypes.StringType)
          .add("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          .add("metrics", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType));

  private final SparkSession spark;
  private final DeltaTables tables;
  private final TableRef table;

  public RunLog(SparkSession spark, DeltaTables tables, TableRef table) {
    this.spark = spark;
    this.tables = tables;
    this.table = table;
  }

  /** The runs, newest first, as a Delta-backed DataFrame (empty schema if none yet). */
  public org.apache.spark.sql.Dataset<Row> runs() {
    if (!tables.exists(table)) {
      return spark.createDataFrame(List.of(), SCHEMA);
    }
    return tables.read(table).orderBy(org.apache.spark.sql.functions.col("started_at").desc());
  }

  /** One run by id. */
  public java.util.Optional<Row> find(String runId) {
    List<Row> rows =
        runs()
            .filter(org.apache.spark.sql.functions.col("run_id").equalTo(runId))
            .limit(1)
            .collectAsList();
    return rows.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(rows.get(0));
  }

  /**
   * Records a failed run without hiding the failure: when recording fails too, that failure is
   * added to {@code failure} as suppressed. Returns {@code failure}, for the caller to rethrow.
   */
  public RuntimeException recordFailure(RunRecord failed, RuntimeException failure) {
    try {
      record(failed);
    } catch (RuntimeException recordFailure) { // keep the user's error
      failure.addSuppressed(recordFailure);
    }
    return failure;
  }

  public void record(RunRecord r) {
    Row row =
        RowFactory.create(
            r.runId(),
            r.project(),
            r.command(),
            r.target(),
            r.status(),
            Timestamp.from(r.startedAt()),
            Timestamp.from(r.endedAt()),
            r.endedAt().toEpochMilli() - r.startedAt().toEpochMilli(),
            r.rowsRead(),
            r.rowsWritten(),
            r.rowsQuarantined(),
            CollectionConverters.asScala(r.inputs()),
            CollectionConverters.asScala(r.outputs()),
            r.codeVersion(),
            r.configHash(),
            r.error(),
            CollectionConverters.asScala(r.params()),
            CollectionConverters.asScala(r.metrics()));
    tables.append(table, spark.createDataFrame(List.of(row), SCHEMA));
  }
}
