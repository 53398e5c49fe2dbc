package dev.lakeops.common.warehouse;

import dev.lakeops.common.config.ProjectConfig;
import java.io.Serializable;
import java.util.Objects;

/**
 * Where each table and directory of a project lives under the warehouse root (a local path or any
 * Hadoop URI), and the name each table is registered under in the catalog. Both engines name their
 * locations here only: Spark writes the tables, Flink reads the registry and writes the prediction
 * log, the online-store job's dead letter and the checkpoints.
 *
 * @param root the warehouse root, without a trailing {@code /} (one is dropped)
 * @param database the project's database ({@code project.yaml}'s {@code database}), the first
 *     directory under the root
 */
public record Warehouse(String root, String database) implements Serializable {

  /** The saved MLlib PipelineModel inside a model artifact (metadata JSON + Parquet). */
  public static final String ARTIFACT_MODEL = "model";

  /** The project's YAML files a model was trained from, inside its artifact (for reproduce). */
  public static final String ARTIFACT_CONFIG = "config";

  /** The reference profile (JSON) of the training data, inside a model artifact. */
  public static final String ARTIFACT_PROFILE = "profile.json";

  /** The model's signature (JSON: inputs with types, label, outputs), inside a model artifact. */
  public static final String ARTIFACT_SIGNATURE = "signature.json";

  /**
   * @throws NullPointerException when the root or the database is null
   */
  public Warehouse {
    Objects.requireNonNull(root, "the warehouse root");
    Objects.requireNonNull(database, "the database");
    if (root.length() > 1 && root.endsWith("/")) {
      root = root.substring(0, root.length() - 1);
    }
  }

  /** The project's warehouse under {@code root}. */
  public static Warehouse of(String root, ProjectConfig project) {
    return new Warehouse(root, project.database());
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

  /**
   * Where a training run keeps a model's artifact, {@code <root>/<database>/models/<model>/<run
   * id>}: the saved PipelineModel ({@link #ARTIFACT_MODEL}), the profile ({@link
   * #ARTIFACT_PROFILE}), the signature ({@link #ARTIFACT_SIGNATURE}) and the configuration ({@link
   * #ARTIFACT_CONFIG}).
   */
  public String modelArtifact(String model, String runId) {
    return dir("models/" + model + "/" + runId);
  }

  /**
   * The saved MLlib PipelineModel inside a model artifact ({@code <artifact>/model}), which Spark
   * writes and the Spark-free scorer loads.
   */
  public static String artifactModel(String artifact) {
    return artifact + "/" + ARTIFACT_MODEL;
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
   * The predictions {@code mlops batch-score} writes under {@code name} (default: the model's
   * name): {@code <root>/<database>/batch_predictions/<name>}, columns {@link
   * BatchPredictionColumns#ALL}.
   */
  public TableRef batchPredictions(String name) {
    return table("batch_predictions/" + name, "batch_predictions_" + name);
  }

  /**
   * The rows {@code mlops batch-score} could not score under {@code name}, with the reason: {@code
   * <root>/<database>/dead_letter/batch_score_<name>}, columns {@link
   * BatchPredictionColumns#DEAD_LETTER}.
   */
  public TableRef batchDeadLetter(String name) {
    return table("dead_letter/batch_score_" + name, "dead_letter_batch_score_" + name);
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

  /**
   * Rejected records of an online-store job ({@code mlops online-store}): JSON-lines files under
   * {@code <root>/<database>/_online/dead_letter/<job>}, one object per record with the rule and
   * the reason.
   */
  public String onlineDeadLetter(String job) {
    return dir("_online/dead_letter/" + job);
  }

  /**
   * Checkpoints of an online-store job: {@code <root>/<database>/_online/checkpoints/<job>} (Flink
   * keeps {@code <job id>/chk-<n>} below it).
   */
  public String onlineCheckpoints(String job) {
    return dir("_online/checkpoints/" + job);
  }

  /**
   * Checkpoints of a streaming-inference job that runs until cancelled ({@code mlops serve}):
   * {@code <root>/<database>/_checkpoints/serve_<model>}, holding {@code <job id>/chk-<n>}; the
   * latest is retained on cancel for {@code serve --resume}.
   */
  public String servingCheckpoints(String model) {
    return dir("_checkpoints/serve_" + model);
  }

  /**
   * Malformed label lines and late predictions of a monitoring job ({@code mlops monitor}): {@code
   * <root>/<database>/dead_letter/monitor_<model>}.
   */
  public String monitoringDeadLetter(String model) {
    return dir("dead_letter/monitor_" + model);
  }

  /**
   * Checkpoints of a monitoring job: {@code <root>/<database>/_checkpoints/monitor_<model>} (Flink
   * keeps {@code <job id>/chk-<n>} below it).
   */
  public String monitoringCheckpoints(String model) {
    return dir("_checkpoints/monitor_" + model);
  }

  /**
   * A model's monitoring report ({@code mlops report}): {@code
   * <root>/<database>/reports/<model>.html}.
   */
  public String report(String model) {
    return dir("reports/" + model + ".html");
  }

  /** Input files already ingested, per source (for incremental runs). */
  public TableRef ingestedFiles() {
    return table("_lakeops/ingested_files", "lakeops_ingested_files");
  }

  private TableRef table(String relative, String name) {
    return new TableRef(dir(relative), database + "." + name);
  }

  private String dir(String relative) {
    return root + "/" + database + "/" + relative;
  }
}
