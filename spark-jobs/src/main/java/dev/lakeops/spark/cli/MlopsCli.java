package dev.lakeops.spark.cli;

import dev.lakeops.common.cli.Cli;
import dev.lakeops.common.cli.CliArgs;
import dev.lakeops.common.cli.CliFailures;
import dev.lakeops.common.cli.CommandHandler;
import dev.lakeops.common.cli.CommandImplementations;
import dev.lakeops.common.cli.Engine;
import dev.lakeops.common.cli.Human;
import dev.lakeops.common.cli.MlopsCommand;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.SparkErrors;
import dev.lakeops.spark.features.FeaturePipeline;
import dev.lakeops.spark.metadata.RunRecord;
import dev.lakeops.spark.session.SparkSessions;
import dev.lakeops.spark.training.TrainingSetBuilder;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Spark side of {@code mlops}: the implementations of the Spark commands of the one command
 * tree ({@link MlopsCommand}, in {@code common}), run through the one entry point ({@link Cli}).
 * {@code mlops --help} lists every command, the Flink ones too; a Flink command here is named as
 * such (exit 2). Exit codes ({@link CliFailures}): 0 done, 1 the job failed, 2 the command line or
 * configuration is wrong (nothing was run), 3 the promotion gate refused.
 */
public final class MlopsCli implements CommandImplementations {
  private static final Logger LOG = LoggerFactory.getLogger(MlopsCli.class);

  private final PrintStream out;
  private final PrintStream err;
  private SparkProgress progress; // the running Spark command's, or null
  private String uiUrl; // the Spark UI's address with --spark-ui, or null

  /** Prints to {@code System.out}/{@code System.err} (the {@link java.util.ServiceLoader} form). */
  public MlopsCli() {
    this(System.out, System.err);
  }

  public MlopsCli(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(new MlopsCli(System.out, System.err).run(args));
  }

  /** Runs a command line; returns the exit code. */
  public int run(String[] args) {
    return Cli.run(args, out, err, engine(), handlers());
  }

  @Override
  public Engine engine() {
    return Engine.SPARK;
  }

  @Override
  public Map<Class<?>, CommandHandler> handlers() {
    return Map.ofEntries(
        Map.entry(MlopsCommand.Validate.class, this::validate),
        Map.entry(MlopsCommand.Features.class, withSpark(this::features, true)),
        Map.entry(MlopsCommand.TrainingSet.class, withSpark(this::trainingSet, true)),
        Map.entry(MlopsCommand.Train.class, withSpark(this::modelCommand, true)),
        Map.entry(MlopsCommand.Retrain.class, withSpark(this::modelCommand, true)),
        Map.entry(MlopsCommand.Runs.class, this::metadataCommand),
        Map.entry(MlopsCommand.Models.class, this::metadataCommand),
        Map.entry(MlopsCommand.Promote.class, withSpark(this::modelCommand, true)),
        Map.entry(MlopsCommand.Demote.class, withSpark(this::modelCommand, true)),
        Map.entry(MlopsCommand.Reproduce.class, withSpark(this::modelCommand, true)),
        Map.entry(MlopsCommand.Sql.class, withSpark(this::sql, false)),
        Map.entry(MlopsCommand.Materialize.class, withSpark(this::materialize, true)),
        Map.entry(MlopsCommand.BatchScore.class, withSpark(this::batchScore, true)));
  }

  /**
   * The Spark session of a command: with {@code --spark-ui} the web UI is on and its address
   * printed; the command's progress goes to stderr ({@link SparkProgress}) until it ends.
   */
  private SparkSession session(CliArgs a, String appName, String warehouseRoot) {
    boolean ui = a.sparkUi();
    SparkSession spark = SparkSessions.getOrCreate(appName, warehouseRoot, ui);
    if (ui) {
      uiUrl = spark.sparkContext().uiWebUrl().getOrElse(() -> null);
      err.println(
          uiUrl == null
              ? "Spark UI: off (the session was already running without it)"
              : "Spark UI: " + uiUrl);
    }
    progress = SparkProgress.attach(spark.sparkContext(), err);
    return spark;
  }

