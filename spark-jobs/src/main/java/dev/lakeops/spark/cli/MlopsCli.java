package dev.lakeops.spark.cli;

import dev.lakeops.common.cli.CliArgs;
import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.spark.features.FeaturePipeline;
import dev.lakeops.spark.metadata.RunRecord;
import dev.lakeops.spark.session.SparkSessions;
import dev.lakeops.spark.store.Warehouse;
import dev.lakeops.spark.training.TrainingSetBuilder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user's entry point: {@code mlops <command> --project <dir> [--warehouse <path>]}. Exit codes:
 * 0 done, 1 the job failed, 2 the command line or configuration is wrong (nothing was run).
 */
public final class MlopsCli {
  private static final Logger LOG = LoggerFactory.getLogger(MlopsCli.class);
  private static final String DEFAULT_WAREHOUSE = "warehouse";

  private static final Map<String, String> COMMANDS =
      Map.ofEntries(
          Map.entry(
              "train", "train a model from models.yaml, evaluate it and register a new version"),
          Map.entry(
              "runs", "list runs of the metadata store, or show one with its tasks (--run <id>)"),
          Map.entry(
              "models",
              "list models, a model's versions (--model), one (--version) or two compared (--compare a,b)"),
          Map.entry(
              "promote", "promote a version to production through the gate (or --force --reason)"),
          Map.entry(
              "demote",
              "move a version out of production (--to staging|archived|none) with a reason"),
          Map.entry(
              "reproduce",
              "retrain a run from its recorded config and Delta versions and compare predictions"),
          Map.entry("validate", "check a project's configuration; starts no engine"),
          Map.entry(
              "features",
              "run the feature pipeline: validate input, quarantine bad rows, write the offline store"),
          Map.entry(
              "training-set",
              "build point-in-time correct training sets from labels and feature views"),
          Map.entry(
              "sql", "run a SQL query on the project's tables (registered by name in the catalog)"),
          Map.entry(
              "materialize",
              "write the latest offline feature rows of each key to the online store"));

  private static final Map<String, Set<String>> MODEL_OPTIONS =
      Map.of(
          "train", Set.of("--model", "--by"),
          "runs", Set.of("--run", "--limit"),
          "models", Set.of("--model", "--version", "--compare"),
          "promote", Set.of("--model", "--version", "--reason", "--to", "--by"),
          "demote", Set.of("--model", "--version", "--reason", "--to", "--by"),
          "reproduce", Set.of("--run"));

  private final PrintStream out;
  private final PrintStream err;

  public MlopsCli(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(new MlopsCli(System.out, System.err).run(args));
  }

