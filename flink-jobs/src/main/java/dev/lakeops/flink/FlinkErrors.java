package dev.lakeops.flink;

import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.ConfigProblem;
import dev.lakeops.common.error.LakeOpsException;

/**
 * The user-facing errors of the Flink jobs, built in one place (as Delta Kernel's {@code
 * DeltaErrors}): one static method per error, whose message says the problem, its cause and the
 * fix. Each returns the exception for the caller to throw.
 */
public final class FlinkErrors {
  private FlinkErrors() {}

  /** Serving needs a production version of the model, and the registry has none. */
  public static LakeOpsException noProductionVersion(String model) {
    return new LakeOpsException(
        "Model '"
            + model
            + "' has no production version in the registry. Train one and"
            + " promote it (mlops train / mlops promote) before serving.");
  }

  /** A Delta table the job writes to does not exist (yet). */
  public static LakeOpsException noDeltaTable(String path) {
    return new LakeOpsException("no Delta table at " + path);
  }

  /** The command names a model models.yaml does not define; the message lists the ones it does. */
  public static ConfigException unknownModel(ProjectConfig project, String model) {
    return new ConfigException(
        new ConfigProblem(
            project.dir().resolve(ProjectLoader.MODELS).toString(),
            "models",
            0,
            "there is no model '"
                + model
                + "'; the project defines "
                + project.models().keySet()
                + ".",
            "pass --model with one of them, or add the model to " + ProjectLoader.MODELS + "."));
  }

  // ---- option builders (OnlineStoreJob.Options, ServeSettings): exit 2 ----------------------

  /** A required option of a job's options was not given. */
  public static ConfigProblem missingOption(String source, String option, String what) {
    return new ConfigProblem(
        source, option, 0, "a value is required (" + what + ") but none was given.", "give it.");
  }

  /** A job's option is below its minimum. */
  public static ConfigProblem optionBelow(
      String source, String option, String min, String got, String what) {
    return new ConfigProblem(
        source,
        option,
        0,
        "expected at least " + min + " (" + what + "), got " + got + ".",
        "give " + min + " or more.");
  }

  /** The problems a job's option builder found, together (a configuration error: exit 2). */
  public static ConfigException invalidOptions(java.util.List<ConfigProblem> problems) {
    return new ConfigException(problems);
  }

  // ---- the command lines of the Flink jobs: usage errors, exit 2 ----------------------------

  /** A job reads files or a topic, and both were given. */
  public static UsageException fileInputAndTopic(String command, String inputOption) {
    return new UsageException(
        command, "give either " + inputOption + " or --topic <topic>, not both.");
  }

  /** A job that needs an input was given none. */
  public static UsageException noInput(String command, String inputOption) {
    return new UsageException(
        command, "missing the events: " + inputOption + " or --topic <topic>.");
  }

  /** A topic option was given without the brokers. */
  public static UsageException topicWithoutBrokers(String command, String topicOptions) {
    return new UsageException(
        command, "a Kafka topic (" + topicOptions + ") needs --kafka-bootstrap <host:port>.");
  }

  /** The brokers were given but no topic to read. */
  public static UsageException brokersWithoutTopic(String command) {
    return new UsageException(
        command, "--kafka-bootstrap is given but no topic: add --topic <topic>, or read files.");
  }

  /** A local input directory or file the job would read is not there. */
  public static UsageException noSuchInput(String command, String what, String path) {
    return new UsageException(command, "the " + what + " " + path + " does not exist.");
  }

  /** A local directory the job would watch is not a directory. */
  public static UsageException noSuchDirectory(String command, String what, String path) {
    return new UsageException(
        command, "the " + what + " " + path + " does not exist (or is not a directory).");
  }

  /** {@code --from-savepoint} and {@code --resume} at once. */
  public static UsageException savepointAndResume(String command) {
    return new UsageException(
        command, "give either --from-savepoint <path> or --resume (the latest checkpoint).");
  }

