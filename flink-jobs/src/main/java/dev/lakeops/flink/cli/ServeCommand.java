package dev.lakeops.flink.cli;

import dev.lakeops.common.cli.CliArgs;
import dev.lakeops.common.cli.Human;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.features.Durations;
import dev.lakeops.common.online.OnlineStoreConfig;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.FlinkErrors;
import dev.lakeops.flink.registry.Champion;
import dev.lakeops.flink.registry.RegistryReader;
import dev.lakeops.flink.serving.LoggedOnce;
import dev.lakeops.flink.serving.ModelLoader;
import dev.lakeops.flink.serving.ServeJob;
import dev.lakeops.flink.serving.ServeSettings;
import dev.lakeops.flink.serving.ServingPlan;
import dev.lakeops.flink.serving.StoreOpeners;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mlops serve}: streaming inference with the model's production version. The options are
 * declared, documented and checked in {@link dev.lakeops.common.cli.MlopsCommand.Serve} (common);
 * this class implements the command. Exit codes ({@link dev.lakeops.common.cli.CliFailures}): 0
 * done (with {@code --once}; otherwise the job runs until cancelled), 1 the job failed, 2 the
 * command line or configuration is wrong (nothing was run).
 *
 * <p>{@code --from-savepoint <path>} starts from a savepoint or retained checkpoint (Flink's {@code
 * execution.state-recovery.path}); {@code --resume} from the latest checkpoint retained under
 * {@code <warehouse>/<db>/_checkpoints/serve_<model>}. Whichever way a job starts, an event whose
 * prediction is already in the log is not scored again.
 */
public final class ServeCommand {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  /** Flink's setting for the savepoint or checkpoint a job resumes from. */
  static final String STATE_RECOVERY_PATH = StartingPoint.STATE_RECOVERY_PATH;

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

  /** Runs {@code serve ...} (the command name is optional) through {@link FlinkCli}. */
  public int execute(String[] args) {
    if (args.length == 0 || !args[0].equals("serve")) {
      String[] full = new String[args.length + 1];
      full[0] = "serve";
      System.arraycopy(args, 0, full, 1, args.length);
      args = full;
    }
    return FlinkCli.run(args, out, err);
  }

  /** Runs the parsed command line. */
  int execute(CliArgs a) throws Exception {
    return serve(parse(a));
  }

  /**
   * A checked command line.
   *
   * @param flinkConf Flink settings over the job's defaults: {@code --flink-conf}'s, then the
   *     savepoint or checkpoint to start from ({@code --from-savepoint}, or the latest retained one
   *     for {@code --resume}) as {@code execution.state-recovery.path}
   */
  record Parsed(
      ServeSettings settings,
      ProjectConfig project,
      OnlineStoreConfig store,
      Map<String, String> flinkConf) {}

  Parsed parse(CliArgs a) throws IOException {
    String projectDir = a.required("--project", "dir");
    String model = a.required("--model", "name");
    String input = a.option("--input").orElse(null);
    String bootstrap = a.option("--kafka-bootstrap").orElse(null);
    String topic = a.option("--topic").orElse(null);
    String outputTopic = a.option("--output-topic").orElse(null);
    if (input != null && topic != null) {
      throw FlinkErrors.fileInputAndTopic(a.command, "--input <dir>");
    }
    if (input == null && topic == null) {
      throw FlinkErrors.noInput(a.command, "--input <dir>");
    }
    if ((topic != null || outputTopic != null) && bootstrap == null) {
      throw FlinkErrors.topicWithoutBrokers(a.command, "--topic and --output-topic");
    }
    if (input != null && !input.contains("://") && !Files.isDirectory(Path.of(input))) {
      throw FlinkErrors.noSuchDirectory(a.command, "input directory", input);
    }
    Map<String, String> flinkConf = new LinkedHashMap<>();
    if (a.flinkConf().isPresent()) {
      flinkConf.putAll(FlinkCli.flinkConf(a.command, a.flinkConf().get()));
    }
    Duration poll = a.duration("--model-poll-interval").orElse(ServeSettings.DEFAULT_POLL);
    Duration checkpoint =
        a.duration("--checkpoint-interval").orElse(ServeSettings.DEFAULT_CHECKPOINT);
    int parallelism = a.positiveInt("--parallelism").orElse(0);
    OnlineStoreConfig store = a.onlineStore().orElse(null);
    ProjectConfig project = ProjectLoader.load(Path.of(projectDir));
    String warehouse = a.warehouse();
    ServeSettings s =
        ServeSettings.builder()
            .source("the options of mlops serve")
            .model(model)
            .warehouse(Warehouse.of(warehouse, project))
            .inputDir(input)
            .inputTopic(topic)
            .kafkaBootstrap(bootstrap)
            .outputTopic(outputTopic)
            .pollInterval(poll)
            .discoveryInterval(
                a.duration("--discovery-interval").orElse(ServeSettings.DEFAULT_DISCOVERY))
            .once(a.flag("--once"))
            .checkpointInterval(checkpoint)
            .parallelism(parallelism)
            .build();
    String restore = StartingPoint.resolve(a, s.checkpointDir(), out).orElse(null);
    if (restore == null && a.flag("--resume")) {
      out.println("  (events already in the prediction log are skipped)");
    }
    if (restore != null) {
      flinkConf.put(STATE_RECOVERY_PATH, restore);
    }
    return new Parsed(s, project, store == null ? project.onlineStore() : store, flinkConf);
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
    RegistryReader registry = new RegistryReader(s.warehouse());
    Optional<Champion> champion = registry.champion(s.model());
    if (champion.isEmpty()) {
      throw FlinkErrors.noChampionToServe(
          s.model(), registry.path(), String.valueOf(registry.models()));
    }
    Configuration conf = ServeJob.flinkConfig(s);
    conf.addAll(Configuration.fromMap(p.flinkConf()));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    ServeJob.Streams streams = ServeJob.build(env, plan, s, null);
    JobCounts.count(streams.predictions(), JobCounts.SCORED);
    JobCounts.count(streams.deadLetters(), JobCounts.DEAD_LETTERS);
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
    String restore = p.flinkConf().get(STATE_RECOVERY_PATH);
    if (restore != null) {
      out.printf("  resuming from  %s%n", restore);
    }
    if (!s.once()) {
      out.printf(
          "  checkpoints  -> %s (the latest is kept on cancel: --resume)%n", s.checkpointDir());
    }
    JobExecutionResult result = env.execute("lakeops-serve-" + s.model());
    Object skipped = result.getAllAccumulatorResults().get(LoggedOnce.SKIPPED);
    out.printf(
        "done in %s: %s scored, %s to the dead letter, %s skipped (already in the prediction"
            + " log)%n",
        Human.elapsed(result.getNetRuntime()),
        Human.count(JobCounts.get(result, JobCounts.SCORED), "event"),
        Human.count(JobCounts.get(result, JobCounts.DEAD_LETTERS), "event"),
        Human.count(skipped instanceof Number n ? n.longValue() : 0, "event"));
    return 0;
  }
}
