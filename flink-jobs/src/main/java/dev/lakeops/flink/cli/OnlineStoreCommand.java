package dev.lakeops.flink.cli;

import dev.lakeops.common.cli.CliArgs;
import dev.lakeops.common.cli.Human;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.config.SourceFormat;
import dev.lakeops.common.online.OnlineLookup;
import dev.lakeops.common.online.OnlineStore;
import dev.lakeops.common.online.OnlineStoreConfig;
import dev.lakeops.common.online.OnlineStoreSpec;
import dev.lakeops.common.online.OnlineStores;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.FlinkErrors;
import dev.lakeops.flink.features.OnlineStoreJob;
import dev.lakeops.flink.io.OptionChecks;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mlops online-store}: runs the online-store job on a local MiniCluster, or ({@code
 * online-store get <entity-key>}) reads an entity's features from the online store. The options are
 * declared, documented and checked in {@link dev.lakeops.common.cli.MlopsCommand.OnlineStore}
 * (common); this class implements the two commands.
 *
 * <p>Exit codes ({@link dev.lakeops.common.cli.CliFailures}): 0 done, 1 the job failed, 2 the
 * command line or configuration is wrong.
 */
public final class OnlineStoreCommand {
  private static final Logger LOG = LoggerFactory.getLogger(OnlineStoreCommand.class);
  static final String DEFAULT_WAREHOUSE = "warehouse";

  /** With --once every file is read before rows are computed: nothing is late. */
  static final Duration ALL_INPUT = Duration.ofDays(1_000_000);

  private final PrintStream out;
  private final PrintStream err;

  public OnlineStoreCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /**
   * Runs a command line ({@code [online-store] [get <key>] --project ...}) and returns the exit
   * code: 0 done, 1 the job failed, 2 the command line or configuration is wrong.
   */
  public static int run(String[] args) {
    return new OnlineStoreCommand(System.out, System.err).execute(args);
  }

  /** Runs {@code online-store ...} (the command name is optional) through {@link FlinkCli}. */
  public int execute(String[] args) {
    if (args.length == 0 || !args[0].equals("online-store")) {
      String[] full = new String[args.length + 1];
      full[0] = "online-store";
      System.arraycopy(args, 0, full, 1, args.length);
      args = full;
    }
    return FlinkCli.run(args, out, err);
  }

  /**
   * A checked command line of the job.
   *
   * @param options the job's options, checked by their builder
   * @param store the online store the job writes
   * @param project the loaded project
   */
  record Parsed(OnlineStoreJob.Options options, OnlineStoreSpec store, ProjectConfig project) {}

  /** {@code online-store}: the job. */
  int runJob(CliArgs a) throws Exception {
    Parsed parsed = parse(a);
    OnlineStoreJob.Options o = parsed.options();
    OnlineStoreSpec store = parsed.store();
    OnlineStoreJob.DeadLetterTarget dead = o.deadLetter();
    out.printf(
        "online-store %s: source %s -> %s (dead letter: %s)%n",
        o.jobName(),
        o.source(),
        store.describe(),
        dead instanceof OnlineStoreJob.DeadLetterFiles f
            ? f.dir()
            : "topic " + ((OnlineStoreJob.DeadLetterKafka) dead).topic());
    var result = OnlineStoreJob.run(o);
    try (OnlineStore s = store.open()) {
      for (var v : o.views()) {
        out.printf("  view %-24s %s%n", v.name(), Human.count(s.count(v.name()), "key"));
      }
    }
    out.printf("done in %s%n", Human.elapsed(result.getNetRuntime()));
    return 0;
  }

