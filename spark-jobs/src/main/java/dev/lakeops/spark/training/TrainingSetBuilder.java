package dev.lakeops.spark.training;

import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.LabelConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.TrainingSetConfig;
import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.spark.metadata.RunLog;
import dev.lakeops.spark.metadata.RunRecord;
import dev.lakeops.spark.store.DeltaTables;
import dev.lakeops.spark.store.TableRef;
import dev.lakeops.spark.store.Warehouse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Builds a training set: its label rows joined point-in-time with its feature views (read at their
 * current Delta versions, which the run records), written to a Delta table.
 */
public final class TrainingSetBuilder {
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
      throw new LakeOpsException(
          "Unknown training set '"
              + name
              + "'; the project defines "
              + project.trainingSets().keySet()
              + " in training_sets.yaml. Pass one of them with --name.");
    }
    String runId = UUID.randomUUID().toString();
    Instant started = Instant.now();
    Map<String, String> inputs = new LinkedHashMap<>();
    try {
      Dataset<Row> rows = assemble(set, inputs);
      TableRef out = warehouse.trainingSet(set.name());
      long version = tables.overwrite(out, rows);
      long count = tables.read(out, version).count();
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
    String key = project.entities().get(label.entity()).key();
    TableRef events = existing(warehouse.events(label.source()), "source '" + label.source() + "'");
    long eventsVersion = pinned.getOrDefault(events.name(), tables.version(events));
    inputs.put(events.name(), "v" + eventsVersion);
    Dataset<Row> labels = LabelBuilder.build(label, key, tables.read(events, eventsVersion));

    List<PointInTimeJoin.ViewInput> views = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : featuresByView(set).entrySet()) {
      FeatureViewConfig view = project.featureViews().get(e.getKey());
      TableRef table =
          existing(warehouse.featureView(view.name()), "feature view '" + view.name() + "'");
      long version = pinned.getOrDefault(table.name(), tables.version(table));
      inputs.put(table.name(), "v" + version);
      views.add(
          new PointInTimeJoin.ViewInput(
              view.name(), tables.read(table, version), e.getValue(), view.ttl()));
    }
    return PointInTimeJoin.join(labels, key, views);
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
      throw new LakeOpsException(
          "The offline table of "
              + what
              + " does not exist yet at "
              + table.path()
              + ". Run 'mlops features --project "
              + project.dir()
              + "' with the same --warehouse first.");
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
