package dev.lakeops.flink.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.cli.CommandImplementations;
import dev.lakeops.common.cli.Engine;
import dev.lakeops.common.cli.MlopsCommand;
import dev.lakeops.flink.testing.SparkRuns;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Flink half of the one command line: dispatch, help, usage errors; parse only, no job. */
class FlinkCliTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return FlinkCli.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  static String cdnow() {
    return SparkRuns.repo().resolve("conf/examples/cdnow").toString();
  }

  @Test
  void helpListsEveryCommandOfBothEngines() {
    assertThat(run("--help")).isZero();
    for (String c : List.of("online-store", "serve", "features", "train", "promote", "sql")) {
      assertThat(out()).containsPattern("(?m)^  " + c + "\\s");
    }
  }

  @Test
  void noCommandIsAUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err()).contains("Usage: mlops").contains("error: missing a command");
  }

  @Test
  void aSparkCommandHereIsNamedAsSuch() {
    assertThat(run("features", "--project", "x")).isEqualTo(2);
    assertThat(err())
        .startsWith("error: 'features' runs on Spark, and this is the Flink jobs' entry point")
        .hasLineCount(1);
  }

  @Test
  void thePipelineGroupAloneNamesItsSubcommands() {
    assertThat(run("pipeline")).isEqualTo(2);
    assertThat(err())
        .startsWith(
            "error: missing a subcommand: run, resume, status or export-databricks. (see 'mlops"
                + " pipeline --help')")
        .hasLineCount(1);
  }

  @Test
  void theJarListsItsImplementationsForTheCommonEntryPoint() {
    List<CommandImplementations> found = new ArrayList<>();
    ServiceLoader.load(CommandImplementations.class).forEach(found::add);
    assertThat(found).hasSize(1);
    assertThat(found.get(0).engine()).isEqualTo(Engine.FLINK);
    assertThat(found.get(0).handlers().keySet())
        .containsExactlyInAnyOrder(
            MlopsCommand.OnlineStore.class,
            MlopsCommand.OnlineStore.Get.class,
            MlopsCommand.Serve.class,
            MlopsCommand.Scheduler.class,
            MlopsCommand.Monitor.class,
            MlopsCommand.Report.class,
            MlopsCommand.Pipeline.class,
            MlopsCommand.Pipeline.Run.class,
            MlopsCommand.Pipeline.Resume.class,
            MlopsCommand.Pipeline.Status.class,
            MlopsCommand.Pipeline.ExportDatabricks.class,
            MlopsCommand.Demo.class);
  }

  @Test
  void eachCommandGetsItsOwnOptions() {
    assertThat(run("serve", "--project", cdnow())).isEqualTo(2);
    assertThat(err()).isEqualTo("error: missing --model <name>. (see 'mlops serve --help')\n");
    err.reset();
    assertThat(run("online-store", "--no-such-option")).isEqualTo(2);
    assertThat(err()).contains("unknown option '--no-such-option'").hasLineCount(1);
  }

  @Test
  void serveOfAMissingInputDirectoryStopsAtStartWithOneLine() {
    Path missing = dir.resolve("no-events");
    assertThat(
            run(
                "serve",
                "--project",
                cdnow(),
                "--model",
                "repeat_purchase",
                "--input",
                missing.toString(),
                "--once"))
        .isEqualTo(2);
    assertThat(err())
        .isEqualTo(
            "error: the input directory "
                + missing
                + " does not exist (or is not a directory). (see 'mlops serve --help')\n");
    assertThat(out()).isEmpty();
  }

  @Test
  void serveTakesTheFlinkConfAndTheSavepointAsFlinkSettings() throws Exception {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(
        conf.resolve("config.yaml"),
        "restart-strategy:\n  type: none\nexecution:\n  checkpointing:\n    interval: 7 s\n");
    // A savepoint directory as Flink leaves it: the check wants its _metadata file.
    Path savepoint = Files.createDirectories(dir.resolve("savepoints/sp-1"));
    Files.writeString(savepoint.resolve("_metadata"), "");
    String savepointUri = savepoint.toUri().toString();
    List<ServeCommand.Parsed> seen = new ArrayList<>();
    ServeCommand serve = new ServeCommand(new PrintStream(out), new PrintStream(err));
    int code =
        dev.lakeops.common.cli.Cli.run(
            new String[] {
              "serve",
              "--project",
              cdnow(),
              "--model",
              "repeat_purchase",
              "--input",
              dir.toString(),
              "--flink-conf",
              conf.toString(),
              "--from-savepoint",
              savepointUri
            },
            new PrintStream(out),
            new PrintStream(err),
            Engine.FLINK,
            Map.of(
                MlopsCommand.Serve.class,
                a -> {
                  seen.add(serve.parse(a));
                  return 0;
                }));
    assertThat(code).as(err()).isZero();
    assertThat(seen.get(0).flinkConf())
        .containsEntry("restart-strategy.type", "none")
        .containsEntry("execution.checkpointing.interval", "7 s")
        .containsEntry("execution.state-recovery.path", savepointUri);
    assertThat(seen.get(0).settings().inputDir()).isEqualTo(dir.toString());
  }

  @Test
  void flinkConfIsReadWithFlinksLoaderFromADirectoryOrAnyYamlFile() throws Exception {
    String nested = "taskmanager:\n  numberOfTaskSlots: 3\nstate:\n  backend:\n    type: rocksdb\n";
    Path d = Files.createDirectories(dir.resolve("d"));
    Files.writeString(d.resolve("config.yaml"), nested);
    Map<String, String> fromDir = FlinkCli.flinkConf("serve", d);
    assertThat(fromDir)
        .containsEntry("taskmanager.numberOfTaskSlots", "3")
        .containsEntry("state.backend.type", "rocksdb");
    assertThat(FlinkCli.flinkConf("serve", d.resolve("config.yaml"))).isEqualTo(fromDir);

    Path other = dir.resolve("my-flink.yaml");
    Files.writeString(other, "state.backend.type: hashmap\nparallelism.default: 2\n");
    assertThat(FlinkCli.flinkConf("online-store", other))
        .containsEntry("state.backend.type", "hashmap")
        .containsEntry("parallelism.default", "2");

    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> FlinkCli.flinkConf("serve", empty))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("has no config.yaml");
  }

  @Test
  void aRelativeEmbeddedStoreIsUnderTheWorkingDirectoryInOnlineStoreGet() throws Exception {
    String rel = "target/cli-" + UUID.randomUUID() + "/rel.db";
    Path expected = Path.of("").toAbsolutePath().resolve(rel);
    String[] get = {
      "online-store",
      "get",
      "00003",
      "--project",
      cdnow(),
      "--warehouse",
      dir.resolve("wh").toString(),
      "--online-store",
      "embedded:" + rel,
      "--as-of",
      "1998-07-01"
    };
    try {
      // A read never creates a store: no file there yet, so exit 2 naming the resolved file.
      assertThat(run(get)).isEqualTo(2);
      assertThat(err()).contains("there is no online store at " + expected);
      assertThat(expected).doesNotExist();
      // An (empty) store at the resolved file: read from there.
      Files.createDirectories(expected.getParent());
      dev.lakeops.common.online.OnlineStores.spec(
              new dev.lakeops.common.online.OnlineStoreConfig.Embedded(expected.toString()),
              dir.resolve("wh").toString(),
              dev.lakeops.common.config.ProjectLoader.load(Path.of(cdnow())))
          .open()
          .close();
      assertThat(
              run(
                  "online-store",
                  "get",
                  "00003",
                  "--project",
                  cdnow(),
                  "--warehouse",
                  dir.resolve("wh").toString(),
                  "--online-store",
                  "embedded:" + rel,
                  "--as-of",
                  "1998-07-01"))
          .as(err())
          .isZero();
      assertThat(expected).as("the store file, against the working directory").exists();
      assertThat(dir.resolve("wh")).as("nothing under the warehouse").doesNotExist();
      assertThat(out()).contains("customer_spend").contains("no row");
    } finally {
      Files.deleteIfExists(expected);
      Files.deleteIfExists(expected.resolveSibling("rel.db-wal"));
      Files.deleteIfExists(expected.resolveSibling("rel.db-shm"));
      Files.deleteIfExists(expected.getParent());
    }
  }
}
