package dev.lakeops.spark.training;

import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.LabelConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.TrainingSetConfig;
import dev.lakeops.common.warehouse.TableRef;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.SparkErrors;
import dev.lakeops.spark.metadata.RunLog;
import dev.lakeops.spark.metadata.RunRecord;
import dev.lakeops.spark.store.DeltaTables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a training set: its label rows joined point-in-time with its feature views ({@link
 * PointInTimeJoin}: each view's features computed at each label's time from the view's source
 * events), written to a Delta table. The events tables are read at their current Delta versions (or
 * at pinned ones, for {@code reproduce}), and the run records every version read.
 */
public final class TrainingSetBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingSetBuilder.class);

  private final ProjectConfig project;
  private final Warehouse warehouse;
  private final DeltaTables tables;
  private final RunLog runLog;

  public TrainingSetBuilder(SparkSession spark, ProjectConfig project, Warehouse warehouse) {
    this.project = project;
    this.warehouse = warehouse;
    this.tables = new DeltaTables(spark);
    this.runLog = new RunLog(spark, tables, warehouse.runs());
  }

  /** Builds and writes the named training set; returns the run record. */
  public RunRecord build(String name) {
    TrainingSetConfig set = project.trainingSets().get(name);
    if (set == null) {
      throw SparkErrors.unknownTrainingSet(name, project.trainingSets().keySet());
    }
    String runId = UUID.randomUUID().toString();
    Instant started = Instant.now();
    Map<String, String> inputs = new LinkedHashMap<>();
    try {
      Dataset<Row> rows = assemble(set, inputs);
      TableRef out = warehouse.trainingSet(set.name());
      long version = tables.overwrite(out, rows);
      long count = tables.read(out, version).count();
      reportReduction(set, inputs, count);
      RunRecord r =
          record(
              runId, set, "succeeded", started, count, inputs, Map.of(out.name(), version), null);
      runLog.record(r);
      return r;
    } catch (Exception e) { // Spark's AnalysisException is a checked exception
      try {
        runLog.record(record(runId, set, "failed", started, 0, inputs, Map.of(), e.getMessage()));
      } catch (Exception recordFailure) { // keep the user's error, not the bookkeeping one
        e.addSuppressed(recordFailure);
      }
      throw e;
    }
  }

  /**
   * With a label {@code reduce}, says how many label rows were merged into the {@code written} rows
   * (the label source's rows at the version read minus the training set's rows).
   */
  private void reportReduction(TrainingSetConfig set, Map<String, String> inputs, long written) {
    LabelConfig label = project.labels().get(set.label());
    if (label.reduce() == null || label.value() == null) {
      return;
    }
    TableRef events = warehouse.events(label.source());
    String version = inputs.get(events.name());
    long rows = tables.read(events, Long.parseLong(version.substring(1))).count();
    LOG.info(
        "training set {}: label '{}' (reduce: {}) made {} source rows into {} training rows, one"
            + " per entity and event time ({} fewer rows)",
        set.name(),
        label.name(),
        label.reduce().key(),
        rows,
        written,
        rows - written);
  }

  /** The training set's rows, without writing them; {@code inputs} receives the versions read. */
  public Dataset<Row> assemble(TrainingSetConfig set, Map<String, String> inputs) {
    return assemble(set, inputs, Map.of());
  }

  /**
   * The training set's rows with some inputs pinned to recorded Delta versions (time travel), as
   * {@code reproduce} needs; tables not in {@code pinned} are read at their current version.
   */
  public Dataset<Row> assemble(
      TrainingSetConfig set, Map<String, String> inputs, Map<String, Long> pinned) {
    LabelConfig label = project.labels().get(set.label());
    List<String> keys =
        label.entities().stream().map(e -> project.entities().get(e).key()).toList();
    Map<String, Long> versions = new LinkedHashMap<>();
    Dataset<Row> labels =
        LabelBuilder.build(label, keys, events(label.source(), pinned, versions, inputs));

    // The views' features are computed from their sources' events at the label times (one
    // shuffle per source and entity), read at recorded versions: the feature tables are not read.
    Map<List<String>, List<PointInTimeJoin.ViewInput>> bySource = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : featuresByView(set).entrySet()) {
      FeatureViewConfig view = project.featureViews().get(e.getKey());
      bySource
          .computeIfAbsent(List.of(view.source(), view.entity()), s -> new ArrayList<>())
          .add(new PointInTimeJoin.ViewInput(view, e.getValue()));
    }
    List<PointInTimeJoin.SourceInput> sources = new ArrayList<>();
    for (Map.Entry<List<String>, List<PointInTimeJoin.ViewInput>> e : bySource.entrySet()) {
      String source = e.getKey().get(0);
      sources.add(
          new PointInTimeJoin.SourceInput(
              project.sources().get(source),
              project.entities().get(e.getKey().get(1)).key(),
              events(source, pinned, versions, inputs),
              e.getValue()));
    }
    return PointInTimeJoin.join(labels, sources);
  }

  /**
   * The events table of a source at its pinned version, else its current one; the version read is
   * recorded in {@code inputs}, and a table read twice is read at one version.
   */
  private Dataset<Row> events(
      String source,
      Map<String, Long> pinned,
      Map<String, Long> versions,
      Map<String, String> inputs) {
    TableRef events = existing(warehouse.events(source), "source '" + source + "'");
    long version =
        versions.computeIfAbsent(
            events.name(), n -> pinned.getOrDefault(n, tables.version(events)));
    inputs.put(events.name(), "v" + version);
    return tables.read(events, version);
  }

  /** The features to take from each view, in the order the training set names them. */
  private Map<String, List<String>> featuresByView(TrainingSetConfig set) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (TrainingSetConfig.FeatureRef ref : set.features()) {
      List<String> names = out.computeIfAbsent(ref.view(), v -> new ArrayList<>());
      List<String> add =
          ref.feature() != null
              ? List.of(ref.feature())
              : project.featureViews().get(ref.view()).features().stream()
                  .map(FeatureSpec::name)
                  .toList();
      add.stream().filter(f -> !names.contains(f)).forEach(names::add);
    }
    return out;
  }

  private TableRef existing(TableRef table, String what) {
    if (!tables.exists(table)) {
      throw SparkErrors.offlineTableMissing(what, table.path(), project.dir());
    }
    return table;
  }

  private RunRecord record(
      String runId,
      TrainingSetConfig set,
      String status,
      Instant started,
      long rows,
      Map<String, String> inputs,
      Map<String, Long> outputs,
      String error) {
    return RunRecord.finished(
        project,
        runId,
        "training-set",
        set.name(),
        status,
        started,
        rows,
        rows,
        0,
        inputs,
        outputs,
        error);
  }
}