  /** Runs a command line; returns the exit code. */
  public int run(String[] args) {
    if (args.length == 0
        || args[0].equals("-h")
        || args[0].equals("--help")
        || args[0].equals("help")) {
      out.print(usage());
      return args.length == 0 ? 2 : 0;
    }
    String command = args[0];
    try {
      return switch (command) {
        case "validate" -> validate(CliArgs.parse(command, args, 1, Set.of("--project"), Set.of()));
        case "features" ->
            features(
                CliArgs.parse(
                    command,
                    args,
                    1,
                    Set.of("--project", "--warehouse", "--source"),
                    Set.of("--full-refresh")));
        case "training-set" ->
            trainingSet(
                CliArgs.parse(
                    command, args, 1, Set.of("--project", "--warehouse", "--name"), Set.of()));
        case "train", "runs", "models", "promote", "demote", "reproduce" ->
            modelCommand(command, args);
        case "sql" ->
            sql(
                CliArgs.parse(
                    command, args, 1, Set.of("--project", "--warehouse", "--query"), Set.of()));
        case "materialize" ->
            materialize(
                CliArgs.parse(
                    command,
                    args,
                    1,
                    Set.of("--project", "--warehouse", "--view", "--online-store", "--as-of"),
                    Set.of()));
        default -> {
          err.println("error: unknown command '" + command + "'.");
          err.print(usage());
          yield 2;
        }
      };
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.print(help(e.command));
      return 2;
    } catch (ConfigException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (LakeOpsException e) {
      err.println("error: " + e.getMessage());
      LOG.debug("failure", e);
      return 1;
    } catch (Exception e) { // Spark's AnalysisException is a checked exception
      err.println(
          "error: the job failed: "
              + e.getClass().getSimpleName()
              + ": "
              + firstLine(e.getMessage()));
      err.println("(the full stack trace is in the log above)");
      LOG.error("job failed", e);
      return 1;
    }
  }

  private int validate(CliArgs a) {
    if (a.flag("--help")) {
      out.print(help("validate"));
      return 0;
    }
    ProjectConfig p = ProjectLoader.load(Path.of(a.required("--project", "dir")));
    out.printf(
        "%s: valid (%d entities, %d sources, %d feature views with %d features, %d labels, %d training sets)%n",
        p.dir(),
        p.entities().size(),
        p.sources().size(),
        p.featureViews().size(),
        p.featureViews().values().stream().mapToInt(v -> v.features().size()).sum(),
        p.labels().size(),
        p.trainingSets().size());
    return 0;
  }

  private int features(CliArgs a) {
    if (a.flag("--help")) {
      out.print(help("features"));
      return 0;
    }
    ProjectConfig p = ProjectLoader.load(Path.of(a.required("--project", "dir")));
    List<SourceConfig> sources = new ArrayList<>(p.sources().values());
    if (a.option("--source").isPresent()) {
      String name = a.option("--source").get();
      SourceConfig s = p.sources().get(name);
      if (s == null) {
        throw new UsageException(
            "features",
            "unknown source '" + name + "'; the project has " + p.sources().keySet() + ".");
      }
      sources = List.of(s);
    }
    String root = a.option("--warehouse").orElse(DEFAULT_WAREHOUSE);
    Warehouse wh = Warehouse.of(absolute(root), p);
    SparkSession spark = SparkSessions.getOrCreate("lakeops features " + p.name(), wh.root());
    FeaturePipeline pipeline = new FeaturePipeline(spark, p, wh);
    for (SourceConfig s : sources) {
      RunRecord r = pipeline.run(s, a.flag("--full-refresh"));
      out.printf(
          "source %-20s %-11s read %d, written %d, quarantined %d (run %s)%n",
          s.name(), r.status(), r.rowsRead(), r.rowsWritten(), r.rowsQuarantined(), r.runId());
      r.outputs().forEach((t, v) -> out.printf("  %-40s version %d%n", t, v));
    }
    for (FeatureViewConfig v : p.featureViews().values()) {
      out.printf("feature view %-22s -> %s%n", v.name(), wh.featureView(v.name()).path());
    }
    return 0;
  }

  private int trainingSet(CliArgs a) {
    if (a.flag("--help")) {
      out.print(help("training-set"));
      return 0;
    }
    ProjectConfig p = ProjectLoader.load(Path.of(a.required("--project", "dir")));
    List<String> names =
        a.option("--name").map(List::of).orElse(new ArrayList<>(p.trainingSets().keySet()));
    if (names.isEmpty()) {
      throw new UsageException(
          "training-set",
          "the project defines no training sets; add training_sets.yaml (see conf/examples/cdnow).");
    }
    Warehouse wh = Warehouse.of(absolute(a.option("--warehouse").orElse(DEFAULT_WAREHOUSE)), p);
    SparkSession spark = SparkSessions.getOrCreate("lakeops training-set " + p.name(), wh.root());
    TrainingSetBuilder builder = new TrainingSetBuilder(spark, p, wh);
    for (String n : names) {
      RunRecord r = builder.build(n);
      out.printf(
          "training set %s: %d rows -> %s (run %s)%n",
          n, r.rowsWritten(), wh.trainingSet(n).name(), r.runId());
      r.inputs().forEach((t, v) -> out.printf("  read %-40s %s%n", t, v));
    }
    return 0;
  }

  private int modelCommand(String command, String[] args) {
    Set<String> valued = new java.util.HashSet<>(MODEL_OPTIONS.get(command));
    valued.addAll(Set.of("--project", "--warehouse"));
    CliArgs a =
        CliArgs.parse(
            command, args, 1, valued, command.equals("promote") ? Set.of("--force") : Set.of());
    if (a.flag("--help")) {
      out.print(help(command));
      return 0;
    }
    ProjectConfig p = ProjectLoader.load(Path.of(a.required("--project", "dir")));
    Warehouse wh = Warehouse.of(absolute(a.option("--warehouse").orElse(DEFAULT_WAREHOUSE)), p);
    if (command.equals("train")) {
      dev.lakeops.spark.training.TrainingJob.spec(
          p, a.required("--model", "model")); // fail before Spark
    }
    SparkSession spark =
        SparkSessions.getOrCreate("lakeops " + command + " " + p.name(), wh.root());
    ModelCommands c = new ModelCommands(out, spark, p, wh);
    return switch (command) {
      case "train" -> c.train(a);
      case "runs" -> c.runs(a);
      case "models" -> c.models(a);
      case "promote" -> c.promote(a);
      case "demote" -> c.demote(a);
      default -> c.reproduce(a);
    };
  }

  private int sql(CliArgs a) {
    if (a.flag("--help")) {
      out.print(help("sql"));
      return 0;
    }
    ProjectConfig p = ProjectLoader.load(Path.of(a.required("--project", "dir")));
    String query = a.required("--query", "SQL");
    Warehouse wh = Warehouse.of(absolute(a.option("--warehouse").orElse(DEFAULT_WAREHOUSE)), p);
    SparkSession spark = SparkSessions.getOrCreate("lakeops sql " + p.name(), wh.root());
    List<String> registered = new dev.lakeops.spark.store.DeltaTables(spark).registerAll(wh, p);
    LOG.info("registered {}", registered);
    out.print(TablePrinter.render(spark.sql(query), 100));
    return 0;
  }

  private int materialize(CliArgs a) {
    if (a.flag("--help")) {
      out.print(help("materialize"));
      return 0;
    }
    ProjectConfig p = ProjectLoader.load(Path.of(a.required("--project", "dir")));
    List<String> views = a.option("--view").map(List::of).orElse(List.of());
    for (String v : views) {
      if (!p.featureViews().containsKey(v)) {
        throw new UsageException(
            "materialize",
            "unknown feature view '" + v + "'; the project has " + p.featureViews().keySet() + ".");
      }
    }
    java.time.Instant asOf = a.option("--as-of").map(MlopsCli::instant).orElse(null);
    dev.lakeops.common.online.OnlineStoreConfig storeConfig =
        a.option("--online-store")
            .map(dev.lakeops.common.online.OnlineStoreConfig::parse)
            .map( // a relative file on the command line is relative to the working directory
                c ->
                    c instanceof dev.lakeops.common.online.OnlineStoreConfig.Embedded e
                            && e.path() != null
                        ? new dev.lakeops.common.online.OnlineStoreConfig.Embedded(
                            absolute(e.path()))
                        : c)
            .orElse(p.onlineStore());
    Warehouse wh = Warehouse.of(absolute(a.option("--warehouse").orElse(DEFAULT_WAREHOUSE)), p);
    // Resolved before Spark starts: a bad store stops here with exit 2.
    dev.lakeops.common.online.OnlineStoreSpec store =
        dev.lakeops.common.online.OnlineStores.spec(storeConfig, wh.root(), p);
    try (dev.lakeops.common.online.OnlineStore s = store.open()) {
      LOG.info("online store {} is reachable", s); // an unreachable store fails before Spark
    }
    SparkSession spark = SparkSessions.getOrCreate("lakeops materialize " + p.name(), wh.root());
    List<RunRecord> runs =
        new dev.lakeops.spark.online.Materializer(spark, p, wh, store).run(views, asOf);
    for (RunRecord r : runs) {
      out.printf(
          "view %-22s %-9s %d keys -> %s (read %s, run %s)%n",
          r.target(),
          r.status(),
          r.rowsWritten(),
          store.describe(),
          String.join(", ", r.inputs().values()),
          r.runId());
    }
    return 0;
  }

  /** An instant for --as-of: ISO-8601 (2024-01-31T00:00:00Z) or a date (end of that day, UTC). */
  private static java.time.Instant instant(String s) {
    try {
      return java.time.Instant.parse(s);
    } catch (java.time.format.DateTimeParseException e) {
      try {
        return java.time.LocalDate.parse(s)
            .plusDays(1)
            .atStartOfDay(java.time.ZoneOffset.UTC)
            .toInstant()
            .minusMillis(1);
      } catch (java.time.format.DateTimeParseException e2) {
        throw new UsageException(
            "materialize",
            "--as-of '"
                + s
                + "' is not a time; write e.g. 1998-06-30T00:00:00Z or 1998-06-30 (end of day, UTC).");
      }
    }
  }

  private static String absolute(String path) {
    if (path.contains("://")) {
      return path;
    }
    return Path.of(path).toAbsolutePath().normalize().toString();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String modelOptionHelp(String command) {
    Map<String, String> text =
        Map.of(
            "--model", "  --model <name>      a model of models.yaml / the registry\n",
            "--version", "  --version <n>       a registered version number\n",
            "--compare",
                "  --compare <a,b>     two versions side by side: metrics, params, inputs\n",
            "--run", "  --run <id>          a run id (see 'mlops runs')\n",
            "--limit", "  --limit <n>         how many runs to list (default 20)\n",
            "--reason",
                "  --reason <text>     why; recorded in the audit trail (required with --force and demote)\n",
            "--to", "  --to <stage>        production (champion), staging, archived or none\n",
            "--by",
                "  --by <who>          who asks (default: the OS user); recorded in the audit trail\n");
    StringBuilder sb = new StringBuilder();
    MODEL_OPTIONS.get(command).stream().sorted().forEach(o -> sb.append(text.get(o)));
    if (command.equals("promote")) {
      sb.append("  --force             skip the gate (needs --reason)\n");
    }
    return sb.toString();
  }

  static String usage() {
    StringBuilder sb = new StringBuilder("Usage: mlops <command> [options]\n\nCommands:\n");
    for (String c :
        List.of(
            "validate",
            "features",
            "training-set",
            "train",
            "models",
            "promote",
            "demote",
            "runs",
            "reproduce",
            "sql",
            "materialize")) {
      sb.append(String.format("  %-14s %s%n", c, COMMANDS.get(c)));
    }
    sb.append("\nRun 'mlops <command> --help' for a command's options.\n");
    return sb.toString();
  }

  static String help(String command) {
    String common =
        "  --project <dir>     the project directory (project.yaml, sources.yaml, ...)\n";
    String warehouse =
        "  --warehouse <path>  the warehouse root: a local path or any Hadoop URI (default: ./warehouse)\n";
    return switch (command) {
      case "validate" ->
          "Usage: mlops validate --project <dir>\n  "
              + COMMANDS.get(command)
              + "\n\nOptions:\n"
              + common;
      case "features" ->
          "Usage: mlops features --project <dir> [--warehouse <path>] [--source <name>] [--full-refresh]\n  "
              + COMMANDS.get(command)
              + "\n\nOptions:\n"
              + common
              + warehouse
              + "  --source <name>     run only this source and its feature views\n"
              + "  --full-refresh      rebuild the source's tables from all input files\n";
      case "training-set" ->
          "Usage: mlops training-set --project <dir> [--warehouse <path>] [--name <training set>]\n  "
              + COMMANDS.get(command)
              + "\n\nOptions:\n"
              + common
              + warehouse
              + "  --name <name>       the training set to build (default: all of them)\n";
      case "sql" ->
          "Usage: mlops sql --project <dir> [--warehouse <path>] --query \"SELECT ...\"\n  "
              + COMMANDS.get(command)
              + "\n  Tables: <database>.<feature view>, <database>.events_<source>,"
              + " <database>.quarantine_<source>, <database>.training_<name>, <database>.lakeops_runs\n"
              + "\nOptions:\n"
              + common
              + warehouse
              + "  --query <sql>       the query, e.g. \"SELECT * FROM cdnow.customer_spend VERSION AS OF 0 LIMIT 5\"\n";
      case "materialize" ->
          "Usage: mlops materialize --project <dir> [--warehouse <path>] [--view <name>]"
              + " [--online-store <uri>] [--as-of <time>]\n  "
              + COMMANDS.get(command)
              + "\n  Idempotent: a stored row is replaced only by one with an event time at or"
              + " after it.\n\nOptions:\n"
              + common
              + warehouse
              + "  --view <name>       materialize only this feature view (default: all of them)\n"
              + "  --online-store <uri> redis://host:port[/key prefix], embedded or"
              + " embedded:/path/file.db\n"
              + "                      (default: online_store in project.yaml, else the embedded"
              + " file <warehouse>/<database>/_online/features.db)\n"
              + "  --as-of <time>      the latest rows at or before this time (ISO-8601, or a date"
              + " for its end, UTC)\n";
      case "train", "runs", "models", "promote", "demote", "reproduce" ->
          "Usage: mlops "
              + command
              + " --project <dir> [--warehouse <path>] "
              + String.join(
                  " ",
                  MODEL_OPTIONS.get(command).stream().sorted().map(o -> "[" + o + " ...]").toList())
              + (command.equals("promote") ? " [--force]" : "")
              + "\n  "
              + COMMANDS.get(command)
              + "\n\nOptions:\n"
              + common
              + warehouse
              + modelOptionHelp(command);
      default -> usage();
    };
  }
}