  /** {@code --from-savepoint} names no savepoint or retained checkpoint. */
  public static UsageException notASnapshot(String command, String path, String checkpointDir) {
    return new UsageException(
        command,
        "--from-savepoint "
            + path
            + " is not a savepoint or retained checkpoint (a directory with a _metadata"
            + " file); pass the path flink printed for the savepoint, or a chk-<n> directory"
            + " under "
            + checkpointDir
            + ".");
  }

  /** {@code --format} is not a text format. */
  public static UsageException notATextFormat(String command) {
    return new UsageException(command, "--format must be csv or jsonl.");
  }

  /** The source is a table (no files): the job needs files or a topic. */
  public static UsageException sourceIsATable(String command, String source) {
    return new UsageException(
        command, "source '" + source + "' is a table; pass --input <dir> or a Kafka topic.");
  }

  /** {@code --source} names no source of the project. */
  public static UsageException unknownSource(
      String command, String source, java.util.Collection<String> known) {
    return new UsageException(
        command, "unknown source '" + source + "'; the project has " + known + ".");
  }

  /** No {@code --source}, and the project has not exactly one source with feature views. */
  public static UsageException pickASource(String command, java.util.List<String> withViews) {
    return new UsageException(
        command,
        "the project has "
            + withViews.size()
            + " sources with feature views; pick one with --source "
            + withViews
            + ".");
  }

  /** A read of the embedded online store where there is none (a mistyped path, or not filled). */
  public static UsageException noOnlineStore(String command, String path) {
    return new UsageException(
        command,
        "there is no online store at "
            + path
            + " (check --warehouse and --online-store); fill it first with 'mlops materialize'"
            + " or 'mlops online-store'.");
  }

  /** {@code --prometheus-port} is neither a port nor a range. */
  public static UsageException badPrometheusPort(String command, String port) {
    return new UsageException(
        command,
        "--prometheus-port takes a port or a range (9249 or 9249-9259); got '" + port + "'.");
  }

  /** {@code --flink-conf} names a directory without Flink's configuration file. */
  public static UsageException noFlinkConfig(String command, String dir, String file) {
    return new UsageException(
        command,
        "--flink-conf "
            + dir
            + " has no "
            + file
            + "; pass a Flink configuration directory or a YAML file.");
  }

  /** The label directory {@code monitoring.yaml} gives a model is not there. */
  public static ConfigException noLabelDirectory(String file, String model, String dir) {
    return new ConfigException(
        new ConfigProblem(
            file,
            "models." + model + ".labels.path",
            0,
            "the label directory " + dir + " does not exist (or is not a directory).",
            "create it (the monitoring job watches it for new CSV files), or pass --labels."));
  }

  /**
   * {@code serve} of a model the registry has no production version of: nothing to serve (a
   * configuration error, exit 2, found before the job starts).
   */
  public static ConfigException noChampionToServe(
      String model, String registry, String registeredModels) {
    return new ConfigException(
        new ConfigProblem(
            registry,
            "models." + model,
            0,
            "model '"
                + model
                + "' has no production version in the registry (registered models: "
                + registeredModels
                + ").",
            "train it (mlops train --model "
                + model
                + ") and promote a version (mlops promote --model "
                + model
                + " --version <n>)."));
  }

  /** {@code report --out} (or the warehouse) is not on the local file system. */
  public static UsageException reportNotLocal(String location) {
    return new UsageException(
        "report",
        "the page is written to the local file system; "
            + location
            + " is not local: pass --out <file>.");
  }

  /** The scheduler's default retraining command is not where the distribution puts it. */
  public static UsageException noRetrainScript(String script) {
    return new UsageException(
        "scheduler",
        "the default retraining command "
            + script
            + " is not there; run the scheduler with submit/mlops, or set scheduler.retrain in"
            + " monitoring.yaml.");
  }

