package dev.lakeops.spark.store;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.delta.KernelReader;
import dev.lakeops.common.warehouse.TableRef;
import dev.lakeops.common.warehouse.Warehouse;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/** Writes, merges and registers the warehouse's Delta tables. */
public final class DeltaTables {
  private final SparkSession spark;
  private final Set<String> registered = new HashSet<>();
  private KernelReader kernel;

  public DeltaTables(SparkSession spark) {
    this.spark = spark;
  }

  public boolean exists(TableRef table) {
    return DeltaTable.isDeltaTable(spark, table.path());
  }

  public Dataset<Row> read(TableRef table) {
    return spark.read().format("delta").load(table.path());
  }

  /** Reads the table as of a version (time travel). */
  public Dataset<Row> read(TableRef table, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(table.path());
  }

  /** Appends rows, creating the table on first use; returns the new version. */
  public long append(TableRef table, Dataset<Row> rows) {
    rows.write().format("delta").mode(SaveMode.Append).save(table.path());
    register(table);
    return version(table);
  }

  /** Replaces the table's rows (history stays for time travel); returns the new version. */
  public long overwrite(TableRef table, Dataset<Row> rows) {
    rows.write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .option("overwriteSchema", "true")
        .save(table.path());
    register(table);
    return version(table);
  }

  /**
   * Upserts rows on the given key columns: matching rows are replaced, new ones inserted. Creates
   * the table if it does not exist. Returns the new version.
   */
  public long merge(TableRef table, Dataset<Row> rows, List<String> keys) {
    if (!exists(table)) {
      return overwrite(table, rows);
    }
    String on =
        String.join(" AND ", keys.stream().map(k -> "t.`" + k + "` = s.`" + k + "`").toList());
    DeltaTable.forPath(spark, table.path())
        .as("t")
        .merge(rows.as("s"), on)
        .whenMatched()
        .updateAll()
        .whenNotMatched()
        .insertAll()
        .execute();
    register(table);
    return version(table);
  }

  /**
   * The table's current version, read from its log on the driver with Delta Kernel (the latest
   * commit file's number; no Spark job, where {@code DESCRIBE HISTORY} runs one per call).
   *
   * @throws IllegalStateException when there is no table at the path
   */
  public long version(TableRef table) {
    return snapshot(table, null).getVersion();
  }

  /** The table's Kernel snapshot as of {@code version} (the latest when null). */
  private io.delta.kernel.Snapshot snapshot(TableRef table, Long version) {
    return kernel()
        .snapshot(table.path(), version)
        .orElseThrow(() -> new IllegalStateException("no Delta table at " + table.path()));
  }

  private KernelReader kernel() {
    if (kernel == null) {
      kernel = new KernelReader(spark.sparkContext().hadoopConfiguration());
    }
    return kernel;
  }

  /**
   * Every row of a small table's current version (the bookkeeping tables), read on the driver with
   * Delta Kernel: no Spark job and no Delta snapshot in Spark, which on a run that reads one small
   * table costs about a second. Values as {@link KernelReader} gives them (timestamps as epoch µs);
   * empty when there is no table.
   *
   * @throws dev.lakeops.common.error.LakeOpsException when a data file cannot be read
   */
  public List<Map<String, Object>> readSmall(TableRef table) {
    return kernel().readAll(table.path());
  }

  /**
   * Whether the table's current version may hold rows: false only when the log's statistics say
   * every data file is empty (no data file read; true when a file has no statistics).
   *
   * @throws IllegalStateException when there is no table at the path
   */
  public boolean mayHaveRows(TableRef table) {
    return kernel().rowCount(snapshot(table, null)).map(n -> n > 0).orElse(true);
  }

  /**
   * An exclusive upper bound (epoch µs) of a timestamp column's values in the table as of {@code
   * version} (the latest when null), from the data files' statistics in the log: Delta writes them
   * to the millisecond, truncated, so every value is below the largest file maximum + 1,000 µs.
   * {@link Long#MIN_VALUE} when the table holds no non-null value; empty when a file lacks the
   * statistic (the data must be read then). No data file is read.
   *
   * @throws IllegalStateException when there is no table at the path
   */
  public Optional<Long> timestampBound(TableRef table, Long version, String column) {
    return kernel()
        .maxStatistic(snapshot(table, version), column)
        .map(max -> max == Long.MIN_VALUE ? max : max + 1000);
  }

