package dev.lakeops.spark.metadata;

import dev.lakeops.common.warehouse.MetadataColumns;
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
          .add(MetadataColumns.RUN_ID, DataTypes.StringType, false)
          .add(MetadataColumns.PROJECT, DataTypes.StringType)
          .add(MetadataColumns.COMMAND, DataTypes.StringType)
          .add(MetadataColumns.TARGET, DataTypes.StringType)
          .add(MetadataColumns.STATUS, DataTypes.StringType)
          .add(MetadataColumns.STARTED_AT, DataTypes.TimestampType)
          .add(MetadataColumns.ENDED_AT, DataTypes.TimestampType)
          .add(MetadataColumns.DURATION_MS, DataTypes.LongType)
          .add(MetadataColumns.ROWS_READ, DataTypes.LongType)
          .add(MetadataColumns.ROWS_WRITTEN, DataTypes.LongType)
          .add(MetadataColumns.ROWS_QUARANTINED, DataTypes.LongType)
          .add(
              MetadataColumns.INPUTS,
              DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          .add(
              MetadataColumns.OUTPUTS,
              DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
          .add(MetadataColumns.CODE_VERSION, DataTypes.StringType)
          .add(MetadataColumns.CONFIG_HASH, DataTypes.StringType)
          .add(MetadataColumns.ERROR, DataTypes.StringType)
          .add(
              MetadataColumns.PARAMS,
              DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          .add(
              MetadataColumns.METRICS,
              DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType));

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
    return tables
        .read(table)
        .orderBy(org.apache.spark.sql.functions.col(MetadataColumns.STARTED_AT).desc());
  }

  /** One run by id. */
  public java.util.Optional<Row> find(String runId) {
    List<Row> rows =
        runs()
            .filter(org.apache.spark.sql.functions.col(MetadataColumns.RUN_ID).equalTo(runId))
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