  /** A pipeline's promote task names the newest version of a model that has none. */
  public static LakeOpsException noVersionToPromote(String model, String warehouse) {
    return new LakeOpsException(
        "the promote task has no version of model '"
            + model
            + "' to promote: the registry of "
            + warehouse
            + " has none. Put a train task of the model before it (depends_on), or give the"
            + " version: params: {model: "
            + model
            + ", version: <n>}.");
  }

  /** {@code pipeline run --pipeline} names no pipeline of the project. */
  public static UsageException noSuchPipeline(String name, String project, Object known) {
    return new UsageException(
        "pipeline run",
        "the project "
            + project
            + " has no pipeline '"
            + name
            + "'; its pipelines.yaml has "
            + known
            + ". Name one of them, or add it to pipelines.yaml.");
  }

  /** {@code pipeline resume/status --run} names no run. */
  public static UsageException noSuchPipelineRun(String command, String runId, String dir) {
    return new UsageException(
        command,
        "there is no pipeline run '"
            + runId
            + "' under "
            + dir
            + "; 'mlops pipeline status' lists the runs (same --project and --warehouse).");
  }

  /** {@code pipeline run --run-id} names a run that exists already. */
  public static UsageException pipelineRunExists(String runId, String dir) {
    return new UsageException(
        "pipeline run",
        "the pipeline run '"
            + runId
            + "' exists already ("
            + dir
            + "); continue it with 'mlops pipeline resume --run "
            + runId
            + "', or leave --run-id out for a new run.");
  }

  /** A pipeline run resumed while another runner holds it. */
  public static UsageException pipelineRunBusy(String runId, long pid) {
    return new UsageException(
        "pipeline resume",
        "the pipeline run '"
            + runId
            + "' is being run by the runner with pid "
            + pid
            + "; wait for it to end (or stop it), then resume.");
  }

  // ---- records and state: the message goes with the record to the dead letter, or fails the job

  /** A record of the prediction topic is not a JSON object (it goes to the dead letter). */
  public static LakeOpsException notAPredictionJson(Exception cause) {
    return new LakeOpsException(
        "not a prediction JSON object: "
            + dev.lakeops.common.cli.CliFailures.oneLine(cause.getMessage()),
        cause);
  }

  /** A prediction of the topic lacks a field the serving job always writes (dead letter). */
  public static LakeOpsException predictionJsonWithout(String field) {
    return new LakeOpsException("the prediction JSON has no '" + field + "'");
  }

  /**
   * The rule stage's state in a checkpoint or savepoint holds classes this version does not have:
   * it was written by another version of LakeOps (the job fails, exit 1).
   */
  public static LakeOpsException incompatibleRuleState(ClassNotFoundException cause) {
    return new LakeOpsException(
        "the monitoring rules' state was written by another version of LakeOps (no class "
            + cause.getMessage()
            + "); start the monitoring job afresh (without --resume or --from-savepoint).",
        cause);
  }

  /** The report's plotting library contains a script end tag: it cannot be inlined in the page. */
  public static LakeOpsException plotLibraryNotInlinable(String library) {
    return new LakeOpsException(
        library + "'s script contains </script and cannot be inlined; use another version.");
  }

  /** The report's plotting library is not on the classpath (a broken build). */
  public static LakeOpsException plotLibraryMissing(String resource, String artifact) {
    return new LakeOpsException(
        "the report's plotting library is not on the classpath ("
            + resource
            + " of "
            + artifact
            + "); rebuild the flink jobs");
  }

  /** The prediction log was written with other columns than this version writes. */
  public static ConfigException predictionLogLayout(
      String path, java.util.List<String> actual, java.util.List<String> expected) {
    return new ConfigException(
        new ConfigProblem(
            path,
            "columns",
            0,
            "the prediction log has the columns "
                + actual
                + ", but this version writes "
                + expected
                + ".",
            "move the old table aside (or delete it) and serve again; the new log"
                + " is created on start."));
  }
}
