package dev.lakeops.common.cli;

import dev.lakeops.common.cli.Engine.RunsOn;
import java.time.Duration;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * The whole {@code mlops} command line, declared once and engine-free: every command and subcommand
 * with its options, descriptions and required flags. Both engines' jars parse with this tree (so
 * {@code mlops --help} lists every command in either jar); each jar supplies the implementations of
 * its own commands ({@link CommandImplementations}), keyed by the command classes below, and {@link
 * Cli} dispatches to them. The classes hold the parsed values only; what a command does lives in
 * its engine's jar.
 *
 * <p>Shared options ({@code --project}, {@code --warehouse}, {@code --online-store}, {@code
 * --as-of}, {@code --flink-conf}) are the mixins of {@link SharedOptions}, resolved once.
 */
@Command(
    name = "mlops",
    scope = ScopeType.INHERIT,
    separator = " ",
    sortOptions = false,
    sortSynopsis = false,
    requiredOptionMarker = '*',
    usageHelpWidth = 100,
    synopsisHeading = "Usage: ",
    descriptionHeading = "%n",
    parameterListHeading = "%nParameters:%n",
    optionListHeading = "%nOptions (* required):%n",
    commandListHeading = "%nCommands:%n",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      " 0:done",
      " 1:the job failed (the cause in one line; the stack trace is in the log)",
      " 2:the command line or the configuration is wrong (nothing ran)",
      " 3:the promotion gate refused the version (promote)"
    },
    description = {
      "LakeOps: feature pipelines, training sets, training and a model registry on Spark and"
          + " Delta Lake; the online store and streaming inference on Flink.",
      "Spark commands run on Spark local[*], Flink commands on a local MiniCluster;"
          + " submit/mlops picks the engine by the command's name."
    },
    footer = {
      "%nRun 'mlops <command> --help' for a command's options;"
          + " 'source <(mlops generate-completion)' for shell completion."
    },
    subcommands = {
      MlopsCommand.Validate.class,
      MlopsCommand.Features.class,
      MlopsCommand.TrainingSet.class,
      MlopsCommand.Train.class,
      MlopsCommand.Retrain.class,
      MlopsCommand.Models.class,
      MlopsCommand.Promote.class,
      MlopsCommand.Demote.class,
      MlopsCommand.Runs.class,
      MlopsCommand.Reproduce.class,
      MlopsCommand.Sql.class,
      MlopsCommand.Materialize.class,
      MlopsCommand.BatchScore.class,
      MlopsCommand.OnlineStore.class,
      MlopsCommand.Serve.class,
      MlopsCommand.Scheduler.class,
      MlopsCommand.Monitor.class,
      MlopsCommand.Report.class,
      MlopsCommand.Pipeline.class,
      MlopsCommand.Demo.class,
      MlopsCommand.Completion.class,
      MlopsCommand.Help.class
    })
