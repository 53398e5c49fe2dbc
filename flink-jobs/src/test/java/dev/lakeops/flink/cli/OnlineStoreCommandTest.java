package dev.lakeops.flink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.flink.testing.SparkRuns;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line and configuration errors of {@code online-store}: exit 2, nothing runs. */
class OnlineStoreCommandTest {
  @TempDir Path dir;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(String... args) {
    return new OnlineStoreCommand(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .execute(args);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  static String cdnow() {
    return SparkRuns.repo().resolve("conf/examples/cdnow").toString();
  }

  @Test
  void usageErrorsExitTwoWithOneLine() {
    assertThat(run()).isEqualTo(2);
    assertThat(err()).startsWith("error: missing --project <dir>.").hasLineCount(1);

    err.reset();
    assertThat(run("--project", cdnow(), "--bogus")).isEqualTo(2);
    assertThat(err()).contains("unknown option '--bogus'").hasLineCount(1);

    err.reset();
    assertThat(run("--project", cdnow(), "--out-of-orderness", "soon")).isEqualTo(2);
    assertThat(err()).contains("--out-of-orderness takes a whole number followed by s, m, h or d");

    err.reset();
    assertThat(
            run(
                "online-store",
                "--project",
                cdnow(),
                "--out-of-orderness",
                "0s",
                "--input",
                dir.resolve("nope").toString()))
        .isEqualTo(2);
    assertThat(err()).contains("does not exist"); // 0s is a valid bound; the input is checked next

    err.reset();
    assertThat(run("--project", cdnow(), "--input", dir.resolve("nope").toString())).isEqualTo(2);
    assertThat(err()).contains("does not exist");

    err.reset();
    assertThat(run("get", "--project", cdnow())).isEqualTo(2);
    assertThat(err()).contains("missing <entity-key>");

    err.reset();
    assertThat(run("--project", cdnow(), "--online-store", "memcached://x")).isEqualTo(2);
    assertThat(err()).contains("--online-store").contains("Fix:");
  }

  @Test
  void helpExitsZero() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("Usage: mlops online-store [-h] --project <dir> [--warehouse <path>]");
    out.reset();
    assertThat(run("get", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("Usage: mlops online-store get [-h] --project <dir> [--warehouse <path>]")
        .containsPattern(
            "(?m)^Parameters:\\n\\*\\s+<entity-key>\\.\\.\\.\\s+the entity key as stored");
  }

  @Test
  void configErrorsNameTheFileTheFieldAndTheFix() throws Exception {
    Path project = Files.createDirectories(dir.resolve("broken"));
    try (Stream<Path> files = Files.list(Path.of(cdnow()))) {
      for (Path f : files.toList()) {
        Files.copy(f, project.resolve(f.getFileName()));
      }
    }
    Path views = project.resolve("feature_views.yaml");
    Files.writeString(views, Files.readString(views).replace("window: 30d", "window: 30 days"));
    assertThat(run("--project", project.toString(), "--once")).isEqualTo(2);
    assertThat(err()).contains("feature_views.yaml").contains("window").contains("Fix:");
  }
}
