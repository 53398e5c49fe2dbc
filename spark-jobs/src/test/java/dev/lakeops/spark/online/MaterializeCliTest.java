package dev.lakeops.spark.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.spark.TestSpark;
import dev.lakeops.spark.cli.MlopsCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mlops materialize}: help and the errors that stop it before Spark starts (exit 2). */
class MaterializeCliTest {
  @TempDir Path dir;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(String... args) {
    return new MlopsCli(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .run(args);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  static String cdnow() {
    return TestSpark.repo().resolve("conf/examples/cdnow").toString();
  }

  @Test
  void hasHelpAndIsListed() {
    assertThat(run("materialize", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains(
            "Usage: mlops materialize [-h] --project <dir> [--warehouse <path>] [--spark-ui]"
                + " [--view <name>]")
        .containsPattern("--online-store <uri>\\s+redis://host:port\\[/key prefix\\]")
        .containsPattern("--as-of <time>\\s+the time to read at: an instant");
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .containsPattern("(?m)^  materialize\\s+write the latest");
  }

  @Test
  void anUnsupportedStoreUriStopsAtStart() {
    int code =
        run(
            "materialize",
            "--project",
            cdnow(),
            "--warehouse",
            dir.toString(),
            "--online-store",
            "ftp://x");
    assertThat(code).isEqualTo(2);
    assertThat(err())
        .startsWith("error: Invalid configuration: command line at '--online-store':")
        .contains("unsupported online store 'ftp://x'")
        .contains("Fix: write e.g. --online-store redis://127.0.0.1:6379/myproject:");
    assertThat(err().lines().count()).isEqualTo(1);
    assertThat(dir.resolve("cdnow")).doesNotExist(); // nothing ran
  }

  @Test
  void anUnknownStoreTypeInProjectYamlStopsAtStart() throws IOException {
    Path p = dir.resolve("proj");
    Files.createDirectories(p);
    try (var files = Files.list(Path.of(cdnow()))) {
      for (Path f : files.toList()) {
        Files.copy(f, p.resolve(f.getFileName()));
      }
    }
    String yaml = Files.readString(p.resolve("project.yaml"));
    Files.writeString(p.resolve("project.yaml"), yaml + "online_store: {type: memcached}\n");
    // the source path is relative to the example; point it back at the data
    Files.writeString(
        p.resolve("sources.yaml"),
        Files.readString(p.resolve("sources.yaml"))
            .replace("../../../data", TestSpark.repo().resolve("data").toString()));

    assertThat(run("materialize", "--project", p.toString(), "--warehouse", dir.toString()))
        .isEqualTo(2);
    assertThat(err())
        .contains("project.yaml")
        .contains("'online_store.type'")
        .contains("memcached")
        .contains("Fix:");
    assertThat(dir.resolve("cdnow")).doesNotExist();
  }

  @Test
  void aRemoteWarehouseWithTheDefaultEmbeddedStoreStopsAtStart() {
    assertThat(run("materialize", "--project", cdnow(), "--warehouse", "s3a://bucket/wh"))
        .isEqualTo(2);
    assertThat(err())
        .contains("the warehouse 's3a://bucket/wh' is not a local path")
        .contains("Fix: set online_store: {type: embedded, path:");
  }

  @Test
  void usageErrorsExitTwoWithOneLine() {
    assertThat(run("materialize", "--project", cdnow(), "--view", "nope")).isEqualTo(2);
    assertThat(err().lines().findFirst().orElse(""))
        .isEqualTo(
            "error: unknown feature view 'nope'; the project has [customer_purchases,"
                + " customer_spend]. (see 'mlops materialize --help')");
    err.reset();
    assertThat(run("materialize", "--project", cdnow(), "--as-of", "yesterday")).isEqualTo(2);
    assertThat(err()).startsWith("error: --as-of 'yesterday' is not a time");
    err.reset();
    assertThat(run("materialize", "--project")).isEqualTo(2);
    assertThat(err()).startsWith("error: option --project <dir> needs a value.").hasLineCount(1);
  }
}
