package dev.lakeops.flink.cli;

import dev.lakeops.common.cli.CliArgs;
import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.cli.CliFailures;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.features.Durations;
import dev.lakeops.common.online.OnlineStoreConfig;
import dev.lakeops.flink.registry.Champion;
import dev.lakeops.flink.registry.RegistryReader;
import dev.lakeops.flink.serving.LoggedOnce;
import dev.lakeops.flink.serving.ModelLoader;
import dev.lakeops.flink.serving.ScoreFunction;
import dev.lakeops.flink.serving.ServeJob;
import dev.lakeops.flink.serving.ServeSettings;
import dev.lakeops.flink.serving.ServingPlan;
import dev.lakeops.flink.serving.StoreOpeners;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mlops serve}: streaming inference with the model's production version. Exit codes: 0 done
 * (with {@code --once}; otherwise the job runs until cancelled), 1 the job failed, 2 the command
 * line or configuration is wrong (nothing was run).
 *
 * <p>{@code --from-savepoint <path>} starts from a savepoint or retained checkpoint (Flink's {@code
 * execution.state-recovery.path}); {@code --resume} from the latest checkpoint retained under
 * {@code <warehouse>/<db>/_checkpoints/serve_<model>}. Whichever way a job starts, an event whose
 * prediction is already in the log is not scored again.
 */
public final class ServeCommand {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
  public static final String USAGE =
      "Usage: mlops serve --project <dir> --model <name> [--warehouse <path>]"
          + " [--input <dir> | --kafka-bootstrap <host:port> --topic <topic>] [--output-topic"
          + " <topic>] [--online-store <uri>] [--model-poll-interval 10s] [--checkpoint-interval"
          + " 5s] [--parallelism <n>] [--once] [--from-savepoint <path> | --resume]";
  private static final String DEFAULT_WAREHOUSE = "warehouse";

  private final PrintStream out;
  private final PrintStream err;

  public ServeCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /**
   * Runs {@code serve} with {@code args}: the options, with or without the leading {@code serve}.
   */
  public static int run(String[] args) {
    return new ServeCommand(System.out, System.err).execute(args);
  }

  public int execute(String[] args) {
    try {
      // The options, optionally after the command name itself (mlops serve ...).
      int from = args.length > 0 && args[0].equals("serve") ? 1 : 0;
      CliArgs a =
          CliArgs.parse(
              "serve",
              args,
              from,
              Set.of(
                  "--project",
                  "--model",
                  "--warehouse",
                  "--input",
                  "--kafka-bootstrap",
                  "--topic",
                  "--output-topic",
                  "--online-store",
                  "--model-poll-interval",
                  "--checkpoint-interval",
                  "--parallelism",
                  "--from-savepoint"),
              Set.of("--once", "--resume"));
      if (a.flag("--help")) {
        out.println(USAGE);
        return 0;
      }
      Parsed p = parse(a);
      return serve(p);
    } catch (Exception e) {
      return CliFailures.report(e, err, USAGE.substring("Usage: ".length()), LOG);
    }
  }

  /**
   * A checked command line.
   *
   * @param restoreFrom the savepoint or retained checkpoint to start from ({@code
   *     --from-savepoint}, or the latest one found for {@code --resume}), or null for a fresh start
   */
  record Parsed(
      ServeSettings settings, ProjectConfig project, OnlineStoreConfig store, String restoreFrom) {}

