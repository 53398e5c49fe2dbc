package dev.lakeops.spark.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import dev.lakeops.common.warehouse.TableRef;
import dev.lakeops.spark.store.DeltaTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Remembers which input files each source has ingested (path, size, modification time and row
 * count), so a run reads only new files and a re-run on the same input does nothing.
 */
public final class IngestLog {
  private static final StructType SCHEMA =
      new StructType()
          .add("source", DataTypes.StringType, false)
          .add("path", DataTypes.StringType, false)
          .add("size", DataTypes.LongType, false)
          .add("modification_time", DataTypes.LongType, false)
          .add("rows", DataTypes.LongType, false)
          .add("run_id", DataTypes.StringType, false);

  private final SparkSession spark;
  private final DeltaTables tables;
  private final TableRef table;

  public IngestLog(SparkSession spark, DeltaTables tables, TableRef table) {
    this.spark = spark;
    this.tables = tables;
    this.table = table;
  }

  /** The files the source has ingested, with the rows each held (a small driver-side list). */
  public Map<InputFile, Long> ingested(String source) {
    if (!tables.exists(table)) {
      return Map.of();
    }
    return tables.read(table).filter(col("source").equalTo(lit(source))).collectAsList().stream()
        .collect(
            Collectors.toMap(
                r -> new InputFile(r.getString(1), r.getLong(2), r.getLong(3)),
                r -> r.getLong(4),
                Long::sum));
  }

  /** Records the files of a run, counting each one's rows in {@code read}. */
  public void record(String source, String runId, List<InputFile> files, Dataset<Row> read) {
    Map<String, Long> rows =
        read.groupBy(SourceReader.SOURCE_FILE).agg(count(lit(1))).collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1)));
    List<Row> out = new ArrayList<>();
    for (InputFile f : files) {
      out.add(
          RowFactory.create(
              source,
              f.path(),
              f.size(),
              f.modificationTime(),
              rows.getOrDefault(f.path(), 0L),
              runId));
    }
    tables.append(table, spark.createDataFrame(out, SCHEMA));
  }

  /** Forgets the source's files (before a full refresh re-reads them all). */
  public void forget(String source) {
    if (tables.exists(table)) {
      io.delta.tables.DeltaTable.forPath(spark, table.path())
          .delete(col("source").equalTo(lit(source)));
    }
  }
}
