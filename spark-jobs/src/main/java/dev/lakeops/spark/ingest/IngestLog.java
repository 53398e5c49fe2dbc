package dev.lakeops.spark.ingest;

import dev.lakeops.common.warehouse.TableRef;
import dev.lakeops.spark.store.DeltaTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Remembers which input files each source has ingested (path, size, modification time and row
 * count), so a run reads only new files and a re-run on the same input does nothing.
 */
public final class IngestLog {
  /** The log's partition column: the source's name. */
  static final String SOURCE = "source";

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

  /**
   * The files the source has ingested, with the rows each held (a small driver-side list), read
   * with Delta Kernel on the driver (no Spark job); none when there is no log yet.
   */
  public Map<InputFile, Long> ingested(String source) {
    return tables.readSmall(table).stream()
        .filter(r -> source.equals(r.get(SOURCE)))
        .collect(
            Collectors.toMap(
                r ->
                    new InputFile(
                        (String) r.get("path"),
                        (Long) r.get("size"),
                        (Long) r.get("modification_time")),
                r -> (Long) r.get("rows"),
                Long::sum));
  }

  /**
   * Records the files of a run with the rows each held ({@code rows} by path; a file missing from
   * it held none), in one commit. With {@code replace} (a full refresh) the source's earlier files
   * are forgotten in the same commit: the log is partitioned by source, so Delta's {@code
   * replaceWhere} on the source drops that partition's files whole (no DELETE, no rewrite of the
   * other sources' rows), and the log never shows the source with no files. A log written
   * unpartitioned (before this layout) is rewritten partitioned once, on the first full refresh
   * that finds it so.
   */
  public void record(
      String source, String runId, List<InputFile> files, Map<String, Long> rows, boolean replace) {
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
    Dataset<Row> df = spark.createDataFrame(out, SCHEMA).coalesce(1);
    if (!tables.exists(table)) {
      df.write().format("delta").partitionBy(SOURCE).mode(SaveMode.Append).save(table.path());
    } else if (!replace) {
      df.write().format("delta").mode(SaveMode.Append).save(table.path());
    } else {
      if (!tables.partitionColumns(table).equals(List.of(SOURCE))) {
        tables
            .read(table)
            .localCheckpoint()
            .write()
            .format("delta")
            .partitionBy(SOURCE)
            .mode(SaveMode.Overwrite)
            .option("overwriteSchema", "true")
            .save(table.path());
      }
      df.write()
          .format("delta")
          .partitionBy(SOURCE)
          .mode(SaveMode.Overwrite)
          .option("replaceWhere", SOURCE + " = '" + source.replace("'", "\\'") + "'")
          .save(table.path());
    }
    tables.register(table);
  }
}
