package dev.lakeops.flink.cli;

import dev.lakeops.common.cli.CliArgs;
import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.cli.CliFailures;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.config.SourceFormat;
import dev.lakeops.common.online.OnlineLookup;
import dev.lakeops.common.online.OnlineStore;
import dev.lakeops.common.online.OnlineStoreConfig;
import dev.lakeops.common.online.OnlineStoreSpec;
import dev.lakeops.common.online.OnlineStores;
import dev.lakeops.flink.features.OnlineStoreJob;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mlops online-store}: runs the online-store job on a local MiniCluster, or reads an
 * entity's features from the online store.
 *
 * <pre>
 * online-store --project &lt;dir&gt; [--warehouse &lt;path&gt;] [--source &lt;name&gt;]
 *              [--input &lt;dir|file&gt; | --kafka-bootstrap &lt;host:port&gt; --topic &lt;t&gt;]
 *              [--online-store &lt;uri&gt;] [--once] [--out-of-orderness 1h] [--checkpoint-interval 10s]
 *              [--parallelism n] [--dead-letter-topic &lt;t&gt;] [--feature-log &lt;dir&gt;] [--flink-conf &lt;file&gt;]
 * online-store get &lt;entity-key&gt; --project &lt;dir&gt; [--warehouse &lt;path&gt;] [--online-store &lt;uri&gt;]
 *              [--entity &lt;name&gt;] [--as-of &lt;ISO instant&gt;]
 * </pre>
 *
 * Exit codes: 0 done, 1 the job failed, 2 the command line or configuration is wrong.
 */
public final class OnlineStoreCommand {
  private static final Logger LOG = LoggerFactory.getLogger(OnlineStoreCommand.class);
  static final String DEFAULT_WAREHOUSE = "warehouse";

  /** With --once every file is read before rows are computed: nothing is late. */
  static final Duration ALL_INPUT = Duration.ofDays(1_000_000);

  private static final Set<String> RUN_OPTIONS =
      Set.of(
          "--project",
          "--warehouse",
          "--source",
          "--input",
          "--kafka-bootstrap",
          "--topic",
          "--group-id",
          "--kafka-format",
          "--online-store",
          "--out-of-orderness",
          "--checkpoint-interval",
          "--parallelism",
          "--dead-letter-topic",
          "--feature-log",
          "--flink-conf",
          "--job-name");
  private static final Set<String> GET_OPTIONS =
      Set.of("--project", "--warehouse", "--online-store", "--entity", "--as-of");

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

  public int execute(String[] args) {
    if (args.length > 0 && args[0].equals("online-store")) {
      args = java.util.Arrays.copyOfRange(args, 1, args.length); // the command name is optional
    }
    try {
      if (args.length > 0 && args[0].equals("get")) {
        return get(args);
      }
      return runJob(CliArgs.parse("online-store", args, 0, RUN_OPTIONS, Set.of("--once")));
    } catch (Exception e) {
      return CliFailures.report(e, err, "see 'online-store --help'", LOG);
    }
  }

  public static String help() {
    return """
        usage: online-store --project <dir> [--warehouse <path>] [--source <name>]
                            [--input <dir|file> | --kafka-bootstrap <host:port> --topic <topic>]
                            [--online-store <uri>] [--once] [--out-of-orderness <dur>]
                            [--checkpoint-interval <dur>] [--parallelism <n>]
                            [--dead-letter-topic <topic>] [--feature-log <dir>] [--flink-conf <file>]
               online-store get <entity-key> --project <dir> [--warehouse <path>]
                            [--online-store <uri>] [--entity <name>] [--as-of <ISO instant>]
          Runs the online-store job on a local MiniCluster: the source's feature views computed
          on a stream (files under --input, default the source's path, watched for new files;
          --once reads the files present, or the topic up to its latest offsets, and exits; or
          a Kafka topic: --kafka-format jsonl for JSON events), written to the online
          store (project.yaml's online_store, or --online-store embedded:<file> | redis://h:p).
          Rejected records go to <warehouse>/<database>/_online/dead_letter/<job>/ (or a topic).
          'get' prints each view's features of one entity key as of --as-of (default now):
          windows aggregated over (as-of - window, as-of], the latest event at or before it,
          the view's TTL; or why there is none (no row at or before, expired, history does not
          reach back).
        """;
  }