@RunsOn(Engine.ANY)
public final class MlopsCommand {
  /** {@code -h/--help} on every command (inherited). */
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      scope = ScopeType.INHERIT,
      description = "show this help and exit")
  boolean help;

  /**
   * A new command line of the whole tree. Each call builds fresh command objects, so a parse never
   * sees the values of an earlier one.
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new MlopsCommand());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExpandAtFiles(false); // an entity key or a query may start with @
    return cl;
  }

  // ---------------------------------------------------------------- Spark commands

  /** {@code validate}: checks a project's configuration; starts no engine. */
  @Command(
      name = "validate",
      description = "check a project's configuration and list every problem; starts no engine")
  @RunsOn(Engine.SPARK)
  public static final class Validate {
    @Mixin SharedOptions.Project project;
  }

  /** {@code features}: the feature pipeline into the offline store. */
  @Command(
      name = "features",
      description =
          "run the feature pipeline: validate input, quarantine bad rows, write the offline store")
  @RunsOn(Engine.SPARK)
  public static final class Features {
    @Mixin SharedOptions.Project project;
    @Mixin SharedOptions.Warehouse warehouse;
    @Mixin SharedOptions.SparkUi sparkUi;

    @Option(
        names = "--source",
        paramLabel = "<name>",
        description = "run only this source and its feature views (default: all sources)")
    String source;

    @Option(
        names = "--full-refresh",
        description = "rebuild the source's tables from all input files")
    boolean fullRefresh;
  }

  /** {@code training-set}: point-in-time correct training sets. */
  @Command(
      name = "training-set",
      description = "build point-in-time correct training sets from labels and feature views")
  @RunsOn(Engine.SPARK)
  public static final class TrainingSet {
    @Mixin SharedOptions.Project project;
    @Mixin SharedOptions.Warehouse warehouse;
    @Mixin SharedOptions.SparkUi sparkUi;

    @Option(
        names = "--name",
        paramLabel = "<name>",
        description = "the training set to build (default: all of them)")
    String name;
  }

  /** {@code train}: trains, evaluates and registers a model version. */
  @Command(
      name = "train",
      description = "train a model from models.yaml, evaluate it and register a new version")
  @RunsOn(Engine.SPARK)
  public static final class Train {
    @Mixin SharedOptions.Project project;
    @Mixin SharedOptions.Warehouse warehouse;
    @Mixin SharedOptions.SparkUi sparkUi;

    @Mixin TrainingRun run;
  }

  /**
   * {@code retrain}: the automated retraining pipeline in one Spark run (features, train, promote).
   */
  @Command(
      name = "retrain",
      description = {
        "the retraining pipeline in one Spark session: the feature pipeline over new input, then"
            + " train (the training set rebuilt on the latest features), then promote the version"
            + " through the gate; what 'mlops scheduler' runs for a trigger (submit/retrain)",
        "Exit code 3 when the gate refuses the new version (it stays registered, not promoted)."
      })
  @RunsOn(Engine.SPARK)
  public static final class Retrain {
    @Mixin SharedOptions.Project project;
    @Mixin SharedOptions.Warehouse warehouse;
    @Mixin SharedOptions.SparkUi sparkUi;

    @Mixin TrainingRun run;
  }

  /**
   * The options of a training run ({@code train}, {@code retrain}): the model, who, the trigger.
   */
  public static final class TrainingRun {
    @Option(
        names = "--model",
        required = true,
        paramLabel = "<name>",
        description = "a model of models.yaml")
    String model;

    @Option(
        names = "--by",
        paramLabel = "<who>",
        description = "who asks (default: the OS user); recorded with the run (and a promotion)")
    String by;

    @Option(
        names = "--trigger",
        paramLabel = "<id>",
        description =
            "the retraining trigger that caused this run (set by 'mlops scheduler'); recorded in"
                + " the run's params as trigger_id")
    String trigger;
  }

  /** {@code models}: the registry's models and versions. */
  @Command(
      name = "models",
      description =
          "list models, a model's versions (--model), one version (--version) or two compared"
              + " (--compare a,b)")
  @RunsOn(Engine.SPARK)
  public static final class Models {
    @Mixin SharedOptions.Project project;
    @Mixin SharedOptions.Warehouse warehouse;

    @Option(
        names = "--model",
        paramLabel = "<name>",
        description = "a model of the registry (default: list all models)")
    String model;

    @Option(
        names = "--version",
        paramLabel = "<n>",
        converter = SharedOptions.PositiveInt.class,
        description = "show this registered version of --model")
    Integer version;

    @Option(
        names = "--compare",
        paramLabel = "<a,b>",
        description = "two versions of --model side by side: metrics, params, inputs")
    String compare;
  }

  /** {@code promote}: promotes a version through the gate. */
  @Command(
      name = "promote",
      description =
          "promote a version to production through the gate (exit 3 when it refuses), or skip the"
              + " gate with --force --reason")
  @RunsOn(Engine.SPARK)
  public static final class Promote {
    @Mixin SharedOptions.Project project;
    @Mixin SharedOptions.Warehouse warehouse;

    @Option(
        names = "--model",
        required = true,
        paramLabel = "<name>",
        description = "a model of the registry")
    String model;

    @Option(
        names = "--version",
        required = true,
        paramLabel = "<n|latest>",
        converter = SharedOptions.VersionOrLatest.class,
        description = "the registered version to promote, or latest (the newest registered)")
    Integer version;

    @Option(
        names = "--reason",
        paramLabel = "<text>",
        description = "why; recorded in the audit trail (needed with --force)")
    String reason;

    @Option(
        names = "--to",
        paramLabel = "<stage>",
        description =
            "with --force: production (champion), staging, archived or none; default: production")
    String to;

    @Option(
        names = "--by",
        paramLabel = "<who>",
        description = "who asks (default: the OS user); recorded in the audit trail")
    String by;

    @Option(names = "--force", description = "skip the gate (needs --reason)")
    boolean force;
  }

  /** {@code demote}: moves a version out of production. */
  @Command(
      name = "demote",
      description = "move a version out of production (--to staging|archived|none) with a reason")
  @RunsOn(Engine.SPARK)
  public static final class Demote {
    @Mixin SharedOptions.Project project;
    @Mixin SharedOptions.Warehouse warehouse;

    @Option(
        names = "--model",
        required = true,
        paramLabel = "<name>",
        description = "a model of the registry")
    String model;

    @Option(
        names = "--version",
        required = true,
        paramLabel = "<n>",
        converter = SharedOptions.PositiveInt.class,
        description = "the registered version to demote")
    Integer version;

    @Option(
        names = "--reason",
        required = true,
        paramLabel = "<text>",
        description = "why; recorded in the audit trail")
    String reason;

    @Option(
        names = "--to",
        paramLabel = "<stage>",
        description = "staging, archived or none; default: archived")
    String to;

    @Option(
        names = "--by",
        paramLabel = "<who>",
        description = "who asks (default: the OS user); recorded in the audit trail")
    String by;
  }

  /** {@code runs}: the metadata store's runs. */
  @Command(
      name = "runs",
      description = "list runs of the metadata store, or show one with its tasks (--run <id>)")
  @RunsOn(Engine.SPARK)
  public static final class Runs {
    @Mixin SharedOptions.Project project;
    @Mixin SharedOptions.Warehouse warehouse;

    @Option(
        names = "--run",
        paramLabel = "<id>",
        description = "show this run and its tasks (see the list)")
    String run;

    @Option(
        names = "--limit",
        paramLabel = "<n>",
        defaultValue = "20",
        converter = SharedOptions.PositiveInt.class,
        description = "how many runs to list; default: 20")
    Integer limit;
  }

  /** {@code reproduce}: retrains a run and compares predictions. */
  @Command(
      name = "reproduce",
      description =
          "retrain a run from its recorded config and Delta versions and compare predictions"
              + " (exit 1 when they differ)")
  @RunsOn(Engine.SPARK)
  public static final class Reproduce {
    @Mixin SharedOptions.Project project;
    @Mixin SharedOptions.Warehouse warehouse;
    @Mixin SharedOptions.SparkUi sparkUi;

    @Option(
        names = "--run",
        required = true,
        paramLabel = "<id>",
        description = "the run id of a train run (see 'mlops runs')")
    String run;
  }

  /** {@code sql}: a SQL query on the project's tables. */
  @Command(
      name = "sql",
      description = {
        "run a SQL query on the project's tables (registered by name in the catalog)",
        "Tables: <database>.<feature view>, <database>.events_<source>,"
            + " <database>.quarantine_<source>, <database>.training_<name>,"
            + " <database>.lakeops_runs, <database>.predictions_<model>,"
            + " <database>.batch_predictions_<model>"
      })
  @RunsOn(Engine.SPARK)
  public static final class Sql {
    @Mixin SharedOptions.Project project;
    @Mixin SharedOptions.Warehouse warehouse;

    @Option(
        names = "--query",
        required = true,
        paramLabel = "<sql>",
        description =
            "the query, e.g. \"SELECT * FROM cdnow.customer_spend VERSION AS OF 0 LIMIT 5\"")
    String query;
  }

  /** {@code materialize}: the latest offline rows into the online store. */
  @Command(
      name = "materialize",
      description = {
        "write the latest offline feature rows of each key to the online store",
        "Idempotent: a stored row is replaced only by one with an event time at or after it."
      })
  @RunsOn(Engine.SPARK)
  public static final class Materialize {
    @Mixin SharedOptions.Project project;
    @Mixin SharedOptions.Warehouse warehouse;
    @Mixin SharedOptions.SparkUi sparkUi;

    @Option(
        names = "--view",
        paramLabel = "<name>",
        description = "materialize only this feature view (default: all of them)")
    String view;

    @Mixin SharedOptions.OnlineStore onlineStore;
    @Mixin SharedOptions.AsOf asOf;
  }

  /** {@code batch-score}: batch inference with a registered model version (Spark). */
  @Command(
      name = "batch-score",
      description = {
        "score a feature view, a training set or any Delta table with a registered model version"
            + " (Spark; the production version unless --version), with the scorer serving uses",
        "Predictions go to <warehouse>/<database>/batch_predictions/<name> (<db>.batch_predictions_"
            + "<name>) with the model's name and version and the input's Delta version; rows that"
            + " cannot be scored (missing feature views by the model's on_missing_features policy,"
            + " values the model rejects) go to dead_letter/batch_score_<name> with the reason."
            + " Idempotent: scoring the same input version with the same model version again"
            + " replaces its rows in both tables."
      })
  @RunsOn(Engine.SPARK)
  public static final class BatchScore {
    @Mixin SharedOptions.Project project;
    @Mixin SharedOptions.Warehouse warehouse;
    @Mixin SharedOptions.SparkUi sparkUi;

    @Option(
        names = "--model",
        required = true,
        paramLabel = "<name>",
        description = "a model of the registry")
    String model;

    @Option(
        names = "--version",
        paramLabel = "<n>",
        converter = SharedOptions.PositiveInt.class,
        description = "the registered version to score with; default: the production version")
    Integer version;

    @Option(
        names = "--feature-view",
        paramLabel = "<name>",
        description = "score every row of this feature view's offline table")
    String featureView;

    @Option(
        names = "--training-set",
        paramLabel = "<name>",
        description =
            "score every row of this training set (one of --feature-view, --training-set, --table)")
    String trainingSet;

    @Option(
        names = "--table",
        paramLabel = "<path|db.table>",
        description =
            "score every row of this Delta table (a path, a Hadoop URI or a catalog name); it must"
                + " hold the model's input columns")
    String table;

    @Option(
        names = "--input-version",
        paramLabel = "<n>",
        description = "score this Delta version of the input (time travel); default: the latest")
    Long inputVersion;

    @Option(
        names = "--name",
        paramLabel = "<name>",
        description = "the output tables' name; default: the model's name")
    String name;
  }

  // ---------------------------------------------------------------- Flink commands

  /** {@code online-store}: the online-store job; {@code online-store get} reads a key. */
  @Command(
      name = "online-store",
      description = {
        "keep the online store fresh from an event stream (Flink); 'get' reads an entity's features",
        "The source's feature views are computed on files under --input (default: the source's"
            + " path, watched for new files) or a Kafka topic, and written to the online store."
            + " Rejected records go to <warehouse>/<database>/_online/dead_letter/<job>/ (or a"
            + " topic)."
      },
      subcommands = {MlopsCommand.OnlineStore.Get.class})
  @RunsOn(Engine.FLINK)
  public static final class OnlineStore {
    @Mixin SharedOptions.Project project;
    @Mixin SharedOptions.Warehouse warehouse;

    @Option(
        names = "--source",
        paramLabel = "<name>",
        description = "the source whose feature views to compute (needed when several have views)")
    String source;

    @Option(
        names = "--input",
        paramLabel = "<dir|file>",
        converter = SharedOptions.Location.class,
        description = "read these files instead of the source's path")
    String input;

    @Mixin SharedOptions.KafkaBootstrap kafkaBootstrap;

    @Mixin SharedOptions.InputTopic topic;

    @Option(
        names = "--group-id",
        paramLabel = "<id>",
        description = "the Kafka consumer group; default: lakeops-online-<project>")
    String groupId;

    @Option(
        names = "--format",
        paramLabel = "<csv|jsonl>",
        description =
            "the records' format in the --input files or on the topic; default: the source's"
                + " format (jsonl records may carry an explicit event_time, which a row-index"
                + " source streamed in several files or through Kafka needs)")
    String format;

    @Option(
        names = "--discovery-interval",
        paramLabel = "<duration>",
        converter = SharedOptions.PositiveDuration.class,
        description = "how often a watched input directory is listed for new files; default: 5s")
    java.time.Duration discoveryInterval;

    @Option(
        names = "--flush-interval",
        paramLabel = "<duration>",
        converter = SharedOptions.NonNegativeDuration.class,
        description =
            "the longest a computed row waits in the store writer's batch before it is written"
                + " (feature freshness); 0s writes only full batches and at checkpoints; default:"
                + " 200ms")
    java.time.Duration flushInterval;

    @Mixin SharedOptions.OnlineStore onlineStore;

    @Mixin SharedOptions.Once once;

    @Option(
        names = "--out-of-orderness",
        paramLabel = "<duration>",
        converter = SharedOptions.NonNegativeDuration.class,
        description =
            "how late an event may come (0s, 10s, 5m, 1h, 7d); default: 1h, unlimited with --once")
    Duration outOfOrderness;

    @Mixin SharedOptions.CheckpointInterval checkpointInterval;

    @Mixin SharedOptions.Parallelism parallelism;

    @Option(
        names = "--dead-letter-topic",
        paramLabel = "<topic>",
        description = "send rejected records to this Kafka topic (needs --kafka-bootstrap)")
    String deadLetterTopic;

    @Option(
        names = "--feature-log",
        paramLabel = "<dir>",
        converter = SharedOptions.Location.class,
        description = "also write every computed feature row as JSON lines under this directory")
    String featureLog;

    @Mixin SharedOptions.FlinkConf flinkConf;

    @Option(
        names = "--job-name",
        paramLabel = "<name>",
        description = "the job's name; default: online_store_<source>")
    String jobName;

    /** {@code online-store get <entity-key>}. */
    @Command(
        name = "get",
        description =
            "print each feature view's features of one entity key as of --as-of (default now):"
                + " windows aggregated over (as-of - window, as-of], the latest event at or before"
                + " it, the view's TTL; or why there is none (no row at or before, expired, history"
                + " does not reach back)")
    @RunsOn(Engine.FLINK)
    public static final class Get {
      @Parameters(
          arity = "1..*",
          paramLabel = "<entity-key>",
          description =
              "the entity key as stored, e.g. 00003 (an integer key's digits: 7; a date key:"
                  + " 2024-01-31); for a composite key (join_keys in entities.yaml) its parts in"
                  + " order with --entity, e.g. --entity store_product S1 7, or its stored text"
                  + " [\"S1\",\"7\"]")
      java.util.List<String> key;

      @Mixin SharedOptions.Project project;
      @Mixin SharedOptions.Warehouse warehouse;
      @Mixin SharedOptions.OnlineStore onlineStore;

      @Option(
          names = "--entity",
          paramLabel = "<name>",
          description = "read only this entity's views (default: every view)")
      String entity;

      @Mixin SharedOptions.AsOf asOf;
    }
  }

  /** {@code serve}: streaming inference with the production model. */
  @Command(
      name = "serve",
      description = {
        "streaming inference (Flink) with a model's production version, hot-swapped on promotion",
        "Events are JSON lines in a watched directory (--input) or a Kafka topic (--topic); one of"
            + " them is needed. Predictions go to <warehouse>/<database>/predictions/<model>, unscorable events to"
            + " dead_letter/serve_<model>."
      })
  @RunsOn(Engine.FLINK)
  public static final class Serve {
    @Mixin SharedOptions.Project project;

    @Option(
        names = "--model",
        required = true,
        paramLabel = "<name>",
        description = "a model of models.yaml with a production version")
    String model;

    @Mixin SharedOptions.Warehouse warehouse;

    @Option(
        names = "--input",
        paramLabel = "<dir>",
        converter = SharedOptions.Location.class,
        description = "a directory of JSON-lines event files, watched for new files")
    String input;

    @Mixin SharedOptions.KafkaBootstrap kafkaBootstrap;

    @Mixin SharedOptions.InputTopic topic;

    @Option(
        names = "--output-topic",
        paramLabel = "<topic>",
        description = "also write predictions to this topic (Kafka transactions, exactly once)")
    String outputTopic;

    @Mixin SharedOptions.OnlineStore onlineStore;

    @Option(
        names = "--model-poll-interval",
        paramLabel = "<duration>",
        converter = SharedOptions.PositiveDuration.class,
        description = "how often the registry is read for a new production version; default: 10s")
    Duration modelPollInterval;

    @Option(
        names = "--discovery-interval",
        paramLabel = "<duration>",
        converter = SharedOptions.PositiveDuration.class,
        description = "how often the --input directory is listed for new files; default: 1s")
    Duration discoveryInterval;

    @Mixin SharedOptions.CheckpointInterval checkpointInterval;

    @Mixin SharedOptions.Parallelism parallelism;

    @Mixin SharedOptions.Once once;

    @Mixin SharedOptions.FlinkConf flinkConf;

    @Mixin SharedOptions.Recovery recovery;
  }

  /** {@code scheduler}: retraining runs from triggers, cron and new feature data. */
  @Command(
      name = "scheduler",
      description = {
        "start retraining runs from the monitoring triggers (<database>.lakeops_triggers), the cron"
            + " schedule and new feature data of monitoring.yaml; one run per trigger, one at a"
            + " time per model",
        "Each run is its own process (default: submit/retrain: train, then promote of the version"
            + " it registered; monitoring.yaml's scheduler.retrain to change it). State:"
            + " <database>.lakeops_scheduler; killed and restarted, the scheduler adopts the runs"
            + " still going and runs no trigger twice."
      })
  @RunsOn(Engine.FLINK)
  public static final class Scheduler {
    @Mixin SharedOptions.Project project;
    @Mixin SharedOptions.Warehouse warehouse;

    @Option(
        names = "--once",
        description =
            "run what is pending now (and the latest missed cron time), wait for the runs to end,"
                + " then stop")
    boolean once;

    @Option(
        names = "--poll-interval",
        paramLabel = "<duration>",
        converter = SharedOptions.PositiveDuration.class,
        description = "how often the trigger table and the runs are looked at; default: 10s")
    Duration pollInterval;

    @Option(
        names = "--runs-dir",
        paramLabel = "<dir>",
        converter = SharedOptions.Location.class,
        description =
            "a local directory for the runs' logs, pids and exit codes; default:"
                + " <warehouse>/<database>/_lakeops/scheduler_runs (a local warehouse), else"
                + " ./scheduler_runs/<database>")
    String runsDir;
  }

  /** {@code monitor}: drift and live accuracy of a served model (Flink). */
  @Command(
      name = "monitor",
      description = {
        "monitor a served model (Flink): drift of its inputs and predictions, and live accuracy"
            + " once the delayed labels come",
        "Predictions are the serving job's log <warehouse>/<database>/predictions/<model> (followed"
            + " as it grows) or its output topic (--prediction-topic); labels are CSV files with a"
            + " header in a watched directory (--labels) or JSON objects on a topic (--label-topic)."
            + " Statistics go to the Delta tables <db>.drift_<model> and <db>.performance_<model>"
            + " and to Flink's metrics (--prometheus-port); malformed labels to"
            + " <warehouse>/<database>/dead_letter/monitor_<model>."
      })
  @RunsOn(Engine.FLINK)
  public static final class Monitor {
    @Mixin SharedOptions.Project project;

    @Option(
        names = "--model",
        required = true,
        paramLabel = "<name>",
        description = "a model of models.yaml that is served")
    String model;

    @Mixin SharedOptions.Warehouse warehouse;

    @Option(
        names = "--window",
        paramLabel = "<duration>",
        converter = SharedOptions.PositiveDuration.class,
        description = "the event-time window's size, e.g. 1h or 1d (needed)")
    Duration window;

    @Option(
        names = "--slide",
        paramLabel = "<duration>",
        converter = SharedOptions.PositiveDuration.class,
        description = "how far sliding windows start apart; default: the window (tumbling)")
    Duration slide;

    @Option(
        names = "--label-ttl",
        paramLabel = "<duration>",
        converter = SharedOptions.PositiveDuration.class,
        description =
            "how long (event time) a prediction waits for its label before it counts as expired,"
                + " and a label for its prediction, e.g. 7d (needed)")
    Duration labelTtl;

    @Option(
        names = "--labels",
        paramLabel = "<dir>",
        converter = SharedOptions.Location.class,
        description = "a directory of CSV label files (with a header), watched for new files")
    String labels;

    @Option(
        names = "--label-topic",
        paramLabel = "<topic>",
        description = "read labels (JSON objects) from this topic")
    String labelTopic;

    @Option(
        names = "--label-event-id",
        paramLabel = "<column>",
        description = "the label column holding the prediction's event id; default: event_id")
    String labelEventId;

    @Option(
        names = "--label-column",
        paramLabel = "<column>",
        description = "the label column holding the true value; default: label")
    String labelColumn;

    @Option(
        names = "--prediction-topic",
        paramLabel = "<topic>",
        description = "read predictions from the serving job's output topic instead of its log")
    String predictionTopic;

    @Mixin SharedOptions.KafkaBootstrap kafkaBootstrap;

    @Option(
        names = "--max-out-of-orderness",
        paramLabel = "<duration>",
        converter = SharedOptions.NonNegativeDuration.class,
        description = "how far a prediction may come behind the latest one; default: 5s")
    Duration maxOutOfOrderness;

    @Mixin SharedOptions.CheckpointInterval checkpointInterval;

    @Option(
        names = "--prometheus-port",
        paramLabel = "<port[-port]>",
        description =
            "serve the metrics for Prometheus on this port (or the first free one of a range)")
    String prometheusPort;

    @Mixin SharedOptions.Parallelism parallelism;

    @Mixin SharedOptions.Once once;

    @Mixin SharedOptions.FlinkConf flinkConf;
    @Mixin SharedOptions.Recovery recovery;
  }

  /** {@code report}: one static HTML page of a model's monitoring tables. */
  @Command(
      name = "report",
      description = {
        "write one static HTML page of a model's monitoring: drift statistics per feature, live"
            + " accuracy and kappa-temporal against the no-change baseline, the versions in service"
            + " and the triggers over time, and the latest window's breaches",
        "The page opens offline (its plotting library is inlined). It reads drift_<model>,"
            + " performance_<model>, lakeops_triggers and the registry with Delta Kernel; a table"
            + " that does not exist yet is named on the page in place of its plots."
      })
  @RunsOn(Engine.FLINK)
  public static final class Report {
    @Mixin SharedOptions.Project project;

    @Option(
        names = "--model",
        required = true,
        paramLabel = "<name>",
        description = "a model of models.yaml")
    String model;

    @Mixin SharedOptions.Warehouse warehouse;

    @Option(
        names = "--out",
        paramLabel = "<file>",
        converter = SharedOptions.Location.class,
        description =
            "the HTML file to write; default: <warehouse>/<database>/reports/<model>.html")
    String out;
  }

  /** {@code pipeline run|resume|status}: the DAGs of a project's pipelines.yaml. */
  @Command(
      name = "pipeline",
      description = {
        "run a pipeline of the project's pipelines.yaml (a DAG of tasks, each its own process),"
            + " resume a run whose runner stopped, or show runs",
        "State: <warehouse>/<database>/_lakeops/pipeline_runs/<run id>/state.json (a local"
            + " warehouse; else ./pipeline_runs/<database>/<run id>); each task's start, end, status,"
            + " attempt, exit code and log go to <database>.lakeops_tasks, each run to"
            + " <database>.lakeops_runs."
      },
      subcommands = {
        MlopsCommand.Pipeline.Run.class,
        MlopsCommand.Pipeline.Resume.class,
        MlopsCommand.Pipeline.Status.class,
        MlopsCommand.Pipeline.ExportDatabricks.class
      })
  @RunsOn(Engine.FLINK)
  public static final class Pipeline {
    /**
     * Where a pipeline's Spark tasks run: {@code --spark-master} sends them through {@code
     * submit/spark-submit} to that master (with {@code --spark-conf} and {@code --delta}); without
     * it they run on the embedded default.
     */
    public static final class SparkMaster {
      @Option(
          names = "--spark-master",
          paramLabel = "<url>",
          description =
              "run the Spark tasks on this master through submit/spark-submit (spark://host:7077,"
                  + " yarn, k8s://..., local[4]; SPARK_HOME must name the Spark installation);"
                  + " default: each task on the embedded default (local[*])")
      String master;

      @Option(
          names = "--spark-conf",
          paramLabel = "<key=value>",
          converter = SharedOptions.KeyValue.class,
          description = "a Spark property for the Spark tasks (repeatable); needs --spark-master")
      java.util.List<String> conf;

      @Option(
          names = "--delta",
          paramLabel = "<mode>",
          converter = SharedOptions.DeltaMode.class,
          description =
              "how Delta Lake reaches the cluster: packages (from Maven Central, the default),"
                  + " jars (this build's, no network), provided (the cluster has it)")
      String delta;
    }

    /** {@code pipeline run}. */
    @Command(
        name = "run",
        description = {
          "run a pipeline: tasks in dependency order, independent ones side by side (at most"
              + " max_parallel), retries with backoff, timeouts; a failed task stops its dependents,"
              + " not the other branches",
          "Exit code 0 when every task succeeded (or was skipped by its run_if), 1 otherwise."
        })
    @RunsOn(Engine.FLINK)
    public static final class Run {
      @Mixin SharedOptions.Project project;
      @Mixin SharedOptions.Warehouse warehouse;
      @Mixin SparkMaster sparkMaster;

      @Option(
          names = "--pipeline",
          required = true,
          paramLabel = "<name>",
          description = "a pipeline of pipelines.yaml")
      String pipeline;

      @Option(
          names = "--run-id",
          paramLabel = "<id>",
          description = "the new run's id; default: <pipeline>-<UTC time>-<random>")
      String runId;

      @Option(
          names = "--max-parallel",
          paramLabel = "<n>",
          converter = SharedOptions.PositiveInt.class,
          description = "at most this many tasks at once; default: the pipeline's max_parallel")
      Integer maxParallel;
    }

    /** {@code pipeline resume}. */
    @Command(
        name = "resume",
        description = {
          "continue a run whose runner stopped (killed, machine restarted) or that failed: task"
              + " processes still running are adopted; the failed and unfinished tasks run again"
              + " with everything downstream of them; succeeded tasks do not",
          "Exit code 0 when every task succeeded (or was skipped by its run_if), 1 otherwise."
        })
    @RunsOn(Engine.FLINK)
    public static final class Resume {
      @Mixin SharedOptions.Project project;
      @Mixin SharedOptions.Warehouse warehouse;
      @Mixin SparkMaster sparkMaster;

      @Option(
          names = "--run",
          required = true,
          paramLabel = "<id>",
          description = "the run to continue (see 'mlops pipeline status')")
      String run;

      @Option(
          names = "--max-parallel",
          paramLabel = "<n>",
          converter = SharedOptions.PositiveInt.class,
          description = "at most this many tasks at once; default: the pipeline's max_parallel")
      Integer maxParallel;
    }

    /** {@code pipeline status}. */
    @Command(
        name = "status",
        description =
            "list the pipeline runs, or show one run's tasks (--run): status, attempts, exit code,"
                + " times and log")
    @RunsOn(Engine.FLINK)
    public static final class Status {
      @Mixin SharedOptions.Project project;
      @Mixin SharedOptions.Warehouse warehouse;

      @Option(
          names = "--run",
          paramLabel = "<id>",
          description = "show this run's tasks (default: list the runs)")
      String run;
    }

    /** {@code pipeline export-databricks}. */
    @Command(
        name = "export-databricks",
        description = {
          "write a pipeline as a Databricks multi-task job (the Jobs API's jobs/create JSON, built"
              + " with the Databricks SDK's types): one spark_jar_task per task on one job cluster,"
              + " with depends_on, run_if, max_retries, min_retry_interval_millis and"
              + " timeout_seconds",
          "Command tasks cannot be exported. Create the job with the Databricks CLI"
              + " (databricks jobs create --json @<file>), or with --submit."
        })
    @RunsOn(Engine.FLINK)
    public static final class ExportDatabricks {
      @Mixin SharedOptions.Project project;

      @Option(
          names = "--pipeline",
          required = true,
          paramLabel = "<name>",
          description = "a pipeline of pipelines.yaml")
      String pipeline;

      @Option(
          names = "--out",
          paramLabel = "<file>",
          converter = SharedOptions.Location.class,
          description = "write the JSON to this file (default: standard output)")
      String out;

      @Option(
          names = "--remote-project",
          paramLabel = "<path>",
          defaultValue = "/Workspace/Shared/lakeops/project",
          description = "the project directory as the cluster sees it; default: ${DEFAULT-VALUE}")
      String remoteProject;

      @Option(
          names = "--remote-warehouse",
          paramLabel = "<uri>",
          defaultValue = "dbfs:/lakeops/warehouse",
          description = "the warehouse as the cluster sees it; default: ${DEFAULT-VALUE}")
      String remoteWarehouse;

      @Option(
          names = "--spark-jar",
          paramLabel = "<uri>",
          defaultValue = "dbfs:/lakeops/jars/lakeops-spark-jobs.jar",
          description = "the Spark jobs' jar as the cluster sees it; default: ${DEFAULT-VALUE}")
      String sparkJar;

      @Option(
          names = "--flink-jar",
          paramLabel = "<uri>",
          defaultValue = "dbfs:/lakeops/jars/lakeops-flink-jobs.jar",
          description =
              "the Flink jobs' jar (monitor-report tasks) as the cluster sees it; default:"
                  + " ${DEFAULT-VALUE}")
      String flinkJar;

      @Option(
          names = "--spark-version",
          paramLabel = "<runtime>",
          defaultValue = "17.3.x-scala2.13",
          description = "the job cluster's Databricks runtime; default: ${DEFAULT-VALUE}")
      String sparkVersion;

      @Option(
          names = "--node-type",
          paramLabel = "<id>",
          defaultValue = "i3.xlarge",
          description = "the job cluster's node type; default: ${DEFAULT-VALUE}")
      String nodeType;

      @Option(
          names = "--workers",
          paramLabel = "<n>",
          defaultValue = "2",
          converter = SharedOptions.PositiveInt.class,
          description = "the job cluster's workers; default: ${DEFAULT-VALUE}")
      Integer workers;

      @Option(
          names = "--schedule",
          paramLabel = "<quartz cron>",
          description =
              "run on this Quartz cron schedule (UTC), e.g. \"0 0 3 * * ?\"; default: none")
      String schedule;

      @Option(
          names = "--submit",
          description =
              "create the job in the workspace (or update the job of the same name) and start a"
                  + " run, through the Databricks SDK; credentials from DATABRICKS_HOST and"
                  + " DATABRICKS_TOKEN or ~/.databrickscfg")
      boolean submit;

      @Option(
          names = "--idempotency-token",
          paramLabel = "<token>",
          description =
              "the run's idempotency token (at most 64 characters): a submit retried with it"
                  + " starts no second run; default: lakeops- and a hash of the job's JSON")
      String idempotencyToken;
    }
  }

  // ---------------------------------------------------------------- either jar

  /** {@code help [command...]}: the help of a command, as {@code mlops <command> --help}. */
  @Command(
      name = "help",
      helpCommand = true,
      description = "show the help of a command: mlops help online-store get")
  @RunsOn(Engine.ANY)
  public static final class Help implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        paramLabel = "<command>",
        arity = "0..*",
        description = "the command (and subcommand) to describe; default: all of mlops")
    java.util.List<String> command = new java.util.ArrayList<>();

    @Override
    public void run() {
      CommandLine target = spec.root().commandLine();
      for (String name : command) {
        CommandLine sub = target.getSubcommands().get(name);
        if (sub == null) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "unknown command '"
                  + String.join(" ", command)
                  + "'; the commands are "
                  + String.join(", ", spec.root().subcommands().keySet())
                  + ".");
        }
        target = sub;
      }
      target.usage(spec.root().commandLine().getOut());
      spec.root().commandLine().getOut().flush();
    }
  }

  /** {@code demo}: the whole loop on Elec2, on the embedded default. */
  @Command(
      name = "demo",
      description = {
        "run the MLOps loop end to end on Elec2 with nothing installed: features and a first model"
            + " on the first weeks, then the rest replayed (event time kept) through the"
            + " online-store, serving and monitoring jobs with labels arriving after their"
            + " predictions; triggers start retraining runs (scheduler, Spark), the gate decides and"
            + " serving hot-swaps; ends with prequential accuracy, kappa and kappa-temporal of the"
            + " loop, of the first model never retrained and of the no-change baseline, the"
            + " retrainings with their trigger-to-serve times, and the report's path",
        "Everything goes under --dir (made afresh): the project copy, the replayed stream, the"
            + " warehouse and each job's log."
      })
  @RunsOn(Engine.FLINK)
  public static final class Demo {
    @Option(
        names = "--project",
        paramLabel = "<dir>",
        converter = SharedOptions.AbsolutePath.class,
        description =
            "the project to replay (a row-index CSV source, a value label with 'ahead', a"
                + " monitoring.yaml); default: conf/examples/elec2")
    java.nio.file.Path project;

    @Option(
        names = "--dir",
        paramLabel = "<dir>",
        defaultValue = "demo",
        converter = SharedOptions.AbsolutePath.class,
        description = "where the demo writes everything; default: ./demo (replaced if a demo's)")
    java.nio.file.Path dir;

    @Option(
        names = "--initial",
        paramLabel = "<duration>",
        converter = SharedOptions.PositiveDuration.class,
        description = "how much of the stream the first model is trained on; default: 56d")
    java.time.Duration initial;

    @Option(
        names = "--step",
        paramLabel = "<duration>",
        converter = SharedOptions.PositiveDuration.class,
        description =
            "how much event time the replay writes at once (less than the views' online_lookback,"
                + " at most half the labels' ttl); default: 7d")
    java.time.Duration step;

    @Option(
        names = "--sync",
        paramLabel = "<duration>",
        converter = SharedOptions.PositiveDuration.class,
        description =
            "how much event time passes between waits for the monitoring job to catch up (then a"
                + " retraining under way pauses the replay); default: 28d")
    java.time.Duration sync;

    @Option(
        names = "--rows",
        paramLabel = "<n>",
        description = "replay only the first n rows of the source; default: all")
    Integer rows;
  }

  /** {@code generate-completion}: a bash/zsh completion script for {@code mlops}. */
  @Command(
      name = "generate-completion",
      description =
          "print a bash/zsh completion script for mlops; use: source <(mlops generate-completion)")
  @RunsOn(Engine.ANY)
  public static final class Completion implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      CommandLine root = spec.root().commandLine();
      String script = AutoComplete.bash(root.getCommandName(), root);
      root.getOut().print(script);
      root.getOut().flush();
    }
  }
}
