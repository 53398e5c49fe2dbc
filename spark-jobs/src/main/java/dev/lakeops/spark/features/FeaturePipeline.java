package dev.lakeops.spark.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.config.SourceFormat;
import dev.lakeops.common.events.EventTimePlausibility;
import dev.lakeops.common.warehouse.TableRef;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.SparkErrors;
import dev.lakeops.spark.ingest.IngestLog;
import dev.lakeops.spark.ingest.InputFile;
import dev.lakeops.spark.ingest.InputFiles;
import dev.lakeops.spark.ingest.RowValidator;
import dev.lakeops.spark.ingest.SourceReader;
import dev.lakeops.spark.metadata.RunLog;
import dev.lakeops.spark.metadata.RunRecord;
import dev.lakeops.spark.store.DeltaTables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offline feature pipeline of a project: for each source, read the new input → validate
 * (failing rows to the quarantine table with rule and reason) → append clean rows to the source's
 * events table → compute its feature views for the entities with new events → merge them into the
 * offline tables on (entity key, event time). A re-run on the same input does nothing; new files
 * are added incrementally. Every run is recorded with its inputs and output Delta versions.
 */
public final class FeaturePipeline {
  private static final Logger LOG = LoggerFactory.getLogger(FeaturePipeline.class);

  /** The events table's column of the run that ingested a row (not part of the row's identity). */
  public static final String RUN_ID = "_run_id";

  /** The input text per written Parquet file (Spark's default maxPartitionBytes). */
  private static final long WRITE_BYTES = 128L << 20;

  private final SparkSession spark;
  private final ProjectConfig project;
  private final Warehouse warehouse;
  private final DeltaTables tables;
  private final IngestLog ingestLog;
  private final RunLog runLog;

  public FeaturePipeline(SparkSession spark, ProjectConfig project, Warehouse warehouse) {
    this.spark = spark;
    this.project = project;
    this.warehouse = warehouse;
    this.tables = new DeltaTables(spark);
    this.ingestLog = new IngestLog(spark, tables, warehouse.ingestedFiles());
    this.runLog = new RunLog(spark, tables, warehouse.runs());
  }

  /** Runs every source of the project; {@code fullRefresh} rebuilds its tables from all input. */
  public List<RunRecord> run(boolean fullRefresh) {
    List<RunRecord> out = new ArrayList<>();
    for (SourceConfig s : project.sources().values()) {
      out.add(run(s, fullRefresh));
    }
    return out;
  }

  /** Runs one source and its feature views. */
  public RunRecord run(SourceConfig source, boolean fullRefresh) {
    String runId = UUID.randomUUID().toString();
    Instant started = Instant.now();
    try {
      RunRecord r = ingest(source, runId, started, fullRefresh);
      runLog.record(r);
      LOG.info(
          "source {}: {} (read {}, written {}, quarantined {})",
          source.name(),
          r.status(),
          r.rowsRead(),
          r.rowsWritten(),
          r.rowsQuarantined());
      return r;
    } catch (Exception e) { // Spark's AnalysisException is a checked exception
      try {
        runLog.record(
            record(runId, source, "failed", started, 0, 0, 0, Map.of(), Map.of(), e.getMessage()));
      } catch (Exception recordFailure) { // keep the user's error, not the bookkeeping one
        e.addSuppressed(recordFailure);
      }
      throw e;
    }
  }

  /**
   * The views of a source with no new input that have no table yet (added to {@code
   * feature_views.yaml} since the source's last run): written whole from the events table, so a new
   * view needs no full refresh of its source. Returns their tables' new versions.
   */
  private Map<String, Long> newViews(SourceConfig source) {
    TableRef ev = warehouse.events(source.name());
    Map<String, Long> out = new LinkedHashMap<>();
    if (!tables.exists(ev)) {
      return out;
    }
    for (FeatureViewConfig view : project.viewsOf(source.name())) {
      TableRef t = warehouse.featureView(view.name());
      if (!tables.exists(t)) {
        out.put(
            t.name(),
            tables.overwrite(t, FeatureComputer.compute(view, key(view), tables.read(ev))));
        LOG.info("view {}: new since the source's last run, written from its events", view.name());
      }
    }
    return out;
  }

