package dev.lakeops.spark.scoring;

import dev.lakeops.common.config.EntityConfig;
import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.TrainingSetConfig;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.warehouse.TableRef;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.SparkErrors;
import dev.lakeops.spark.store.DeltaTables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * What {@code batch-score} reads, resolved on the driver before any row is scored: the Delta table,
 * the version read, the column holding the entity key, and how each of the model's feature views is
 * known to have a row or not for a row of this input.
 *
 * @param label the input as recorded in the output's {@code input} column: {@code
 *     feature_view:<view>}, {@code training_set:<name>} or {@code table:<path or name>}
 * @param table the Delta table (its path, and the catalog name or the path)
 * @param version the Delta version read
 * @param keyColumn the column holding the row's entity key, or null when the input has none
 * @param views the model's feature views (those of its training set holding at least one of its
 *     inputs), in the training set's order, each with how its presence is known
 * @param viewOfInput each model input held by one of those views, to that view
 */
record BatchInput(
    String label,
    TableRef table,
    long version,
    String keyColumn,
    Map<String, Presence> views,
    Map<String, String> viewOfInput) {

  /** How a row of the input tells whether one of the model's views had a row. */
  enum Presence {
    /** The input is this view's own table: every row is one of its rows. */
    ALWAYS,
    /** The view is not in the input (a feature view input, another view): missing in every row. */
    NEVER,
    /** The point-in-time join's {@code <view>__event_time} column: null when it found no row. */
    MARKER,
    /** The input carries the view's features itself (a table without the marker): not looked up. */
    CARRIED
  }

  /** The point-in-time join's column telling whether a view had a row for a label. */
  static String marker(String view) {
    return view + "__event_time";
  }

  /** The views of the model's training set that hold at least one of {@code inputs}, in order. */
  static Map<String, List<String>> modelViews(
      ProjectConfig project, ModelSpec spec, List<String> inputs) {
    TrainingSetConfig set = project.trainingSets().get(spec.trainingSet());
    Map<String, List<String>> views = new LinkedHashMap<>();
    if (set == null) {
      return views;
    }
    for (TrainingSetConfig.FeatureRef ref : set.features()) {
      FeatureViewConfig view = project.featureViews().get(ref.view());
      List<String> names =
          ref.feature() != null
              ? List.of(ref.feature())
              : view.features().stream().map(FeatureSpec::name).toList();
      for (String n : names) {
        if (inputs.contains(n)) {
          views.computeIfAbsent(ref.view(), v -> new ArrayList<>()).add(n);
        }
      }
    }
    return views;
  }

  /**
   * Resolves the input named on the command line.
   *
   * @param version the Delta version to read, or null for the latest
   * @throws dev.lakeops.common.cli.CliArgs.UsageException when the project has no such feature view
   *     or training set
   * @throws dev.lakeops.common.error.LakeOpsException when the table does not exist (yet), has no
   *     such version, or a feature view holds none of the model's inputs
   */
  static BatchInput resolve(
      SparkSession spark,
      ProjectConfig project,
      Warehouse warehouse,
      ModelSpec spec,
      List<String> inputs,
      BatchScorer.Kind kind,
      String name,
      Long version) {
    DeltaTables tables = new DeltaTables(spark);
    Map<String, List<String>> modelViews = modelViews(project, spec, inputs);
    Map<String, Presence> views = new LinkedHashMap<>();
    TableRef table;
    String key;
    switch (kind) {
      case FEATURE_VIEW -> {
        FeatureViewConfig view = project.featureViews().get(name);
        if (view == null) {
          throw SparkErrors.unknownFeatureView(
              "batch-score", name, project.featureViews().keySet());
        }
        if (!modelViews.containsKey(name)) {
          throw SparkErrors.viewHoldsNoInput(name, spec.name(), modelViews.keySet());
        }
        table = warehouse.featureView(name);
        key = project.entities().get(view.entity()).key();
        modelViews
            .keySet()
            .forEach(v -> views.put(v, v.equals(name) ? Presence.ALWAYS : Presence.NEVER));
        if (!tables.exists(table)) {
          throw SparkErrors.offlineTableMissing(
              "feature view '" + name + "'", table.path(), project.dir());
        }
      }
      case TRAINING_SET -> {
        TrainingSetConfig set = project.trainingSets().get(name);
        if (set == null) {
          throw SparkErrors.unknownTrainingSetOf("batch-score", name, project.trainingSets());
        }
        table = warehouse.trainingSet(name);
        key = trainingSetKey(project, spec, set);
        modelViews.keySet().forEach(v -> views.put(v, Presence.MARKER));
        if (!tables.exists(table)) {
          throw SparkErrors.trainingSetMissing(name, table.path(), project.dir());
        }
      }
      default -> {
        table = table(spark, project, warehouse, name);
        if (!tables.exists(table)) {
          throw SparkErrors.notADeltaTable(name, table.path());
        }
        key = null; // decided from the columns below
      }
    }
    long latest = tables.version(table);
    long read = version == null ? latest : version;
    if (read < 0 || read > latest) {
      throw SparkErrors.noInputVersion(kind.prefix() + ":" + name, read, latest);
    }
    if (kind == BatchScorer.Kind.TABLE) {
      List<String> columns =
          List.of(tables.read(table, read).schema().fieldNames()); // the schema only, no job
      String k = spec.keyColumn() != null ? spec.keyColumn() : trainingSetKey(project, spec, null);
      key = k != null && columns.contains(k) ? k : null;
      modelViews
          .keySet()
          .forEach(
              v -> views.put(v, columns.contains(marker(v)) ? Presence.MARKER : Presence.CARRIED));
    }
    Map<String, String> viewOfInput = new LinkedHashMap<>();
    modelViews.forEach((v, names) -> names.forEach(n -> viewOfInput.putIfAbsent(n, v)));
    return new BatchInput(kind.prefix() + ":" + name, table, read, key, views, viewOfInput);
  }

  /** The entity key column of the model's training set rows (its label's entity), or null. */
  private static String trainingSetKey(
      ProjectConfig project, ModelSpec spec, TrainingSetConfig set) {
    if (spec.keyColumn() != null) {
      return spec.keyColumn();
    }
    TrainingSetConfig s = set != null ? set : project.trainingSets().get(spec.trainingSet());
    if (s == null || project.labels().get(s.label()) == null) {
      return null;
    }
    EntityConfig e = project.entities().get(project.labels().get(s.label()).entity());
    return e == null ? null : e.key();
  }

  /**
   * A table given by path or URI (it has a {@code /}), or by catalog name (the project's tables are
   * registered first, as {@code mlops sql} does: a local session's catalog starts empty).
   */
  private static TableRef table(
      SparkSession spark, ProjectConfig project, Warehouse warehouse, String name) {
    if (name.contains("/")) {
      return new TableRef(name, name);
    }
    new DeltaTables(spark).registerAll(warehouse, project);
    String location;
    try {
      location = spark.sql("DESCRIBE DETAIL " + name).head().getAs("location");
    } catch (Exception e) { // no such table in the catalog (AnalysisException), or not Delta
      throw SparkErrors.notADeltaTable(name, null);
    }
    return new TableRef(location, name);
  }
}