  private int runJob(CliArgs a) throws Exception {
    if (a.flag("--help")) {
      out.print(help());
      return 0;
    }
    String projectDir = a.required("--project", "dir");
    ProjectConfig p = ProjectLoader.load(Path.of(projectDir));
    SourceConfig source = source(a, p);
    String warehouse = absolute(a.option("--warehouse").orElse(DEFAULT_WAREHOUSE));
    OnlineStoreSpec store = storeSpec(a, p, warehouse);

    boolean once = a.flag("--once");
    OnlineStoreJob.Input input;
    if (a.option("--kafka-bootstrap").isPresent() || a.option("--topic").isPresent()) {
      if (a.option("--input").isPresent()) {
        throw new UsageException(
            "online-store", "give either --input or --kafka-bootstrap/--topic, not both.");
      }
      String bootstrap = a.required("--kafka-bootstrap", "host:port");
      String topic = a.required("--topic", "topic");
      SourceFormat format = null;
      if (a.option("--kafka-format").isPresent()) {
        format =
            SourceFormat.parse(a.option("--kafka-format").get())
                .filter(SourceFormat::isText)
                .orElseThrow(
                    () ->
                        new UsageException("online-store", "--kafka-format must be csv or jsonl."));
      }
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
          throw new UsageException(
              "online-store",
              "source '" + source.name() + "' is a table; pass --input <dir> or a Kafka topic.");
        }
        path = p.resolvePath(source.path());
      }
      if (!path.contains("://") && !Files.exists(Path.of(path))) {
        throw new UsageException("online-store", "the input " + path + " does not exist.");
      }
      input = new OnlineStoreJob.Files(path, once ? null : Duration.ofSeconds(5));
    }

    String job = a.option("--job-name").orElse("online_store_" + source.name());
    OnlineStoreJob.DeadLetterTarget dead =
        a.option("--dead-letter-topic").isPresent()
            ? new OnlineStoreJob.DeadLetterKafka(
                a.required("--kafka-bootstrap", "host:port"), a.option("--dead-letter-topic").get())
            : new OnlineStoreJob.DeadLetterFiles(deadLetterDir(warehouse, p, job));
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
    flinkConf.put("execution.checkpointing.dir", checkpointDir(warehouse, p, job));
    if (a.option("--flink-conf").isPresent()) {
      flinkConf.putAll(readFlinkConf(Path.of(a.option("--flink-conf").get())));
    }

    OnlineStoreJob.Options o =
        new OnlineStoreJob.Options(
            job,
            Path.of(projectDir).toAbsolutePath().normalize().toString(),
            source.name(),
            input,
            dead,
            store::open,
            bound,
            checkpoints,
            parallelism,
            1000,
            a.option("--feature-log").map(OnlineStoreCommand::absolute).orElse(null),
            flinkConf,
            null);
    out.printf(
        "online-store %s: source %s -> %s (dead letter: %s)%n",
        job,
        source.name(),
        store.describe(),
        dead instanceof OnlineStoreJob.DeadLetterFiles f
            ? f.dir()
            : "topic " + ((OnlineStoreJob.DeadLetterKafka) dead).topic());
    var result = OnlineStoreJob.run(o);
    try (OnlineStore s = store.open()) {
      for (var v : p.viewsOf(source.name())) {
        out.printf("  view %-24s %d keys%n", v.name(), s.count(v.name()));
      }
    }
    out.printf("done in %d ms%n", result.getNetRuntime());
    return 0;
  }

  private int get(String[] args) {
    if (args.length < 2 || args[1].startsWith("--")) {
      if (args.length >= 2 && (args[1].equals("--help") || args[1].equals("-h"))) {
        out.print(help());
        return 0;
      }
      throw new UsageException("online-store get", "missing <entity-key> after 'get'.");
    }
    String key = args[1];
    CliArgs a = CliArgs.parse("online-store get", args, 2, GET_OPTIONS, Set.of());
    ProjectConfig p = ProjectLoader.load(Path.of(a.required("--project", "dir")));
    String warehouse = absolute(a.option("--warehouse").orElse(DEFAULT_WAREHOUSE));
    long asOf = System.currentTimeMillis();
    if (a.option("--as-of").isPresent()) {
      try {
        asOf = Instant.parse(a.option("--as-of").get()).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new UsageException(
            "online-store get",
            "--as-of needs an ISO-8601 instant such as 1998-06-30T00:00:00Z, got '"
                + a.option("--as-of").get()
                + "'.");
      }
    }
    try (OnlineStore s = storeSpec(a, p, warehouse).open()) {
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
        throw new UsageException(
            "online-store",
            "unknown source '"
                + a.option("--source").get()
                + "'; the project has "
                + p.sources().keySet()
                + ".");
      }
      return s;
    }
    List<SourceConfig> withViews =
        p.sources().values().stream().filter(s -> !p.viewsOf(s.name()).isEmpty()).toList();
    if (withViews.size() != 1) {
      throw new UsageException(
          "online-store",
          "the project has "
              + withViews.size()
              + " sources with feature views; pick one with --source "
              + withViews.stream().map(SourceConfig::name).toList()
              + ".");
    }
    return withViews.get(0);
  }

  private static OnlineStoreSpec storeSpec(CliArgs a, ProjectConfig p, String warehouse) {
    OnlineStoreConfig c =
        a.option("--online-store").map(OnlineStoreConfig::parse).orElse(p.onlineStore());
    return OnlineStores.spec(c, warehouse, p);
  }

  /**
   * Where a job's rejected records go: {@code <warehouse>/<database>/_online/dead_letter/<job>}.
   */
  public static String deadLetterDir(String warehouse, ProjectConfig p, String job) {
    return warehouse + "/" + p.database() + "/_online/dead_letter/" + job;
  }

  /** Where a job's checkpoints go: {@code <warehouse>/<database>/_online/checkpoints/<job>}. */
  public static String checkpointDir(String warehouse, ProjectConfig p, String job) {
    String root =
        warehouse.contains("://") || warehouse.startsWith("file:")
            ? warehouse
            : "file://" + warehouse;
    return root + "/" + p.database() + "/_online/checkpoints/" + job;
  }

  /** A duration option that may also be zero (e.g. an out-of-orderness bound of 0). */
  private static Duration duration(CliArgs a, String option) {
    String text = a.option(option).get();
    if (text.strip().matches("0+[smhd]?")) {
      return Duration.ZERO;
    }
    return a.duration(option).get();
  }

  /** A flat {@code key: value} Flink configuration file (comments with #). */
  static Map<String, String> readFlinkConf(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new UsageException("online-store", "--flink-conf " + file + " is not a file.");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      int colon = t.indexOf(':');
      if (colon <= 0) {
        throw new UsageException(
            "online-store", file + ": expected 'key: value' lines, got '" + t + "'.");
      }
      out.put(t.substring(0, colon).strip(), t.substring(colon + 1).strip());
    }
    return out;
  }

  private static String absolute(String path) {
    if (path.contains("://") || path.startsWith("file:")) {
      return path;
    }
    return Path.of(path).toAbsolutePath().normalize().toString();
  }
}