  /**
   * A Spark command that ends with how long it took (unless {@code summary} is false: sql prints
   * only its result), stops printing progress, and with {@code --spark-ui} on a terminal keeps the
   * UI up until Enter.
   */
  private CommandHandler withSpark(CommandHandler command, boolean summary) {
    return a -> {
      long started = System.currentTimeMillis();
      try {
        int code = command.run(a);
        if (summary && progress != null) {
          out.printf(
              "%s done in %s%n", a.command, Human.elapsed(System.currentTimeMillis() - started));
        }
        return code;
      } finally {
        if (progress != null) {
          progress.close();
          progress = null;
        }
        if (uiUrl != null && System.console() != null) {
          err.println("Spark UI stays up at " + uiUrl + "; press Enter to end.");
          System.console().readLine();
        }
        uiUrl = null;
      }
    };
  }

  private int validate(CliArgs a) {
    ProjectConfig p = ProjectLoader.load(a.project());
    out.printf(
        "%s: valid (%s, %s, %s with %s, %s, %s)%n",
        p.dir(),
        Human.count(p.entities().size(), "entity", "entities"),
        Human.count(p.sources().size(), "source"),
        Human.count(p.featureViews().size(), "feature view"),
        Human.count(
            p.featureViews().values().stream().mapToInt(v -> v.features().size()).sum(), "feature"),
        Human.count(p.labels().size(), "label"),
        Human.count(p.trainingSets().size(), "training set"));
    if (p.monitoring().isPresent()) {
      out.printf(
          "%s: valid (%s with %s)%n",
          p.monitoring().file(),
          Human.count(p.monitoring().models().size(), "monitored model"),
          Human.count(
              p.monitoring().models().values().stream().mapToInt(m -> m.rules().size()).sum(),
              "trigger rule"));
    }
    if (p.pipelines().isPresent()) {
      out.printf(
          "%s: valid (%s with %s)%n",
          p.pipelines().file(),
          Human.count(p.pipelines().pipelines().size(), "pipeline"),
          Human.count(
              p.pipelines().pipelines().values().stream().mapToInt(x -> x.tasks().size()).sum(),
              "task"));
    }
    return 0;
  }

  private int features(CliArgs a) {
    ProjectConfig p = ProjectLoader.load(a.project());
    List<SourceConfig> sources = new ArrayList<>(p.sources().values());
    if (a.option("--source").isPresent()) {
      String name = a.option("--source").get();
      SourceConfig s = p.sources().get(name);
      if (s == null) {
        throw SparkErrors.unknownSource(name, p.sources().keySet());
      }
      sources = List.of(s);
    }
    Warehouse wh = Warehouse.of(a.warehouse(), p);
    SparkSession spark = session(a, "lakeops features " + p.name(), wh.root());
    runFeatures(spark, p, wh, sources, a.flag("--full-refresh"));
    return 0;
  }

  /** The feature pipeline over {@code sources} (new input only unless {@code fullRefresh}). */
  private void runFeatures(
      SparkSession spark,
      ProjectConfig p,
      Warehouse wh,
      List<SourceConfig> sources,
      boolean fullRefresh) {
    FeaturePipeline pipeline = new FeaturePipeline(spark, p, wh);
    for (SourceConfig s : sources) {
      RunRecord r = pipeline.run(s, fullRefresh);
      out.printf(
          "source %-20s %-11s read %d, written %d, quarantined %d (run %s)%n",
          s.name(), r.status(), r.rowsRead(), r.rowsWritten(), r.rowsQuarantined(), r.runId());
      r.outputs().forEach((t, v) -> out.printf("  %-40s version %d%n", t, v));
    }
    for (FeatureViewConfig v : p.featureViews().values()) {
      out.printf("feature view %-22s -> %s%n", v.name(), wh.featureView(v.name()).path());
    }
  }

  private int trainingSet(CliArgs a) {
    ProjectConfig p = ProjectLoader.load(a.project());
    List<String> names =
        a.option("--name").map(List::of).orElse(new ArrayList<>(p.trainingSets().keySet()));
    if (names.isEmpty()) {
      throw SparkErrors.noTrainingSets();
    }
    Warehouse wh = Warehouse.of(a.warehouse(), p);
    SparkSession spark = session(a, "lakeops training-set " + p.name(), wh.root());
    TrainingSetBuilder builder = new TrainingSetBuilder(spark, p, wh);
    for (String n : names) {
      RunRecord r = builder.build(n);
      out.printf(
          "training set %s: %s -> %s (run %s)%n",
          n, Human.count(r.rowsWritten(), "row"), wh.trainingSet(n).name(), r.runId());
      r.inputs().forEach((t, v) -> out.printf("  read %-40s %s%n", t, v));
    }
    return 0;
  }

