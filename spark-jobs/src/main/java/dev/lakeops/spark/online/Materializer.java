package dev.lakeops.spark.online;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.common.online.FeatureRow;
import dev.lakeops.common.online.OnlineStore;
import dev.lakeops.common.online.OnlineStoreSpec;
import dev.lakeops.spark.metadata.RunLog;
import dev.lakeops.spark.metadata.RunRecord;
import dev.lakeops.spark.store.DeltaTables;
import dev.lakeops.spark.store.TableRef;
import dev.lakeops.spark.store.Warehouse;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Materialization (like {@code feast materialize}): the latest offline row of every entity key of a
 * feature view — optionally as of a time — is written to the online store. The rows are written
 * from the executors: each task opens its own store from the serializable {@link OnlineStoreSpec}
 * and writes batches of {@value #BATCH} rows. The store's replace rule (a row replaces the stored
 * one only if its event time is at or after it) makes a re-run, or a run over fresher streamed
 * rows, harmless. Each view's run is recorded in the runs table with the Delta version read.
 */
public final class Materializer {
  private static final Logger LOG = LoggerFactory.getLogger(Materializer.class);

  /** Rows per store write (one transaction / one pipeline). */
  static final int BATCH = 1000;

  public static final String COMMAND = "materialize";

  private final SparkSession spark;
  private final ProjectConfig project;
  private final Warehouse warehouse;
  private final OnlineStoreSpec store;
  private final DeltaTables tables;
  private final RunLog runLog;

  public Materializer(
      SparkSession spark, ProjectConfig project, Warehouse warehouse, OnlineStoreSpec store) {
    this.spark = spark;
    this.project = project;
    this.warehouse = warehouse;
    this.store = store;
    this.tables = new DeltaTables(spark);
    this.runLog = new RunLog(spark, tables, warehouse.runs());
  }

  /** Materializes the given views (all of the project's when empty); one run record each. */
  public List<RunRecord> run(List<String> views, Instant asOf) {
    List<FeatureViewConfig> todo = new ArrayList<>();
    for (String v : views.isEmpty() ? new ArrayList<>(project.featureViews().keySet()) : views) {
      FeatureViewConfig view = project.featureViews().get(v);
      if (view == null) {
        throw new LakeOpsException(
            "unknown feature view '"
                + v
                + "'; the project has "
                + project.featureViews().keySet()
                + ". Fix: pass one of them to --view.");
      }
      todo.add(view);
    }
    // Open once on the driver: fails early on an unreachable store and creates the embedded
    // file's tables before the tasks race to.
    try (OnlineStore s = store.open()) {
      LOG.info("materializing {} into {}", todo.stream().map(FeatureViewConfig::name).toList(), s);
    }
    List<RunRecord> out = new ArrayList<>();
    for (FeatureViewConfig view : todo) {
      out.add(run(view, asOf));
    }
    return out;
  }

