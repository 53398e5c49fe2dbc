package dev.lakeops.flink.pipeline;

import static dev.lakeops.common.warehouse.MetadataColumns.*;

import dev.lakeops.common.warehouse.MetadataColumns;
import dev.lakeops.common.warehouse.TableRef;
import dev.lakeops.flink.delta.KernelTables;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Appends pipeline runs and tasks to the metadata store's runs and tasks tables with Delta Kernel,
 * idempotently, so writing a row again (a runner that died between the commit and saving its state,
 * then resumed) commits nothing: a replay never duplicates a row. A run's task rows carry sequence
 * numbers and are committed in their order, several at once, with the transaction id {@code
 * (lakeops-pipeline:<run id>, last sequence number)}: rows at or below the committed number are
 * skipped. A run row (one per invocation) is committed alone under its own id. The tables are
 * Spark's ({@code RunLog}, {@code TaskLog}): a row is laid out by the existing table's schema,
 * column by name; a missing table is created with the same schema Spark would.
 */
final class MetadataRecords {
  private static final MapType TEXT_MAP = new MapType(StringType.STRING, StringType.STRING, true);
  private static final MapType LONG_MAP = new MapType(StringType.STRING, LongType.LONG, true);
  private static final MapType DOUBLE_MAP = new MapType(StringType.STRING, DoubleType.DOUBLE, true);

  private final KernelTables tables;
  private final TableRef runs;
  private final TableRef tasks;

  MetadataRecords(KernelTables tables, TableRef runs, TableRef tasks) {
    this.tables = tables;
    this.runs = runs;
    this.tasks = tasks;
  }

  /** The runs table's schema as Spark's {@code RunLog} writes it. */
  static StructType runsSchema() {
    StructType s = new StructType();
    for (String c : MetadataColumns.RUNS) {
      s = s.add(c, runsType(c), !c.equals(RUN_ID));
    }
    return s;
  }

  /** The tasks table's schema as Spark's {@code TaskLog} writes it. */
  static StructType tasksSchema() {
    StructType s = new StructType();
    for (String c : MetadataColumns.TASKS) {
      s = s.add(c, tasksType(c), !c.equals(RUN_ID) && !c.equals(TASK));
    }
    return s;
  }

  private static DataType runsType(String c) {
    return switch (c) {
      case STARTED_AT, ENDED_AT -> TimestampType.TIMESTAMP;
      case DURATION_MS, ROWS_READ, ROWS_WRITTEN, ROWS_QUARANTINED -> LongType.LONG;
      case INPUTS, PARAMS -> TEXT_MAP;
      case OUTPUTS -> LONG_MAP;
      case METRICS -> DOUBLE_MAP;
      default -> StringType.STRING;
    };
  }

  private static DataType tasksType(String c) {
    return switch (c) {
      case STARTED_AT, ENDED_AT -> TimestampType.TIMESTAMP;
      case DURATION_MS -> LongType.LONG;
      case INPUTS, OUTPUTS, PARAMS -> TEXT_MAP;
      case METRICS -> DOUBLE_MAP;
      default -> StringType.STRING;
    };
  }

  /**
   * Appends a row to the runs table unless the row {@code key} names was committed already.
   *
   * @param row values by column name (timestamps as epoch µs); absent columns are null
   * @return whether this call committed it
   */
  boolean appendRun(String key, Map<String, Object> row) {
    return append(runs, runsSchema(), key, 1, List.of(row));
  }

  /** The highest sequence number of the run's task rows committed to the tasks table, or 0. */
  long committedTaskSeq(String runId) {
    return tables
        .snapshot(tasks.path())
        .map(
            s ->
                s.getLatestTransactionVersion(tables.engine(), "lakeops-pipeline:" + runId)
                    .orElse(0L))
        .orElse(0L);
  }

  /**
   * Appends a run's task rows, the last with sequence number {@code lastSeq}, in one commit unless
   * {@code lastSeq} is committed already.
   *
   * @param rows values by column name (timestamps as epoch µs); absent columns are null
   */
  boolean appendTasks(String runId, long lastSeq, List<Map<String, Object>> rows) {
    return append(tasks, tasksSchema(), runId, lastSeq, rows);
  }

  private boolean append(
      TableRef table,
      StructType fallback,
      String key,
      long version,
      List<Map<String, Object>> rows) {
    String appId = "lakeops-pipeline:" + key;
    tables.createIfMissing(table.path(), fallback);
    if (tables.committed(table.path(), appId, version)) {
      return false; // written before (no data file is written for nothing)
    }
    StructType schema = tables.snapshot(table.path()).orElseThrow().getSchema();
    List<StructField> fields = schema.fields();
    List<Object[]> values = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      Object[] v = new Object[schema.length()];
      for (int i = 0; i < v.length; i++) {
        v[i] = row.get(fields.get(i).getName());
      }
      values.add(v);
    }
    return tables.commitOnce(
        table.path(), appId, version, tables.writeFiles(table.path(), schema, values));
  }
}
