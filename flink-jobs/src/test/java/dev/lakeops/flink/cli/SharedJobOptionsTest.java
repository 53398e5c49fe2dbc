package dev.lakeops.flink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.cli.Cli;
import dev.lakeops.common.cli.CommandHandler;
import dev.lakeops.common.cli.Engine;
import dev.lakeops.common.cli.MlopsCommand;
import dev.lakeops.flink.features.OnlineStoreJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The options the Flink jobs share ({@code SharedOptions}' mixins: {@code --kafka-bootstrap},
 * {@code --topic}, {@code --once}, {@code --checkpoint-interval}, {@code --parallelism}, {@code
 * --from-savepoint}/{@code --resume}) behave the same in every command that takes them: one
 * description, the same value reaches each job's settings, the same wrong value is refused with the
 * same one-line message and exit 2. Each line goes through the real command tree and each command's
 * own parse; no job runs.
 */
class SharedJobOptionsTest {
  @TempDir Path dir;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  Path events;
  Path labels;

  @BeforeEach
  void directories() throws Exception {
    events = Files.createDirectories(dir.resolve("events"));
    labels = Files.createDirectories(dir.resolve("labels"));
  }

  /** What a command's implementation made of its command line (its settings, as a map). */
  record Seen(
      String kafkaBootstrap,
      String topic,
      boolean once,
      Duration checkpointInterval,
      int parallelism,
      String restore) {}