  Parsed parse(CliArgs a) {
    String projectDir = a.required("--project", "dir");
    String model = a.required("--model", "name");
    String input = a.option("--input").orElse(null);
    String bootstrap = a.option("--kafka-bootstrap").orElse(null);
    String topic = a.option("--topic").orElse(null);
    String outputTopic = a.option("--output-topic").orElse(null);
    if (input != null && topic != null) {
      throw new UsageException("serve", "give either --input <dir> or --topic <topic>, not both.");
    }
    if (input == null && topic == null) {
      throw new UsageException("serve", "missing the events: --input <dir> or --topic <topic>.");
    }
    if ((topic != null || outputTopic != null) && bootstrap == null) {
      throw new UsageException(
          "serve", "--topic and --output-topic need --kafka-bootstrap <host:port>.");
    }
    Duration poll = a.duration("--model-poll-interval").orElse(ServeSettings.DEFAULT_POLL);
    Duration checkpoint =
        a.duration("--checkpoint-interval").orElse(ServeSettings.DEFAULT_CHECKPOINT);
    int parallelism = a.positiveInt("--parallelism").orElse(0);
    OnlineStoreConfig store = a.option("--online-store").map(ServeCommand::storeUri).orElse(null);
    ProjectConfig project = ProjectLoader.load(Path.of(projectDir));
    String warehouse = absolute(a.option("--warehouse").orElse(DEFAULT_WAREHOUSE));
    ServeSettings s =
        new ServeSettings(
            model,
            warehouse,
            project.database(),
            input == null ? null : absolute(input),
            bootstrap,
            topic,
            outputTopic,
            poll,
            a.flag("--once"),
            checkpoint,
            parallelism);
    String restore = a.option("--from-savepoint").map(ServeCommand::absolute).orElse(null);
    if (restore != null && a.flag("--resume")) {
      throw new UsageException(
          "serve", "give either --from-savepoint <path> or --resume (the latest checkpoint).");
    }
    if (restore != null && !isSnapshot(restore)) {
      throw new UsageException(
          "serve",
          "--from-savepoint "
              + restore
              + " is not a savepoint or retained checkpoint (a directory with a _metadata"
              + " file); pass the path flink printed for the savepoint, or a chk-<n> directory"
              + " under "
              + s.checkpointDir()
              + ".");
    }
    if (a.flag("--resume")) {
      try {
        restore = ServeJob.latestCheckpoint(s.checkpointDir()).orElse(null);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (restore == null) {
        out.printf(
            "no retained checkpoint under %s: starting afresh (events already in the prediction"
                + " log are skipped)%n",
            s.checkpointDir());
      }
    }
    return new Parsed(s, project, store == null ? project.onlineStore() : store, restore);
  }

  private int serve(Parsed p) throws Exception {
    ServeSettings s = p.settings();
    ServingPlan plan =
        ServeJob.plan(
            p.project(),
            s,
            StoreOpeners.of(p.store(), s.warehouseRoot(), p.project()),
            ModelLoader.pipeline(),
            ServeJob.registry(s));
    RegistryReader registry =
        new RegistryReader(RegistryReader.tablePath(s.warehouseRoot(), s.database()));
    Optional<Champion> champion = registry.champion(s.model());
    if (champion.isEmpty()) {
      err.println(
          "error: model '"
              + s.model()
              + "' has no production version in the registry at "
              + registry.path()
              + " (registered models: "
              + registry.models()
              + "). Fix: train it (mlops train --model "
              + s.model()
              + ") and promote a version (mlops promote --model "
              + s.model()
              + " --version <n>).");
      return 2;
    }
    Configuration conf = ServeJob.flinkConfig(s);
    if (p.restoreFrom() != null) {
      conf.setString("execution.state-recovery.path", p.restoreFrom());
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    ServeJob.build(env, plan, s, null);
    out.printf(
        "serving model %s (production version %d) from %s%n",
        s.model(),
        champion.get().version(),
        s.inputDir() != null ? s.inputDir() : "topic " + s.inputTopic());
    out.printf("  predictions  -> %s%n", s.predictionLog());
    out.printf("  dead letters -> %s%n", s.deadLetterLog());
    if (s.outputTopic() != null) {
      out.printf("  predictions  -> topic %s%n", s.outputTopic());
    }
    out.printf("  the registry is polled every %s%n", Durations.format(s.pollInterval()));
    if (p.restoreFrom() != null) {
      out.printf("  resuming from  %s%n", p.restoreFrom());
    }
    if (!s.once()) {
      out.printf(
          "  checkpoints  -> %s (the latest is kept on cancel: --resume)%n", s.checkpointDir());
    }
    JobExecutionResult result = env.execute("lakeops-serve-" + s.model());
    out.printf(
        "done: %d scored, %d dead-lettered, %d skipped (already in the prediction log)%n",
        count(result, ScoreFunction.SCORED),
        count(result, ScoreFunction.DEAD_LETTERED),
        count(result, LoggedOnce.SKIPPED));
    return 0;
  }

  private static long count(JobExecutionResult result, String accumulator) {
    Object v = result.getAllAccumulatorResults().get(accumulator);
    return v instanceof Number n ? n.longValue() : 0;
  }

  /** Whether {@code path} is a savepoint or checkpoint directory (or its _metadata file). */
  static boolean isSnapshot(String path) {
    try {
      org.apache.flink.core.fs.Path p = new org.apache.flink.core.fs.Path(path);
      var fs = p.getFileSystem();
      return p.getName().equals("_metadata")
          ? fs.exists(p)
          : fs.exists(new org.apache.flink.core.fs.Path(p, "_metadata"));
    } catch (IOException e) {
      return false;
    }
  }

  /** Relative embedded paths are relative to the working directory (as for materialize). */
  static OnlineStoreConfig storeUri(String uri) {
    OnlineStoreConfig c = OnlineStoreConfig.parse(uri);
    if (c instanceof OnlineStoreConfig.Embedded e && e.path() != null) {
      return new OnlineStoreConfig.Embedded(absolute(e.path()));
    }
    return c;
  }

  private static String absolute(String path) {
    if (path.contains("://")) {
      return path;
    }
    return Path.of(path).toAbsolutePath().normalize().toString();
  }
}
