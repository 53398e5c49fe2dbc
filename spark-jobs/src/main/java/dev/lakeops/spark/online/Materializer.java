package dev.lakeops.spark.online;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.features.FeatureHistory;
import dev.lakeops.common.features.IncrementalFeatures;
import dev.lakeops.common.online.OnlineStore;
import dev.lakeops.common.online.OnlineStoreSpec;
import dev.lakeops.common.online.StoredHistory;
import dev.lakeops.common.warehouse.TableRef;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.SparkErrors;
import dev.lakeops.spark.ingest.EventRows;
import dev.lakeops.spark.metadata.RunLog;
import dev.lakeops.spark.metadata.RunRecord;
import dev.lakeops.spark.store.DeltaTables;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Materialization (like {@code feast materialize}): every entity key's feature history of a view —
 * optionally as of a time — is written to the online store, exactly as the Flink online-store job
 * writes it for the same events: the executors group the source's validated events (the events
 * table the feature pipeline writes, at or before {@code --as-of}) by entity key and fold each
 * key's events, in time order, with {@link IncrementalFeatures} (the same code the Flink job runs),
 * then store {@link IncrementalFeatures#encodeView} of the latest event. Each task opens its own
 * store from the serializable {@link OnlineStoreSpec} and writes batches of {@value #BATCH}
 * entries. The store's replace rule (a history replaces the stored one only if its latest event
 * time is at or after it) makes a re-run, or a run over fresher streamed histories, harmless. Each
 * view's run is recorded in the runs table with the Delta version of the events table read.
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
        throw SparkErrors.unknownFeatureView("materialize", v, project.featureViews().keySet());
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
    TableRef table = warehouse.events(view.source());
    Map<String, String> inputs = new LinkedHashMap<>();
    Map<String, String> params = new LinkedHashMap<>();
    params.put("online_store", store.describe());
    if (asOf != null) {
      params.put("as_of", asOf.toString());
    }
    try {
      if (!tables.exists(table)) {
        throw SparkErrors.noEventsTable(view.name(), view.source(), table.path());
      }
      long version = tables.version(table);
      inputs.put(table.name(), "v" + version);
      params.put("delta_version", Long.toString(version));
      long t0 = System.nanoTime();
      Dataset<Tuple2<String, byte[]>> histories =
          histories(view, tables.read(table, version), asOf);
      LongAccumulator written = spark.sparkContext().longAccumulator("online rows " + view.name());
      int tasks = Math.max(1, spark.sparkContext().defaultParallelism());
      histories.coalesce(tasks).foreachPartition(new WritePartition(store, view.name(), written));
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
      throw runLog.recordFailure(
          RunRecord.failed(project, runId, COMMAND, view.name(), started, inputs, e.getMessage())
              .with(params, Map.of()),
          e);
    }
  }

  /**
   * Per entity key, the view's stored history as of {@code asOf} (all events when null): (key,
   * {@link IncrementalFeatures#encodeView} of the key's events at or before {@code asOf}), computed
   * in the executors.
   *
   * @param events the source's events table (key column, {@code event_time}, source columns)
   */
  public Dataset<Tuple2<String, byte[]>> histories(
      FeatureViewConfig view, Dataset<Row> events, Instant asOf) {
    String key = project.entities().get(view.entity()).key();
    SourceConfig source = project.sources().get(view.source());
    Dataset<Row> rows = events;
    if (asOf != null) {
      rows = rows.filter(col("event_time").leq(lit(Timestamp.from(asOf))));
    }
    Column[] cols = EventRows.select(source, key);
    Dataset<Row> selected = rows.select(cols).filter(col("`" + key + "`").isNotNull());
    return selected
        .groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
        .flatMapGroups(
            new FoldHistory(source, view), Encoders.tuple(Encoders.STRING(), Encoders.BINARY()));
  }

  /**
   * One key's events (rows of {@link #histories}'s selection) folded into the view's stored
   * history, in event-time order (ties in the order Spark hands them over).
   */
  static final class FoldHistory
      implements FlatMapGroupsFunction<String, Row, Tuple2<String, byte[]>> {
    private static final long serialVersionUID = 1L;
    private final SourceConfig source;
    private final FeatureViewConfig view;
    private transient IncrementalFeatures features;

    FoldHistory(SourceConfig source, FeatureViewConfig view) {
      this.source = source;
      this.view = view;
    }

    @Override
    public Iterator<Tuple2<String, byte[]>> call(String key, Iterator<Row> rows) {
      if (features == null) {
        features = new IncrementalFeatures(source, List.of(view));
      }
      List<SourceEvent> events = new ArrayList<>();
      while (rows.hasNext()) {
        events.add(EventRows.toEvent(source, key, rows.next()));
      }
      events.sort(Comparator.comparingLong(SourceEvent::eventTimeMicros));
      FeatureHistory h = new FeatureHistory();
      for (SourceEvent e : events) {
        features.add(h, e);
      }
      byte[] stored = features.encodeView(h, 0, Long.MAX_VALUE);
      return stored == null
          ? List.<Tuple2<String, byte[]>>of().iterator()
          : List.of(new Tuple2<>(key, stored)).iterator();
    }
  }

  /** A task: opens its own store and writes its rows in batches. */
  static final class WritePartition implements ForeachPartitionFunction<Tuple2<String, byte[]>> {
    private final OnlineStoreSpec spec;
    private final String view;
    private final LongAccumulator written;

    WritePartition(OnlineStoreSpec spec, String view, LongAccumulator written) {
      this.spec = spec;
      this.view = view;
      this.written = written;
    }

    @Override
    public void call(Iterator<Tuple2<String, byte[]>> rows) {
      if (!rows.hasNext()) {
        return;
      }
      try (OnlineStore store = spec.open()) {
        List<StoredHistory> batch = new ArrayList<>(BATCH);
        while (rows.hasNext()) {
          Tuple2<String, byte[]> r = rows.next();
          batch.add(new StoredHistory(r._1(), FeatureHistory.latestOf(r._2()), r._2()));
          if (batch.size() == BATCH) {
            store.writeHistories(view, batch);
            written.add(batch.size());
            batch.clear();
          }
        }
        if (!batch.isEmpty()) {
          store.writeHistories(view, batch);
          written.add(batch.size());
        }
      }
    }
  }
}