  private RunRecord ingest(
      SourceConfig source, String runId, Instant started, boolean fullRefresh) {
    Map<String, String> inputs = new LinkedHashMap<>();
    Dataset<Row> read;
    List<InputFile> newFiles = List.of();
    boolean replace = fullRefresh;
    if (source.format() == SourceFormat.DELTA || source.table() != null) {
      // Tables are read whole at their current version and replace the previous snapshot.
      TableRef in =
          new TableRef(
              source.path() == null ? null : project.resolvePath(source.path()), source.table());
      Dataset<Row> table = source.table() != null ? spark.table(source.table()) : tables.read(in);
      String label = source.table() != null ? source.table() : in.path();
      if (source.format() == SourceFormat.DELTA && source.path() != null) {
        label = label + "@v" + tables.version(in);
      }
      inputs.put(label, "snapshot");
      read = new SourceReader(spark).readTable(source, label, table);
      replace = true;
    } else {
      // A full refresh reads every file whatever the log says; its record replaces the source's
      // files in the log in the same commit (no DELETE before, no read of the log).
      Map<InputFile, Long> done = fullRefresh ? Map.of() : ingestLog.ingested(source.name());
      List<InputFile> listed =
          InputFiles.list(
              source.name(),
              project.resolvePath(source.path()),
              spark.sparkContext().hadoopConfiguration());
      newFiles = newFiles(source, listed, done);
      if (newFiles.isEmpty()) {
        Map<String, Long> added = newViews(source);
        return record(
            runId,
            source,
            added.isEmpty() ? "up_to_date" : "succeeded",
            started,
            0,
            0,
            0,
            inputs,
            added,
            null);
      }
      newFiles.forEach(f -> inputs.put(f.path(), String.valueOf(f.size())));
      long offset = done.values().stream().mapToLong(Long::longValue).sum();
      read = new SourceReader(spark).readFiles(source, newFiles, offset);
    }

    Dataset<Row> validated =
        withDuplicateCheck(RowValidator.validate(source, read), source, replace);
    validated.persist(StorageLevel.MEMORY_AND_DISK());
    long phase = System.nanoTime();
    try {
      Column ok = size(col(RowValidator.VIOLATIONS)).equalTo(0);
      long total = 0;
      long quarantined = 0;
      Long earliest = null;
      Long latest = null;
      Long earliestClean = null;
      Map<String, Long> perFile = new java.util.HashMap<>();
      Column t = unix_micros(col(RowValidator.EVENT_TIME));
      // One pass for the counts (in all, quarantined, per file for the ingest log) and the run's
      // event-time range (for the plausibility warning; of the clean rows, for the append test).
      for (Row c :
          validated
              .groupBy(ok.as("ok"), col(SourceReader.SOURCE_FILE))
              .agg(count(lit(1)), min(t), max(t))
              .collectAsList()) {
        long n = c.getLong(2);
        total += n;
        quarantined += c.getBoolean(0) ? 0 : n;
        perFile.merge(c.getString(1), n, Long::sum);
        if (!c.isNullAt(3)) {
          earliest = earliest == null ? c.getLong(3) : Math.min(earliest, c.getLong(3));
          latest = latest == null ? c.getLong(4) : Math.max(latest, c.getLong(4));
          if (c.getBoolean(0)) {
            earliestClean =
                earliestClean == null ? c.getLong(3) : Math.min(earliestClean, c.getLong(3));
          }
        }
      }
      if (earliest != null) {
        EventTimePlausibility.check(source, earliest, latest, System.currentTimeMillis() * 1000)
            .ifPresent(LOG::warn);
      }
      Dataset<Row> clean = events(source, validated.filter(ok), runId);
      Dataset<Row> bad = quarantine(source, validated.filter(ok.equalTo(false)), runId);
      Dataset<Row> cleanOut = clean;
      Dataset<Row> badOut = bad;
      if (!newFiles.isEmpty()) { // text is read one partition per file; written by size instead
        int parts = Math.max(writePartitions(newFiles), spark.sparkContext().defaultParallelism());
        cleanOut = clean.coalesce(parts);
        badOut = bad.coalesce(parts);
      }

      long t0 = System.nanoTime();
      LOG.info(
          "source {}: validated {} rows in {} ms", source.name(), total, (t0 - phase) / 1_000_000);
      TableRef q = warehouse.quarantine(source.name());
      TableRef ev = warehouse.events(source.name());
      // Then all events are this run's, and the validated rows do not depend on the table.
      boolean onlyThisRun = replace || !tables.exists(ev);
      List<FeatureViewConfig> views = project.viewsOf(source.name());
      // The views updated in place; the others (all of them on a replacing run) are written whole.
      Set<String> incremental =
          replace
              ? Set.of()
              : views.stream()
                  .map(FeatureViewConfig::name)
                  .filter(v -> tables.exists(warehouse.featureView(v)))
                  .collect(Collectors.toSet());
      // The latest event of the earlier runs, read before this run's rows are appended: new events
      // all later than it are later than every earlier event of their entity.
      boolean updateInPlace = !incremental.isEmpty() && !onlyThisRun;
      // Without a unique key the validated rows do not read the events table (the duplicate check
      // does), so the views take this run's rows from the cache and the earlier ones from the
      // table as of its version before this run: they need not wait for the events write, and
      // nothing is read back. With a unique key, the events write invalidates the cached plans
      // that read the table, so the views read this run's rows back from it by run id.
      Long pinned = !onlyThisRun && source.uniqueKey().isEmpty() ? tables.version(ev) : null;
      // The earlier events are resolved now, while the pinned version is the table's latest, so
      // Delta reuses its snapshot. Resolved after the events append has committed (the views are
      // written side by side with it), the old version's snapshot would be rebuilt from the log.
      Dataset<Row> earlier = pinned == null ? null : tables.read(ev, pinned);
      Supplier<Dataset<Row>> allEvents =
          () -> pinned == null ? tables.read(ev) : earlier.unionByName(clean);
      Supplier<Dataset<Row>> newEvents =
          () -> pinned == null ? tables.read(ev).filter(col(RUN_ID).equalTo(lit(runId))) : clean;
      boolean allLater =
          updateInPlace
              && earliestClean != null
              && laterThanAll(ev, pinned, earlier, earliestClean);

      boolean replacing = replace;
      Map<String, LongSupplier> tableWrites = new LinkedHashMap<>();
      // No empty commit per clean run: a full refresh clears the quarantine only when it has rows.
      if (quarantined > 0 || !tables.exists(q) || (replace && tables.mayHaveRows(q))) {
        Dataset<Row> rows = badOut;
        tableWrites.put(
            q.name(), () -> replacing ? tables.overwrite(q, rows) : tables.append(q, rows));
      }
      Dataset<Row> eventRows = cleanOut;
      tableWrites.put(
          ev.name(),
          () -> replacing ? tables.overwrite(ev, eventRows) : tables.append(ev, eventRows));
      Map<String, LongSupplier> viewWrites = new LinkedHashMap<>();
      // Per key column of the source's views (a source may carry several entities' keys).
      Map<String, Boolean> after = new java.util.concurrent.ConcurrentHashMap<>();
      for (FeatureViewConfig view : views) {
        TableRef out = warehouse.featureView(view.name());
        String key = key(view);
        viewWrites.put(
            out.name(),
            () -> {
              long v;
              if (!incremental.contains(view.name())) {
                // A whole view from this run's rows (in cache) or from all events.
                Dataset<Row> input = onlyThisRun ? clean : allEvents.get();
                v = tables.overwrite(out, FeatureComputer.compute(view, key, input));
              } else {
                Dataset<Row> rows = incremental(view, key, allEvents.get(), newEvents.get());
                boolean later =
                    allLater
                        || after.computeIfAbsent(
                            key, k -> onlyAfterEarlier(allEvents.get(), newEvents.get(), k, runId));
                // New events later than every earlier event of their entity change no existing
                // view row: the usual case of a stream, where appending the new rows equals the
                // merge, at a fraction of its cost (a merge reads and rewrites the files it
                // touches).
                v =
                    later
                        ? tables.append(out, rows)
                        : tables.merge(out, rows, List.of(key, RowValidator.EVENT_TIME));
              }
              LOG.info(
                  "view {}: written in {} ms", view.name(), (System.nanoTime() - t0) / 1_000_000);
              return v;
            });
      }
      // Separate Delta tables: their commits never conflict, so they are written side by side
      // (a write is partly driver work: planning, the log, the commit). Views that read this run's
      // rows back from the events table wait for it.
      Map<String, Long> outputs = new LinkedHashMap<>();
      if ((incremental.isEmpty() && onlyThisRun) || pinned != null) {
        tableWrites.putAll(viewWrites);
        outputs.putAll(ViewWrites.inParallel(tableWrites));
      } else {
        outputs.putAll(ViewWrites.inParallel(tableWrites));
        LOG.info(
            "source {}: quarantine and events written in {} ms",
            source.name(),
            (System.nanoTime() - t0) / 1_000_000);
        outputs.putAll(ViewWrites.inParallel(viewWrites));
      }
      if (!newFiles.isEmpty()) {
        ingestLog.record(source.name(), runId, newFiles, perFile, fullRefresh);
      }
      return record(
          runId,
          source,
          "succeeded",
          started,
          total,
          total - quarantined,
          quarantined,
          inputs,
          outputs,
          null);
    } finally {
      validated.unpersist();
    }
  }