  /** Materializes one view; the run is recorded (also when it fails). */
  public RunRecord run(FeatureViewConfig view, Instant asOf) {
    String runId = UUID.randomUUID().toString();
    Instant started = Instant.now();
    TableRef table = warehouse.featureView(view.name());
    Map<String, String> inputs = new LinkedHashMap<>();
    Map<String, String> params = new LinkedHashMap<>();
    params.put("online_store", store.describe());
    if (asOf != null) {
      params.put("as_of", asOf.toString());
    }
    try {
      if (!tables.exists(table)) {
        throw new LakeOpsException(
            "feature view '"
                + view.name()
                + "' has no offline table at "
                + table.path()
                + ". Fix: run 'mlops features' first (or check --warehouse).");
      }
      long version = tables.version(table);
      inputs.put(table.name(), "v" + version);
      params.put("delta_version", Long.toString(version));
      long t0 = System.nanoTime();
      Dataset<Row> latest = latest(view, tables.read(table, version), asOf);
      LongAccumulator written = spark.sparkContext().longAccumulator("online rows " + view.name());
      int tasks = Math.max(1, spark.sparkContext().defaultParallelism());
      latest.coalesce(tasks).foreachPartition(new WritePartition(store, view.name(), written));
      long rows = written.value();
      LOG.info(
          "view {}: {} keys written to {} in {} ms (Delta version {})",
          view.name(),
          rows,
          store.describe(),
          (System.nanoTime() - t0) / 1_000_000,
          version);
      RunRecord r =
          RunRecord.finished(
                  project,
                  runId,
                  COMMAND,
                  view.name(),
                  "succeeded",
                  started,
                  rows,
                  rows,
                  0,
                  inputs,
                  Map.of(),
                  null)
              .with(params, Map.of());
      runLog.record(r);
      return r;
    } catch (RuntimeException e) {
      try {
        runLog.record(
            RunRecord.finished(
                    project,
                    runId,
                    COMMAND,
                    view.name(),
                    "failed",
                    started,
                    0,
                    0,
                    0,
                    inputs,
                    Map.of(),
                    e.getMessage())
                .with(params, Map.of()));
      } catch (RuntimeException recordFailure) { // keep the user's error
        e.addSuppressed(recordFailure);
      }
      throw e;
    }
  }

  /**
   * The latest row per entity key (event time at or before {@code asOf} when given): the key as
   * text, the event time and the view's features in declaration order.
   */
  public Dataset<Row> latest(FeatureViewConfig view, Dataset<Row> offline, Instant asOf) {
    String key = project.entities().get(view.entity()).key();
    Dataset<Row> rows = offline;
    if (asOf != null) {
      rows = rows.filter(col("event_time").leq(lit(Timestamp.from(asOf))));
    }
    List<Column> cols = new ArrayList<>();
    cols.add(col("`" + key + "`").cast("string").as(key));
    cols.add(col("event_time"));
    for (FeatureSpec f : view.features()) {
      cols.add(col("`" + f.name() + "`"));
    }
    String rank = "_lakeops_rank";
    return rows.select(cols.toArray(Column[]::new))
        .filter(col("`" + key + "`").isNotNull())
        .withColumn(
            rank,
            row_number()
                .over(Window.partitionBy(col("`" + key + "`")).orderBy(col("event_time").desc())))
        .filter(col(rank).equalTo(1))
        .drop(rank);
  }

  /** The online form of a {@link #latest} row. */
  static FeatureRow toFeatureRow(Row r) {
    Object t = r.get(1);
    long millis =
        t instanceof Timestamp ts ? ts.getTime() : ((Instant) t).toEpochMilli(); // java8 API on
    Map<String, Object> values = new LinkedHashMap<>();
    String[] names = r.schema().fieldNames();
    for (int i = 2; i < names.length; i++) {
      values.put(names[i], r.get(i));
    }
    return new FeatureRow(r.getString(0), millis, values);
  }

  /** A task: opens its own store and writes its rows in batches. */
  static final class WritePartition implements ForeachPartitionFunction<Row> {
    private final OnlineStoreSpec spec;
    private final String view;
    private final LongAccumulator written;

    WritePartition(OnlineStoreSpec spec, String view, LongAccumulator written) {
      this.spec = spec;
      this.view = view;
      this.written = written;
    }

    @Override
    public void call(Iterator<Row> rows) {
      if (!rows.hasNext()) {
        return;
      }
      try (OnlineStore store = spec.open()) {
        List<FeatureRow> batch = new ArrayList<>(BATCH);
        while (rows.hasNext()) {
          batch.add(toFeatureRow(rows.next()));
          if (batch.size() == BATCH) {
            store.write(view, batch);
            written.add(batch.size());
            batch.clear();
          }
        }
        if (!batch.isEmpty()) {
          store.write(view, batch);
          written.add(batch.size());
        }
      }
    }
  }
}
