package dev.lakeops.spark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.spark.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model MLlib would refuse (impute: none with a decision tree: NaN features) is reported by
 * {@code validate}, and {@code train} stops at its start with exit 2, before Spark starts (this
 * test starts no Spark: were the check late, {@code train} would need a session and a warehouse).
 */
class TrainPreflightCliTest {
  @TempDir Path dir;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(String... args) {
    return new MlopsCli(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .run(args);
  }

  @Test
  void validateReportsAndTrainStopsAtStartWithExit2() throws IOException {
    Path project =
        cdnowWith(
            "impute: mean",
            "impute: none",
            "algorithm: gbt",
            "algorithm: decision_tree",
            "params: {maxIter: 20, stepSize: 0.1, maxBins: 32}",
            "params: {maxBins: 32}");
    String models = project.resolve("models.yaml").toString();

    assertThat(run("validate", "--project", project.toString())).isEqualTo(2);
    String validate = err.toString(StandardCharsets.UTF_8);
    assertThat(validate)
        .contains(models + ":8 at 'models[0].impute'")
        .contains("decision_tree")
        .contains("Vector values MUST NOT be NaN or Infinity")
        .contains("Fix: use impute: mean or impute: median");
    assertThat(validate).containsOnlyOnce(" at 'models[");

    err.reset();
    long start = System.nanoTime();
    assertThat(
            run(
                "train",
                "--project",
                project.toString(),
                "--model",
                "repeat_purchase",
                "--warehouse",
                dir.resolve("wh").toString()))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("'models[0].impute'");
    assertThat(Files.exists(dir.resolve("wh"))).as("no warehouse was touched").isFalse();
    assertThat((System.nanoTime() - start) / 1e9).as("seconds to refuse").isLessThan(10);
  }

  /** A copy of the cdnow example with text replaced in its models.yaml (pairs of from, to). */
  private Path cdnowWith(String... fromTo) throws IOException {
    Path copy = dir.resolve("cdnow");
    Files.createDirectories(copy);
    try (Stream<Path> files = Files.list(TestSpark.repo().resolve("conf/examples/cdnow"))) {
      for (Path f : files.toList()) {
        String text =
            Files.readString(f).replace("../../../data/", TestSpark.repo().resolve("data") + "/");
        if (f.getFileName().toString().equals("models.yaml")) {
          for (int i = 0; i < fromTo.length; i += 2) {
            assertThat(text).contains(fromTo[i]);
            text = text.replace(fromTo[i], fromTo[i + 1]);
          }
        }
        Files.writeString(copy.resolve(f.getFileName()), text);
      }
    }
    return copy;
  }
}