  /**
   * The table's partition columns, read from its log on the driver with Delta Kernel (no Spark
   * job); empty for an unpartitioned table.
   *
   * @throws IllegalStateException when there is no table at the path
   */
  public List<String> partitionColumns(TableRef table) {
    return snapshot(table, null).getPartitionColumnNames();
  }

  /**
   * Registers the table by name in the session catalog (idempotent), so notebooks can use {@code
   * spark.table("db.name")}, SQL and time travel as well as the path.
   */
  public synchronized void register(TableRef table) {
    if (!registered.add(table.name())) {
      return;
    }
    String db = table.name().substring(0, table.name().indexOf('.'));
    if (!spark.catalog().databaseExists(db)) {
      spark.sql("CREATE DATABASE IF NOT EXISTS `" + db + "`");
    }
    if (catalogHas(table.name())) {
      if (samePath(location(table.name()), table.path())) {
        return;
      }
      // The name points at another warehouse (or a deleted one): re-point it. The table was
      // created with a LOCATION, so dropping it leaves the data in place.
      spark.sql("DROP TABLE IF EXISTS " + quoted(table.name()));
    }
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + quoted(table.name())
            + " USING DELTA LOCATION '"
            + table.path().replace("'", "\\'")
            + "'");
  }

  private boolean catalogHas(String name) {
    try {
      return spark.catalog().tableExists(name);
    } catch (Exception e) { // the entry exists but its files are gone
      return true;
    }
  }

  /**
   * The location the session catalog holds for a table, from its metadata alone (no Spark job and
   * no read of the Delta log, where {@code DESCRIBE DETAIL} runs both); null when it has none.
   */
  private String location(String name) {
    try {
      int dot = name.indexOf('.');
      org.apache.spark.sql.catalyst.TableIdentifier id =
          new org.apache.spark.sql.catalyst.TableIdentifier(
              name.substring(dot + 1), scala.Option.apply(name.substring(0, dot)));
      scala.Option<java.net.URI> uri =
          spark.sessionState().catalog().getTableMetadata(id).storage().locationUri();
      return uri.isDefined() ? uri.get().toString() : null;
    } catch (Exception e) { // a stale entry
      return null;
    }
  }

  private boolean samePath(String a, String b) {
    if (a == null) {
      return false;
    }
    try {
      Configuration conf = spark.sparkContext().hadoopConfiguration();
      Path pa = new Path(a);
      Path pb = new Path(b);
      return pa.getFileSystem(conf)
          .makeQualified(pa)
          .equals(pb.getFileSystem(conf).makeQualified(pb));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Registers every existing table of the project's warehouse layout by name (a new session's
   * catalog does not know them unless it is a shared metastore); returns the names registered.
   */
  public List<String> registerAll(Warehouse warehouse, ProjectConfig project) {
    List<TableRef> candidates = new ArrayList<>();
    candidates.add(warehouse.runs());
    candidates.add(warehouse.ingestedFiles());
    candidates.add(warehouse.tasks());
    candidates.add(warehouse.modelVersions());
    candidates.add(warehouse.triggers());
    candidates.add(warehouse.scheduler());
    project
        .models()
        .keySet()
        .forEach(
            m -> {
              candidates.add(warehouse.predictions(m));
              candidates.add(warehouse.servingDeadLetter(m));
              candidates.add(warehouse.drift(m));
              candidates.add(warehouse.performance(m));
              candidates.add(warehouse.batchPredictions(m));
              candidates.add(warehouse.batchDeadLetter(m));
            });
    project
        .sources()
        .keySet()
        .forEach(
            s -> {
              candidates.add(warehouse.events(s));
              candidates.add(warehouse.quarantine(s));
            });
    project.featureViews().keySet().forEach(v -> candidates.add(warehouse.featureView(v)));
    project.trainingSets().keySet().forEach(t -> candidates.add(warehouse.trainingSet(t)));
    List<String> out = new ArrayList<>();
    for (TableRef t : candidates) {
      if (exists(t)) {
        register(t);
        out.add(t.name());
      }
    }
    return out;
  }

  private static String quoted(String name) {
    int dot = name.indexOf('.');
    return "`" + name.substring(0, dot) + "`.`" + name.substring(dot + 1) + "`";
  }
}
