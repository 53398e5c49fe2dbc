package dev.lakeops.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.ConfigProblem;
import dev.lakeops.common.online.OnlineStoreConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The {@code mlops} tree parsed alone (no engine): every command documented, help that marks the
 * required options, each shared option resolved the same way in every command that takes it, and
 * the exit codes.
 */
class MlopsCommandTest {
  @TempDir Path dir;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** The commands as typed after mlops, with their command line objects, depth first. */
  static Map<String, CommandLine> commands() {
    Map<String, CommandLine> all = new LinkedHashMap<>();
    collect(MlopsCommand.commandLine(), all);
    return all;
  }

  private static void collect(CommandLine cl, Map<String, CommandLine> all) {
    all.put(Cli.commandName(cl), cl);
    cl.getSubcommands().values().forEach(c -> collect(c, all));
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** Runs with a handler for every command that records what it was given. */
  int run(Map<Class<?>, CommandHandler> handlers, String... args) {
    return Cli.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Engine.SPARK,
        handlers);
  }

  /** Parses {@code args} and returns what the implementation of the command would receive. */
  CliArgs parsed(String... args) {
    List<CliArgs> seen = new ArrayList<>();
    Map<Class<?>, CommandHandler> handlers = new HashMap<>();
    for (CommandLine c : commands().values()) {
      handlers.put(
          c.getCommandSpec().userObject().getClass(),
          a -> {
            seen.add(a);
            return 0;
          });
    }
    assertThat(run(handlers, args)).as(err()).isZero();
    assertThat(seen).hasSize(1);
    return seen.get(0);
  }