  /** The three job commands: a valid line of each, and how to read its parsed settings. */
  Map<String, List<String>> lines() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put(
        "serve",
        List.of(
            "serve",
            "--project",
            dev.lakeops.flink.testing.SparkRuns.repo().resolve("conf/examples/elec2").toString(),
            "--model",
            "price_direction",
            "--warehouse",
            dir.resolve("wh").toString()));
    m.put(
        "monitor",
        List.of(
            "monitor",
            "--project",
            FlinkCliTest.cdnow(),
            "--model",
            "repeat_purchase",
            "--warehouse",
            dir.resolve("wh").toString(),
            "--window",
            "1h",
            "--label-ttl",
            "1d",
            "--labels",
            labels.toString()));
    m.put(
        "online-store",
        List.of(
            "online-store",
            "--project",
            FlinkCliTest.cdnow(),
            "--warehouse",
            dir.resolve("wh").toString()));
    return m;
  }

  /** Runs {@code args}; returns the exit code, and what the implementation parsed into seen. */
  int run(List<Seen> seen, List<String> args) {
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    Map<Class<?>, CommandHandler> handlers =
        Map.of(
            MlopsCommand.Serve.class,
            a -> {
              var p = new ServeCommand(o, e).parse(a);
              var s = p.settings();
              seen.add(
                  new Seen(
                      s.kafkaBootstrap(),
                      s.inputTopic(),
                      s.once(),
                      s.checkpointInterval(),
                      s.parallelism(),
                      p.flinkConf().get(StartingPoint.STATE_RECOVERY_PATH)));
              return 0;
            },
            MlopsCommand.Monitor.class,
            a -> {
              var p = new MonitorCommand(o).parse(a);
              var s = p.settings();
              seen.add(
                  new Seen(
                      s.kafkaBootstrap(),
                      null,
                      s.once(),
                      s.checkpointInterval(),
                      s.parallelism(),
                      p.flinkConf().get(StartingPoint.STATE_RECOVERY_PATH)));
              return 0;
            },
            MlopsCommand.OnlineStore.class,
            a -> {
              OnlineStoreJob.Options x = new OnlineStoreCommand(o, e).parse(a).options();
              String bootstrap = null;
              String topic = null;
              boolean once;
              if (x.input() instanceof OnlineStoreJob.Kafka k) {
                bootstrap = k.bootstrap();
                topic = k.topic();
                once = k.bounded();
              } else {
                once = ((OnlineStoreJob.Files) x.input()).monitor() == null;
              }
              seen.add(
                  new Seen(bootstrap, topic, once, x.checkpointInterval(), x.parallelism(), null));
              return 0;
            });
    return Cli.run(args.toArray(String[]::new), o, e, Engine.FLINK, handlers);
  }

  /** {@code command}'s line plus {@code extra}, parsed: what its implementation saw. */
  Seen parsed(String command, String... extra) {
    List<String> args = new ArrayList<>(lines().get(command));
    args.addAll(List.of(extra));
    List<Seen> seen = new ArrayList<>();
    assertThat(run(seen, args)).as(command + ": " + err).isZero();
    assertThat(seen).hasSize(1);
    return seen.get(0);
  }

  /** {@code command}'s line plus {@code extra}: exit 2, and the one line printed. */
  String refused(String command, String... extra) {
    List<String> args = new ArrayList<>(lines().get(command));
    args.addAll(List.of(extra));
    err.reset();
    List<Seen> seen = new ArrayList<>();
    assertThat(run(seen, args)).as(command).isEqualTo(2);
    assertThat(seen).as(command + ": the job's settings were not made").isEmpty();
    String e = err.toString(StandardCharsets.UTF_8);
    assertThat(e).as(command).hasLineCount(1);
    return e.replace("mlops " + command + " --help", "mlops <command> --help").strip();
  }

  /** The input each command needs besides the option under test (files, except with topics). */
  String[] withFiles(String command, String... extra) {
    List<String> args = new ArrayList<>();
    if (!command.equals("monitor")) {
      args.addAll(List.of("--input", events.toString()));
    }
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  /** The commands of the tree that declare {@code option}, with its one description. */
  static Map<String, String> declared(String option) {
    Map<String, String> m = new LinkedHashMap<>();
    MlopsCommand.commandLine()
        .getSubcommands()
        .forEach(
            (name, cl) -> {
              OptionSpec o = cl.getCommandSpec().findOption(option);
              if (o != null) {
                m.put(name, String.join(" ", o.description()));
              }
            });
    return m;
  }

  void oneDescription(String option, String... commands) {
    Map<String, String> d = declared(option);
    // the scheduler's --once (run what is pending, wait for the runs) is not a Flink job's
    d.remove("scheduler");
    assertThat(d.keySet()).as(option).containsExactlyInAnyOrder(commands);
    assertThat(d.values().stream().distinct().count()).as(option + ": " + d).isEqualTo(1);
  }

  @Test
  void kafkaBootstrapReachesEveryJobAndIsCheckedTheSameWay() {
    oneDescription("--kafka-bootstrap", "serve", "monitor", "online-store");
    String brokers = "k1:9092,k2:9093";
    assertThat(parsed("serve", "--kafka-bootstrap", brokers, "--topic", "t").kafkaBootstrap())
        .isEqualTo(brokers);
    assertThat(
            parsed("online-store", "--kafka-bootstrap", brokers, "--topic", "t").kafkaBootstrap())
        .isEqualTo(brokers);
    assertThat(parsed("monitor", "--kafka-bootstrap", brokers).kafkaBootstrap()).isEqualTo(brokers);
    List<String> messages = new ArrayList<>();
    for (String c : lines().keySet()) {
      messages.add(refused(c, "--kafka-bootstrap", "k1"));
    }
    assertThat(messages)
        .containsOnly(
            "error: --kafka-bootstrap takes host:port, or several separated by commas"
                + " (k1:9092,k2:9092); got 'k1'. (see 'mlops <command> --help')");
  }

  @Test
  void topicIsTheInputTopicOfServeAndOnlineStoreAndNeedsTheBrokers() {
    oneDescription("--topic", "serve", "online-store");
    for (String c : List.of("serve", "online-store")) {
      assertThat(parsed(c, "--kafka-bootstrap", "k:1", "--topic", "events").topic())
          .as(c)
          .isEqualTo("events");
      assertThat(refused(c, "--topic", "events"))
          .as(c)
          .contains("needs --kafka-bootstrap <host:port>");
      assertThat(refused(c, "--topic", "events", "--kafka-bootstrap", "k:1", "--input", "x"))
          .as(c)
          .contains("not both");
    }
  }

  @Test
  void onceStopsEveryJobAtTheEndOfWhatIsThereNow() {
    oneDescription("--once", "serve", "monitor", "online-store");
    for (String c : lines().keySet()) {
      assertThat(parsed(c, withFiles(c, "--once")).once()).as(c).isTrue();
      assertThat(parsed(c, withFiles(c)).once()).as(c).isFalse();
    }
    assertThat(parsed("online-store", "--kafka-bootstrap", "k:1", "--topic", "t", "--once").once())
        .as("a bounded topic")
        .isTrue();
  }

  @Test
  void checkpointIntervalIsTheSameDurationInEveryJob() {
    oneDescription("--checkpoint-interval", "serve", "monitor", "online-store");
    List<String> messages = new ArrayList<>();
    for (String c : lines().keySet()) {
      assertThat(parsed(c, withFiles(c, "--checkpoint-interval", "2m")).checkpointInterval())
          .as(c)
          .isEqualTo(Duration.ofMinutes(2));
      messages.add(refused(c, withFiles(c, "--checkpoint-interval", "0s")));
    }
    assertThat(messages.stream().distinct()).as("one message for all").hasSize(1);
    assertThat(messages.get(0)).startsWith("error: --checkpoint-interval takes ");
  }

  @Test
  void parallelismIsTheSameNumberInEveryJob() {
    oneDescription("--parallelism", "serve", "monitor", "online-store");
    List<String> messages = new ArrayList<>();
    for (String c : lines().keySet()) {
      assertThat(parsed(c, withFiles(c, "--parallelism", "3")).parallelism()).as(c).isEqualTo(3);
      messages.add(refused(c, withFiles(c, "--parallelism", "0")));
    }
    assertThat(messages)
        .containsOnly(
            "error: --parallelism takes a whole number of at least 1; got '0'."
                + " (see 'mlops <command> --help')");
  }

  @Test
  void aSavepointOrTheLatestCheckpointIsWhereServeAndMonitorStart() throws Exception {
    oneDescription("--from-savepoint", "serve", "monitor");
    oneDescription("--resume", "serve", "monitor");
    Path savepoint = Files.createDirectories(dir.resolve("savepoint-1"));
    Files.writeString(savepoint.resolve("_metadata"), "x");
    for (String c : List.of("serve", "monitor")) {
      assertThat(parsed(c, withFiles(c, "--from-savepoint", savepoint.toString())).restore())
          .as(c)
          .isEqualTo(savepoint.toString());
      assertThat(parsed(c, withFiles(c, "--resume")).restore())
          .as(c + ": no checkpoint retained yet, a fresh start")
          .isNull();
      assertThat(refused(c, withFiles(c, "--from-savepoint", dir.toString())))
          .as(c)
          .contains("is not a savepoint or retained checkpoint");
      assertThat(refused(c, withFiles(c, "--from-savepoint", savepoint.toString(), "--resume")))
          .as(c)
          .contains("give either --from-savepoint <path> or --resume");
    }
    // a retained checkpoint of an earlier job of the command: --resume starts from it
    Map<String, String> checkpointDirs =
        Map.of(
            "serve", dir.resolve("wh/elec2/_checkpoints/serve_price_direction").toString(),
            "monitor", dir.resolve("wh/cdnow/_checkpoints/monitor_repeat_purchase").toString());
    for (String c : List.of("serve", "monitor")) {
      Path chk = Files.createDirectories(Path.of(checkpointDirs.get(c), "job-1", "chk-4"));
      Files.writeString(chk.resolve("_metadata"), "x");
      assertThat(parsed(c, withFiles(c, "--resume")).restore()).as(c).endsWith("job-1/chk-4");
    }
  }
}