  /**
   * The view's rows for entities with new events, from their earliest new event on: recomputed over
   * all their events in reach of the longest window, so late events update later rows too.
   */
  private static Dataset<Row> incremental(
      FeatureViewConfig view, String key, Dataset<Row> allEvents, Dataset<Row> newEvents) {
    String since = "_since";
    Dataset<Row> affected = newEvents.groupBy(col(key)).agg(min(RowValidator.EVENT_TIME).as(since));
    long reach = view.maxWindow().toNanos() / 1000;
    Dataset<Row> context =
        allEvents
            .join(affected, key)
            .filter(
                col(RowValidator.EVENT_TIME)
                    .geq(timestamp_micros(unix_micros(col(since)).minus(lit(reach)))))
            .drop(since);
    return FeatureComputer.compute(view, key, context)
        .join(affected, key)
        .filter(col(RowValidator.EVENT_TIME).geq(col(since)))
        .drop(since);
  }

  /**
   * How many Parquet files a run's rows are written as: one per 128 MiB of input text (Spark's
   * default {@code spark.sql.files.maxPartitionBytes}), at least one. Text input is read one
   * partition per file, so without this a run over many small files writes as many small files, and
   * every later read of the events table opens them all.
   */
  static int writePartitions(List<InputFile> files) {
    long bytes = files.stream().mapToLong(InputFile::size).sum();
    return (int) Math.max(1, (bytes + WRITE_BYTES - 1) / WRITE_BYTES);
  }