  private int modelCommand(CliArgs a) {
    String command = a.command;
    ProjectConfig p = ProjectLoader.load(a.project());
    Warehouse wh = Warehouse.of(a.warehouse(), p);
    // Checks before Spark starts: a wrong name fails at once with exit 2.
    switch (command) {
      case "train", "retrain" ->
          dev.lakeops.spark.training.TrainingJob.spec(p, a.required("--model", "model"));
      case "promote", "demote" -> new MetadataCommands(out, wh).checkVersion(a);
      case "reproduce" -> new MetadataCommands(out, wh).checkReproducible(a);
      default -> {}
    }
    SparkSession spark = session(a, "lakeops " + command + " " + p.name(), wh.root());
    ModelCommands c = new ModelCommands(out, spark, p, wh);
    if (command.equals("retrain")) { // the feature pipeline first: the new input is in the set
      runFeatures(spark, p, wh, new ArrayList<>(p.sources().values()), false);
    }
    return switch (command) {
      case "train" -> c.train(a);
      case "retrain" -> c.retrain(a);
      case "promote" -> c.promote(a);
      case "demote" -> c.demote(a);
      default -> c.reproduce(a);
    };
  }

  /**
   * {@code models} and {@code runs}: read with Delta Kernel ({@link MetadataCommands}); no Spark
   * session starts.
   */
  private int metadataCommand(CliArgs a) {
    ProjectConfig p = ProjectLoader.load(a.project());
    MetadataCommands c = new MetadataCommands(out, Warehouse.of(a.warehouse(), p));
    return a.command.equals("models") ? c.models(a) : c.runs(a);
  }

  private int sql(CliArgs a) {
    ProjectConfig p = ProjectLoader.load(a.project());
    String query = a.required("--query", "SQL");
    Warehouse wh = Warehouse.of(a.warehouse(), p);
    SparkSession spark = session(a, "lakeops sql " + p.name(), wh.root());
    List<String> registered = new dev.lakeops.spark.store.DeltaTables(spark).registerAll(wh, p);
    LOG.info("registered {}", registered);
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> result;
    try {
      result = spark.sql(query); // parsed and analysed here, run by render
    } catch (Exception e) { // Scala's AnalysisException (ParseException is one) is checked in Java
      if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
        throw e;
      }
      LOG.debug("the query is not valid", e);
      String why = CliFailures.oneLine(e.getMessage());
      throw SparkErrors.badQuery(
          e instanceof org.apache.spark.sql.catalyst.parser.ParseException, why, registered);
    }
    out.print(TablePrinter.render(result, 100));
    return 0;
  }

  private int materialize(CliArgs a) {
    ProjectConfig p = ProjectLoader.load(a.project());
    List<String> views = a.option("--view").map(List::of).orElse(List.of());
    for (String v : views) {
      if (!p.featureViews().containsKey(v)) {
        throw SparkErrors.unknownFeatureView("materialize", v, p.featureViews().keySet());
      }
    }
    java.time.Instant asOf = a.asOf().orElse(null);
    dev.lakeops.common.online.OnlineStoreConfig storeConfig =
        a.onlineStore().orElse(p.onlineStore());
    Warehouse wh = Warehouse.of(a.warehouse(), p);
    // Resolved before Spark starts: a bad store stops here with exit 2.
    dev.lakeops.common.online.OnlineStoreSpec store =
        dev.lakeops.common.online.OnlineStores.spec(storeConfig, wh.root(), p);
    try (dev.lakeops.common.online.OnlineStore s = store.open()) {
      LOG.info("online store {} is reachable", s); // an unreachable store fails before Spark
    }
    SparkSession spark = session(a, "lakeops materialize " + p.name(), wh.root());
    List<RunRecord> runs =
        new dev.lakeops.spark.online.Materializer(spark, p, wh, store).run(views, asOf);
    for (RunRecord r : runs) {
      out.printf(
          "view %-22s %-9s %s -> %s (read %s, run %s)%n",
          r.target(),
          r.status(),
          Human.count(r.rowsWritten(), "key"),
          store.describe(),
          String.join(", ", r.inputs().values()),
          r.runId());
    }
    return 0;
  }

  private int batchScore(CliArgs a) {
    ProjectConfig p = ProjectLoader.load(a.project());
    Warehouse wh = Warehouse.of(a.warehouse(), p);
    var request = BatchScoreCommand.request(a, wh); // checked before Spark starts
    SparkSession spark = session(a, "lakeops batch-score " + p.name(), wh.root());
    return new BatchScoreCommand(out).run(spark, p, wh, request);
  }
}