  /** {@code name}'s own arguments filled with valid values, plus {@code extra}. */
  static String[] line(String name, String... extra) {
    List<String> args = new ArrayList<>(List.of(name.split(" ")));
    CommandSpec spec = commands().get(name).getCommandSpec();
    for (PositionalParamSpec p : spec.positionalParameters()) {
      args.add("k1");
    }
    for (OptionSpec o : spec.options()) {
      if (o.required() && !List.of(extra).contains(o.longestName())) {
        args.add(o.longestName());
        args.add(o.type() == Integer.class ? "1" : ".");
      }
    }
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  /** The runnable commands (not the root, help or completion) that declare {@code option}. */
  static List<String> commandsWith(String option) {
    List<String> names = new ArrayList<>();
    commands()
        .forEach(
            (name, cl) -> {
              if (!name.isEmpty() && cl.getCommandSpec().findOption(option) != null) {
                names.add(name);
              }
            });
    return names;
  }

  @Test
  void everyCommandAndOptionHasADescription() {
    Map<String, CommandLine> all = commands();
    assertThat(all.keySet())
        .contains(
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
            "materialize",
            "batch-score",
            "online-store",
            "online-store get",
            "serve",
            "scheduler",
            "report",
            "generate-completion");
    all.forEach(
        (name, cl) -> {
          CommandSpec spec = cl.getCommandSpec();
          assertThat(String.join(" ", spec.usageMessage().description()))
              .as("description of '%s'", name)
              .isNotBlank();
          for (OptionSpec o : spec.options()) {
            assertThat(String.join(" ", o.description()))
                .as("description of %s of '%s'", o.longestName(), name)
                .isNotBlank();
          }
          for (PositionalParamSpec p : spec.positionalParameters()) {
            assertThat(String.join(" ", p.description()))
                .as("description of %s of '%s'", p.paramLabel(), name)
                .isNotBlank();
          }
        });
  }

  @Test
  void helpOfEveryCommandMarksItsRequiredOptionsAsRequired() {
    int required = 0;
    for (Map.Entry<String, CommandLine> e : commands().entrySet()) {
      String name = e.getKey();
      if (name.equals("help")) {
        continue;
      }
      out.reset();
      String[] args = (name.isEmpty() ? "--help" : name + " --help").split(" ");
      assertThat(run(Map.of(), args)).as("%s --help", name).isZero();
      String help = out();
      assertThat(help).as(name).startsWith("Usage: mlops " + name);
      String synopsis = help.substring(0, help.indexOf("\n\n")).replaceAll("\\s+", "");
      for (OptionSpec o : e.getValue().getCommandSpec().options()) {
        if (o.usageHelp()) {
          continue;
        }
        String form = o.longestName() + (o.typeInfo().isBoolean() ? "" : " " + o.paramLabel());
        // In the synopsis (spaces removed: it wraps) a required option stands bare, an optional
        // one in brackets.
        Matcher inSynopsis =
            Pattern.compile("(\\[?)" + Pattern.quote(form.replace(" ", "")) + "(\\]?)")
                .matcher(synopsis);
        assertThat(inSynopsis.find()).as("%s in the synopsis of '%s'", form, name).isTrue();
        // In the option list a required option carries the marker.
        Matcher inList =
            Pattern.compile("(?m)^[ ]*(\\*?)[ ]*" + Pattern.quote(form))
                .matcher(help.substring(help.indexOf("Options (* required):")));
        assertThat(inList.find()).as("%s in the option list of '%s'", form, name).isTrue();
        if (o.required()) {
          required++;
          assertThat(inSynopsis.group(1)).as("%s of '%s' is required", form, name).isEmpty();
          assertThat(inList.group(1)).as("%s of '%s' is marked *", form, name).isEqualTo("*");
        } else {
          assertThat(inSynopsis.group(1)).as("%s of '%s' is optional", form, name).isEqualTo("[");
          assertThat(inList.group(1)).as("%s of '%s' has no *", form, name).isEmpty();
        }
      }
    }
    assertThat(required).as("required options seen").isGreaterThanOrEqualTo(20);
  }

  @Test
  void topLevelHelpListsEveryCommandOfBothEngines() {
    assertThat(run(Map.of(), "--help")).isZero();
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
            "materialize",
            "online-store",
            "serve",
            "scheduler",
            "report",
            "generate-completion")) {
      assertThat(out()).containsPattern("(?m)^\\s+" + Pattern.quote(c) + "\\s");
    }
    assertThat(out()).contains("3   the promotion gate refused");
    out.reset();
    assertThat(run(Map.of(), "help", "serve")).isZero();
    assertThat(out()).startsWith("Usage: mlops serve [-h] --project <dir> --model <name>");
  }

  @Test
  void theProjectIsResolvedAgainstTheWorkingDirectoryEverywhere() {
    Path expected = Path.of("").toAbsolutePath().resolve("some/project");
    List<String> names = commandsWith("--project");
    assertThat(names).hasSize(24);
    for (String name : names) {
      assertThat(parsed(line(name, "--project", "some/./project")).project())
          .as(name)
          .isEqualTo(expected);
    }
  }

  @Test
  void theWarehouseIsResolvedTheSameWayEverywhere() {
    String cwd = Path.of("").toAbsolutePath().toString();
    List<String> names = commandsWith("--warehouse");
    assertThat(names).hasSize(21).doesNotContain("validate");
    for (String name : names) {
      assertThat(parsed(line(name)).warehouse()).as(name).isEqualTo(cwd + "/warehouse");
      assertThat(parsed(line(name, "--warehouse", "wh/../other")).warehouse())
          .as(name)
          .isEqualTo(cwd + "/other");
      assertThat(parsed(line(name, "--warehouse", "s3a://bucket/wh")).warehouse())
          .as(name)
          .isEqualTo("s3a://bucket/wh");
      assertThat(parsed(line(name, "--warehouse", "file:/tmp/wh")).warehouse())
          .as(name)
          .isEqualTo("file:/tmp/wh");
    }
  }

  @Test
  void aRelativeEmbeddedStoreIsTheSameFileInEveryCommand() {
    String expected = Path.of("").toAbsolutePath() + "/rel.db";
    List<String> names = commandsWith("--online-store");
    assertThat(names)
        .containsExactlyInAnyOrder("materialize", "online-store", "online-store get", "serve");
    for (String name : names) {
      CliArgs a = parsed(line(name, "--online-store", "embedded:rel.db"));
      assertThat(a.onlineStore()).as(name).contains(new OnlineStoreConfig.Embedded(expected));
      assertThat(parsed(line(name, "--online-store", "embedded")).onlineStore())
          .as(name)
          .contains(new OnlineStoreConfig.Embedded(null));
      assertThat(parsed(line(name, "--online-store", "redis://h:7000/p")).onlineStore())
          .as(name)
          .contains(new OnlineStoreConfig.Redis("h", 7000, "p"));
      assertThat(parsed(line(name)).onlineStore()).as(name).isEmpty();
    }
  }

  @Test
  void asOfTakesTheSameFormsWithTheSameMeaningEverywhere() {
    Instant midnight = Instant.ofEpochSecond(1609545600L); // 2021-01-02T00:00:00Z, by hand
    List<String> names = commandsWith("--as-of");
    assertThat(names).containsExactlyInAnyOrder("materialize", "online-store get");
    for (String name : names) {
      assertThat(parsed(line(name, "--as-of", "2021-01-02")).asOf()).as(name).contains(midnight);
      assertThat(parsed(line(name, "--as-of", "2021-01-02T00:00:00Z")).asOf())
          .as(name)
          .contains(midnight);
      assertThat(parsed(line(name, "--as-of", "2021-01-02T01:00:00+01:00")).asOf())
          .as(name)
          .contains(midnight);
      assertThat(parsed(line(name, "--as-of", "2021-01-02T00:00:01.5Z")).asOf())
          .as(name)
          .contains(midnight.plusMillis(1500));
      // the event-time forms: an offset without a colon, or hours only
      assertThat(parsed(line(name, "--as-of", "2021-01-02T01:00:00+0100")).asOf())
          .as(name)
          .contains(midnight);
      assertThat(parsed(line(name, "--as-of", "2021-01-01T23:00-01")).asOf())
          .as(name)
          .contains(midnight);
      assertThat(parsed(line(name)).asOf()).as(name).isEmpty();
      err.reset();
      assertThat(run(Map.of(), line(name, "--as-of", "yesterday"))).isEqualTo(2);
      assertThat(err())
          .as(name)
          .startsWith("error: --as-of 'yesterday' is not a time; write an instant")
          .contains("(see 'mlops " + name + " --help')")
          .hasLineCount(1);
    }
  }

  @Test
  void flinkConfMustExistAndIsResolvedTheSameWayInBothFlinkCommands() throws IOException {
    Path conf = Files.createDirectories(dir.resolve("flink"));
    List<String> names = commandsWith("--flink-conf");
    assertThat(names).containsExactlyInAnyOrder("online-store", "serve", "monitor");
    for (String name : names) {
      assertThat(parsed(line(name, "--flink-conf", conf + "/./")).flinkConf())
          .as(name)
          .contains(conf);
      err.reset();
      assertThat(run(Map.of(), line(name, "--flink-conf", dir + "/nope"))).isEqualTo(2);
      assertThat(err())
          .as(name)
          .startsWith("error: --flink-conf: " + dir + "/nope does not exist.")
          .hasLineCount(1);
    }
  }

  @Test
  void typedOptionsAreCheckedWhileParsing() {
    CliArgs a =
        parsed(line("serve", "--model-poll-interval", "30s", "--parallelism", "3", "--once"));
    assertThat(a.duration("--model-poll-interval")).contains(Duration.ofSeconds(30));
    assertThat(a.duration("--checkpoint-interval")).isEmpty();
    assertThat(a.positiveInt("--parallelism")).contains(3);
    assertThat(a.flag("--once")).isTrue();
    assertThat(a.option("--model")).contains(".");
    assertThat(
            parsed(line("online-store", "--out-of-orderness", "0s")).duration("--out-of-orderness"))
        .contains(Duration.ZERO);
    assertThat(parsed(line("runs")).option("--limit")).contains("20");
    assertThat(parsed(line("online-store get")).positionals()).containsExactly("k1");
    assertThat(parsed("online-store", "get", "@k", "--project", "p").positionals())
        .as("no @file expansion")
        .containsExactly("@k");

    assertThat(run(Map.of(), line("serve", "--model-poll-interval", "soon"))).isEqualTo(2);
    assertThat(err())
        .startsWith("error: --model-poll-interval takes a whole number followed by s, m, h or d")
        .hasLineCount(1);
    err.reset();
    assertThat(run(Map.of(), line("serve", "--parallelism", "0"))).isEqualTo(2);
    assertThat(err())
        .startsWith("error: --parallelism takes a whole number of at least 1; got '0'.");
    err.reset();
    assertThat(run(Map.of(), line("promote", "--version", "v1"))).isEqualTo(2);
    assertThat(err())
        .startsWith("error: --version takes a version number of at least 1 or 'latest'; got 'v1'.");
    err.reset();
    assertThat(parsed(line("promote", "--version", "latest")).positiveInt("--version"))
        .contains(SharedOptions.LATEST);
  }

  @Test
  void onlineStoreRequiresItsProjectOnlyWhenItRunsItself() {
    assertThat(parsed("online-store", "get", "00003", "--project", "p").positionals())
        .containsExactly("00003");
    assertThat(run(Map.of(), "online-store", "--once")).isEqualTo(2);
    assertThat(err())
        .isEqualTo("error: missing --project <dir>. (see 'mlops online-store --help')\n");
    err.reset();
    assertThat(run(Map.of(), "online-store", "get", "--project", "p")).isEqualTo(2);
    assertThat(err()).startsWith("error: missing <entity-key>.").hasLineCount(1);
  }

  @Test
  void usageErrorsAreOneLineWithExitTwo() {
    assertThat(run(Map.of(), "featurs")).isEqualTo(2);
    assertThat(err())
        .startsWith("error: unknown command 'featurs'; did you mean features?")
        .contains("serve")
        .contains("(see 'mlops --help')")
        .hasLineCount(1);
    err.reset();
    assertThat(run(Map.of(), "features", "--projct", "x")).isEqualTo(2);
    assertThat(err())
        .isEqualTo(
            "error: unknown option '--projct' for 'features'; did you mean --project?"
                + " (see 'mlops features --help')\n");
    err.reset();
    assertThat(run(Map.of(), "promote", "--project", "p")).isEqualTo(2);
    assertThat(err())
        .isEqualTo(
            "error: missing --model <name>, --version <n|latest>. (see 'mlops promote --help')\n");
    err.reset();
    assertThat(run(Map.of(), "sql", "--project")).isEqualTo(2);
    assertThat(err()).startsWith("error: option --project <dir> needs a value.").hasLineCount(1);
    err.reset();
    assertThat(run(Map.of(), "materialize", "--project", "p", "--online-store", "ftp://x"))
        .isEqualTo(2);
    assertThat(err())
        .startsWith("error: Invalid configuration: command line at '--online-store':")
        .contains("unsupported online store 'ftp://x'")
        .hasLineCount(1);
    err.reset();
    assertThat(run(Map.of())).isEqualTo(2);
    assertThat(err())
        .contains("Usage: mlops")
        .endsWith("error: missing a command (see 'mlops --help')\n");
  }

  @Test
  void failuresOfTheImplementationMapToOneExitCodeEach() {
    Map<Class<?>, CommandHandler> h = new HashMap<>();
    String[] validate = {"validate", "--project", "p"};

    h.put(MlopsCommand.Validate.class, a -> 3);
    assertThat(run(h, validate)).as("the gate's refusal is passed on").isEqualTo(3);

    h.put(
        MlopsCommand.Validate.class,
        a -> {
          throw new UsageException(a.command, "unknown source 'x'.");
        });
    assertThat(run(h, validate)).isEqualTo(2);
    assertThat(err()).isEqualTo("error: unknown source 'x'. (see 'mlops validate --help')\n");

    err.reset();
    h.put(
        MlopsCommand.Validate.class,
        a -> {
          throw new ConfigException(
              new ConfigProblem("p/models.yaml", "models[0]", 3, "bad", "fix it"));
        });
    assertThat(run(h, validate)).isEqualTo(2);
    assertThat(err()).startsWith("error: Invalid configuration: p/models.yaml").hasLineCount(1);

    err.reset();
    System.setProperty("lakeops.log.dir", dir.toString());
    try {
      h.put(
          MlopsCommand.Validate.class,
          a -> {
            throw new IllegalStateException(
                "wrapped", new RuntimeException("", new IOException("disk full\nline two")));
          });
      assertThat(run(h, validate)).isEqualTo(1);
      assertThat(err())
          .startsWith("error: the job failed: IOException: disk full (stack trace: " + dir)
          .hasLineCount(1);
      Path trace = Path.of(err().substring(err().indexOf(dir.toString()), err().length() - 2));
      assertThat(trace).content().contains("IllegalStateException: wrapped").contains("\tat ");
    } finally {
      System.clearProperty("lakeops.log.dir");
    }
  }

  @Test
  void aCommandOfTheOtherEngineIsNamedAsSuch() {
    assertThat(run(Map.of(), "serve", "--project", "p", "--model", "m")).isEqualTo(2);
    assertThat(err())
        .startsWith("error: 'serve' runs on Flink, and this is the Spark jobs' entry point;")
        .hasLineCount(1);
  }

  @Test
  void completionScriptCoversEveryCommandAndSharedOption() {
    assertThat(run(Map.of(), "generate-completion")).isZero();
    assertThat(out())
        .contains("complete -F _complete_mlops")
        .contains("online-store")
        .contains("serve")
        .contains("--as-of")
        .contains("--flink-conf")
        .contains("--from-savepoint");
  }

  @Test
  void submitSendsExactlyTheFlinkCommandsToTheFlinkJobs() throws IOException {
    Path launcher = Path.of("").toAbsolutePath().getParent().resolve("submit/mlops");
    Matcher m =
        Pattern.compile("(?m)^\\s*([a-z|-]+)\\) engine=\"flink\"")
            .matcher(Files.readString(launcher));
    assertThat(m.find()).as("the case line in %s", launcher).isTrue();
    List<String> flink = new ArrayList<>();
    commands()
        .forEach(
            (name, cl) -> {
              if (!name.contains(" ")
                  && Cli.engineOf(cl.getCommandSpec().userObject().getClass()) == Engine.FLINK) {
                flink.add(name);
              }
            });
    assertThat(List.of(m.group(1).split("\\|"))).containsExactlyInAnyOrderElementsOf(flink);
  }
}