  /**
   * Whether {@code micros} is later than every event in the events table (true for an empty table).
   * First from the data files' statistics in the log (no Spark job: the usual case of new events
   * later than the table's latest by more than Delta's millisecond truncation of them); else one
   * aggregate of the event-time column, where the per-entity test groups and joins.
   *
   * @param version the events table's version to compare with; null: the latest
   * @param atVersion the table read at {@code version} (unused when {@code version} is null)
   */
  private boolean laterThanAll(TableRef events, Long version, Dataset<Row> atVersion, long micros) {
    Optional<Long> bound = tables.timestampBound(events, version, RowValidator.EVENT_TIME);
    if (bound.isPresent() && micros >= bound.get()) {
      return true;
    }
    Dataset<Row> all = version == null ? tables.read(events) : atVersion;
    Row latest = all.agg(max(unix_micros(col(RowValidator.EVENT_TIME)))).head();
    return latest.isNullAt(0) || micros > latest.getLong(0);
  }

  /**
   * Whether every new event is later than every earlier event of its entity (by event time; a tie
   * is not later). Then a view's rows from each entity's first new event on are all new rows, and
   * none of the view's existing rows changes.
   */
  private static boolean onlyAfterEarlier(
      Dataset<Row> allEvents, Dataset<Row> newEvents, String key, String runId) {
    String latest = "_latest";
    String since = "_since";
    Dataset<Row> earlier =
        allEvents
            .filter(col(RUN_ID).notEqual(lit(runId)))
            .groupBy(col(key))
            .agg(max(RowValidator.EVENT_TIME).as(latest));
    Dataset<Row> first = newEvents.groupBy(col(key)).agg(min(RowValidator.EVENT_TIME).as(since));
    return first.join(earlier, key).filter(col(since).leq(col(latest))).isEmpty();
  }

  private static List<InputFile> newFiles(
      SourceConfig source, List<InputFile> listed, Map<InputFile, Long> done) {
    Map<String, InputFile> byPath = new LinkedHashMap<>();
    done.keySet().forEach(f -> byPath.put(f.path(), f));
    List<InputFile> out = new ArrayList<>();
    for (InputFile f : listed) {
      InputFile before = byPath.get(f.path());
      if (before == null) {
        out.add(f);
      } else if (!before.equals(f)) {
        throw SparkErrors.inputFileChanged(source.name(), f.path(), before.size(), f.size());
      }
    }
    return out;
  }

