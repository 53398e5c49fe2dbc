package dev.lakeops.common.warehouse;

import dev.lakeops.common.config.ProjectConfig;

/**
 * Where each table of a project lives under the warehouse root (a local path or any Hadoop URI),
 * and the name it is registered under in the catalog.
 */
public record Warehouse(String root, String database) {

  public static Warehouse of(String root, ProjectConfig project) {
    String r = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    return new Warehouse(r, project.database());
  }

  /** Validated source rows (the input of feature views and labels). */
  public TableRef events(String source) {
    return table("events/" + source, "events_" + source);
  }

  /** Source rows that failed validation, with the rule and the reason. */
  public TableRef quarantine(String source) {
    return table("quarantine/" + source, "quarantine_" + source);
  }

  /** A feature view's offline table: one row per entity key and event time. */
  public TableRef featureView(String view) {
    return table("features/" + view, view);
  }

  public TableRef trainingSet(String name) {
    return table("training_sets/" + name, "training_" + name);
  }

  /** Every job run: inputs, outputs with Delta versions, counts, status. */
  public TableRef runs() {
    return table("_lakeops/runs", "lakeops_runs");
  }

  /** Every task of every run: the steps of a training run with their timing and outputs. */
  public TableRef tasks() {
    return table("_lakeops/tasks", "lakeops_tasks");
  }

  /** The model registry: one row per model version with its stage and audit trail. */
  public TableRef modelVersions() {
    return table("_lakeops/model_versions", "lakeops_model_versions");
  }

  /** Where a training run keeps a model's artifact (saved PipelineModel, profile, signature). */
  public String modelArtifact(String model, String runId) {
    return root + "/" + database + "/models/" + model + "/" + runId;
  }

  /** The prediction log that streaming inference ({@code mlops serve}) writes for a model. */
  public TableRef predictions(String model) {
    return table("predictions/" + model, "predictions_" + model);
  }

  /** Events streaming inference could not score, with the reason. */
  public TableRef servingDeadLetter(String model) {
    return table("dead_letter/serve_" + model, "dead_letter_serve_" + model);
  }

  /**
   * Drift statistics of a model's live inputs and predictions against its reference profile, one
   * row per (window, model version, feature, statistic); written by {@code mlops monitor}.
   */
  public TableRef drift(String model) {
    return table("monitoring/drift/" + model, "drift_" + model);
  }

  /**
   * Live accuracy of a model once delayed labels arrive, one row per (window, model version,
   * statistic); written by {@code mlops monitor}.
   */
  public TableRef performance(String model) {
    return table("monitoring/performance/" + model, "performance_" + model);
  }

  /** Retraining triggers raised by the monitoring rules, one row per trigger id. */
  public TableRef triggers() {
    return table("_lakeops/triggers", "lakeops_triggers");
  }

  /**
   * The retraining scheduler's state: each trigger's status changes (pending, running, succeeded,
   * failed), written by {@code mlops scheduler}.
   */
  public TableRef scheduler() {
    return table("_lakeops/scheduler", "lakeops_scheduler");
  }

  /** Input files already ingested, per source (for incremental runs). */
  public TableRef ingestedFiles() {
    return table("_lakeops/ingested_files", "lakeops_ingested_files");
  }

  private TableRef table(String relative, String name) {
    return new TableRef(root + "/" + database + "/" + relative, database + "." + name);
  }
}