  /** The job's options from the command line (nothing runs). */
  Parsed parse(CliArgs a) throws IOException {
    String projectDir = a.required("--project", "dir");
    ProjectConfig p = ProjectLoader.load(Path.of(projectDir));
    SourceConfig source = source(a, p);
    String warehouse = a.warehouse();
    Warehouse layout = Warehouse.of(warehouse, p);
    OnlineStoreSpec store = storeSpec(a, p, warehouse);

    boolean once = a.flag("--once");
    SourceFormat format = null;
    if (a.option("--format").isPresent()) {
      format =
          SourceFormat.parse(a.option("--format").get())
              .filter(SourceFormat::isText)
              .orElseThrow(() -> FlinkErrors.notATextFormat(a.command));
    }
    OnlineStoreJob.Input input;
    if (a.option("--kafka-bootstrap").isPresent() || a.option("--topic").isPresent()) {
      if (a.option("--input").isPresent()) {
        throw FlinkErrors.fileInputAndTopic(a.command, "--input <dir|file>");
      }
      String bootstrap =
          a.option("--kafka-bootstrap")
              .orElseThrow(() -> FlinkErrors.topicWithoutBrokers(a.command, "--topic"));
      String topic =
          a.option("--topic").orElseThrow(() -> FlinkErrors.brokersWithoutTopic(a.command));
      input =
          new OnlineStoreJob.Kafka(
              bootstrap,
              topic,
              a.option("--group-id").orElse("lakeops-online-" + p.name()),
              once,
              format);
    } else {
      String path = a.option("--input").map(OnlineStoreCommand::absolute).orElse(null);
      if (path == null) {
        if (source.path() == null) {
          throw FlinkErrors.sourceIsATable(a.command, source.name());
        }
        path = p.resolvePath(source.path());
      }
      if (!path.contains("://") && !Files.exists(Path.of(path))) {
        throw FlinkErrors.noSuchInput(a.command, "input", path);
      }
      Duration discovery = a.duration("--discovery-interval").orElse(Duration.ofSeconds(5));
      input = new OnlineStoreJob.Files(path, once ? null : discovery, format);
    }

    String job = a.option("--job-name").orElse("online_store_" + source.name());
    OnlineStoreJob.DeadLetterTarget dead =
        a.option("--dead-letter-topic").isPresent()
            ? new OnlineStoreJob.DeadLetterKafka(
                a.required("--kafka-bootstrap", "host:port"), a.option("--dead-letter-topic").get())
            : new OnlineStoreJob.DeadLetterFiles(layout.onlineDeadLetter(job));
    Duration bound =
        a.option("--out-of-orderness").isPresent()
            ? duration(a, "--out-of-orderness")
            : once ? ALL_INPUT : Duration.ofHours(1);
    Duration checkpoints =
        a.option("--checkpoint-interval").isPresent()
            ? duration(a, "--checkpoint-interval")
            : Duration.ofSeconds(once ? 1 : 10);
    int parallelism = a.positiveInt("--parallelism").orElse(1);
    Map<String, String> flinkConf = new LinkedHashMap<>();
    // Checkpoints on the filesystem next to the store (state can outgrow the JobManager's memory).
    flinkConf.put("execution.checkpointing.storage", "filesystem");
    flinkConf.put("execution.checkpointing.dir", OptionChecks.uri(layout.onlineCheckpoints(job)));
    if (a.flinkConf().isPresent()) {
      flinkConf.putAll(FlinkCli.flinkConf(a.command, a.flinkConf().get()));
    }

    OnlineStoreJob.Options o =
        OnlineStoreJob.Options.builder()
            .origin("the options of mlops online-store")
            .jobName(job)
            .project(p)
            .source(source.name())
            .input(input)
            .deadLetter(dead)
            .store(store::open)
            .outOfOrderness(bound)
            .checkpointInterval(checkpoints)
            .parallelism(parallelism)
            .storeFlushInterval(
                a.duration("--flush-interval").orElse(OnlineStoreJob.DEFAULT_FLUSH_INTERVAL))
            .featureLogDir(a.option("--feature-log").map(OnlineStoreCommand::absolute).orElse(null))
            .flinkConf(flinkConf)
            .build();
    return new Parsed(o, store, p);
  }

  /** {@code online-store get <entity-key>}. */
  int get(CliArgs a) {
    ProjectConfig p = ProjectLoader.load(a.project());
    String key = OnlineLookup.keyText(p, a.option("--entity").orElse(null), a.positionals());
    String warehouse = a.warehouse();
    long asOf = a.asOf().map(Instant::toEpochMilli).orElse(System.currentTimeMillis());
    dev.lakeops.common.online.OnlineStoreSpec spec = storeSpec(a, p, warehouse);
    // A read must not create an empty store where a mistyped path points.
    if (spec.config() instanceof dev.lakeops.common.online.OnlineStoreConfig.Embedded e
        && !java.nio.file.Files.exists(Path.of(e.path()))) {
      throw FlinkErrors.noOnlineStore(a.command, e.path());
    }
    try (OnlineStore s = spec.open()) {
      List<OnlineLookup.ViewResult> r =
          OnlineLookup.lookup(p, s, a.option("--entity").orElse(null), key, asOf);
      out.print(OnlineLookup.render(r, key, asOf));
      return 0;
    }
  }

  private static SourceConfig source(CliArgs a, ProjectConfig p) {
    if (a.option("--source").isPresent()) {
      SourceConfig s = p.sources().get(a.option("--source").get());
      if (s == null) {
        throw FlinkErrors.unknownSource(
            a.command, a.option("--source").get(), p.sources().keySet());
      }
      return s;
    }
    List<SourceConfig> withViews =
        p.sources().values().stream().filter(s -> !p.viewsOf(s.name()).isEmpty()).toList();
    if (withViews.size() != 1) {
      throw FlinkErrors.pickASource(a.command, withViews.stream().map(SourceConfig::name).toList());
    }
    return withViews.get(0);
  }

  private static OnlineStoreSpec storeSpec(CliArgs a, ProjectConfig p, String warehouse) {
    OnlineStoreConfig c = a.onlineStore().orElse(p.onlineStore());
    return OnlineStores.spec(c, warehouse, p);
  }

  /** A duration option (parsed and checked with the command line; zero where it may be). */
  private static Duration duration(CliArgs a, String option) {
    return a.duration(option).get();
  }

  private static String absolute(String path) {
    if (path.contains("://") || path.startsWith("file:")) {
      return path;
    }
    return Path.of(path).toAbsolutePath().normalize().toString();
  }
}