  /** Adds a {@code duplicate_key} violation to repeats of the unique key, in and across runs. */
  private Dataset<Row> withDuplicateCheck(
      Dataset<Row> validated, SourceConfig source, boolean replace) {
    List<String> unique = source.uniqueKey();
    if (unique.isEmpty()) {
      return validated;
    }
    Column[] keyCols = unique.stream().map(c -> col("`" + c + "`")).toArray(Column[]::new);
    String order = "_order";
    String seen = "_seen";
    Dataset<Row> df = validated.withColumn(order, monotonically_increasing_id());
    TableRef ev = warehouse.events(source.name());
    Column seenBefore = lit(false);
    if (!replace && tables.exists(ev)) {
      List<Column> earlierCols = new ArrayList<>();
      Column on = lit(true);
      for (String c : unique) {
        earlierCols.add(col("`" + c + "`").as("_e_" + c));
        on = on.and(col("`" + c + "`").equalTo(col("_e_" + c)));
      }
      Dataset<Row> earlier =
          tables
              .read(ev)
              .select(earlierCols.toArray(Column[]::new))
              .distinct()
              .withColumn(seen, lit(true));
      df = df.join(earlier, on, "left");
      for (String c : unique) {
        df = df.drop("_e_" + c);
      }
      seenBefore = col(seen).equalTo(lit(true));
    }
    Column complete = lit(true);
    for (Column k : keyCols) {
      complete = complete.and(k.isNotNull());
    }
    Column otherwiseClean = size(col(RowValidator.VIOLATIONS)).equalTo(0);
    Column repeat =
        row_number()
            .over(Window.partitionBy(keyCols).orderBy(otherwiseClean.desc(), col(order).asc()))
            .gt(1);
    Column reason =
        concat(
            lit("unique key " + unique + " = "),
            to_json(struct(keyCols)),
            when(seenBefore, lit(" was ingested by an earlier run"))
                .otherwise(lit(" repeats an earlier row")));
    Column violation = struct(lit("duplicate_key").as("rule"), reason.as("reason"));
    Dataset<Row> out =
        df.withColumn(
            RowValidator.VIOLATIONS,
            when(
                    complete.and(repeat.or(seenBefore)),
                    concat(col(RowValidator.VIOLATIONS), array(violation)))
                .otherwise(col(RowValidator.VIOLATIONS)));
    return out.drop(order).drop(seen);
  }

  /** The view's key column: its entity's. */
  private String key(FeatureViewConfig view) {
    return project.entities().get(view.entity()).key();
  }

  /**
   * The events table's rows: the source's key columns (its own entity's first), {@code event_time},
   * the other declared columns, the source file and the run id.
   */
  private Dataset<Row> events(SourceConfig source, Dataset<Row> clean, String runId) {
    List<Column> cols = new ArrayList<>();
    List<String> keys = source.keyColumns();
    keys.forEach(k -> cols.add(col("`" + k + "`")));
    cols.add(col(RowValidator.EVENT_TIME));
    source.schema().stream()
        .filter(c -> !keys.contains(c.name())) // a source column named like a key is that key
        .forEach(c -> cols.add(col("`" + c.name() + "`")));
    cols.add(col(SourceReader.SOURCE_FILE));
    cols.add(lit(runId).as(RUN_ID));
    return clean.select(cols.toArray(Column[]::new));
  }

  private Dataset<Row> quarantine(SourceConfig source, Dataset<Row> bad, String runId) {
    Column v = col(RowValidator.VIOLATIONS);
    return bad.select(
        lit(source.name()).as("source"),
        col(SourceReader.SOURCE_FILE).as("source_file"),
        col(SourceReader.RAW).as("raw"),
        element_at(v, 1).getField("rule").as("rule"),
        array_join(v.getField("reason"), "; ").as("reason"),
        v.as("violations"),
        lit(runId).as("run_id"),
        current_timestamp().as("quarantined_at"));
  }

  private RunRecord record(
      String runId,
      SourceConfig source,
      String status,
      Instant started,
      long read,
      long written,
      long quarantined,
      Map<String, String> inputs,
      Map<String, Long> outputs,
      String error) {
    return RunRecord.finished(
        project,
        runId,
        "features",
        source.name(),
        status,
        started,
        read,
        written,
        quarantined,
        inputs,
        outputs,
        error);
  }
}
