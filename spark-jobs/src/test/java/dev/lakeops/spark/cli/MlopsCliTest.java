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
 * The command line as a user meets it: help, wrong arguments, broken configs; nothing here starts
 * Spark (a missing input, found by the running job, is in {@link MlopsCliIT}).
 */
class MlopsCliTest {
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

  @Test
  void validateAcceptsTheExamples() {
    assertThat(run("validate", "--project", example("cdnow").toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains(
            "valid (1 entity, 1 source, 2 feature views with 12 features, 1 label, 1 training set)")
        .contains("pipelines.yaml: valid (1 pipeline with 5 tasks)");
  }

  @Test
  void everyCommandHasHelp() {
    for (String c : new String[] {"validate", "features", "training-set"}) {
      assertThat(run(c, "--help")).isZero();
    }
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("Usage: mlops features [-h] --project <dir> [--warehouse <path>]")
        .contains("--full-refresh")
        .contains("Usage: mlops training-set");
    assertThat(run("--help")).isZero();
  }

  @Test
  void wrongArgumentsSayWhatIsAccepted() {
    assertThat(run("featurs")).isEqualTo(2);
    assertThat(err()).contains("unknown command 'featurs'").contains("training-set");
    assertThat(run("features", "--projct", "x")).isEqualTo(2);
    assertThat(err()).contains("unknown option '--projct'").contains("did you mean --project?");
    assertThat(run("features")).isEqualTo(2);
    assertThat(err()).contains("missing --project <dir>");
  }

  @Test
  void theOneEntryPointFindsTheSparkCommandsAndNamesTheFlinkOnes() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .containsPattern("(?m)^  online-store\\s")
        .containsPattern("(?m)^  serve\\s")
        .containsPattern("(?m)^  materialize\\s");
    assertThat(run("serve", "--project", "p", "--model", "m")).isEqualTo(2);
    assertThat(err())
        .startsWith("error: 'serve' runs on Flink, and this is the Spark jobs' entry point")
        .hasLineCount(1);
    // The jar lists MlopsCli for the common entry point (dev.lakeops.common.cli.Cli#main).
    assertThat(
            java.util.ServiceLoader.load(dev.lakeops.common.cli.CommandImplementations.class)
                .stream()
                .map(p -> (Object) p.type()))
        .containsExactly(MlopsCli.class);
  }

  @Test
  void unknownColumnIsReportedWithFileAndFieldBeforeAnySparkWork() throws IOException {
    Path p =
        brokenCopy(
            dir,
            "cdnow",
            "feature_views.yaml",
            "expr: dollar_value, window: 90d",
            "expr: dollar_valu, window: 90d");
    assertConfigError(
        p,
        "feature_views.yaml",
        "feature_views[1].features[1].expr",
        "unknown column 'dollar_valu'",
        "[customer_id, date, dollar_value, number_of_cds]");
  }

  @Test
  void badWindowShowsTheAcceptedForms() throws IOException {
    Path p = brokenCopy(dir, "elec2", "feature_views.yaml", "window: 24h}", "window: 24 hours}");
    assertConfigError(
        p,
        "feature_views.yaml",
        "feature_views[0].features[1].window",
        "'24 hours' is not a duration",
        "30m, 24h, 7d or 90d");
  }

  @Test
  void featureOfAMissingViewIsReported() throws IOException {
    Path p =
        brokenCopy(
            dir,
            "cdnow",
            "training_sets.yaml",
            "[customer_purchases, customer_spend]",
            "[customer_purchases, customer_spending.spend_30d]");
    assertConfigError(
        p,
        "training_sets.yaml",
        "training_sets[0].features[1]",
        "unknown feature view 'customer_spending'",
        "[customer_purchases, customer_spend]");
  }

  @Test
  void unknownAlgorithmStopsTrainingBeforeSparkAndWritesNothing() throws IOException {
    Path p = brokenCopy(dir, "cdnow", "models.yaml", "algorithm: gbt", "algorithm: xgboost");
    assertTrainConfigError(
        p, "models[0].algorithm", "unknown algorithm 'xgboost'", "logistic_regression");
  }

  @Test
  void wronglyTypedHyperparameterStopsTraining() throws IOException {
    Path p = brokenCopy(dir, "cdnow", "models.yaml", "maxIter: 20", "maxIter: lots");
    assertTrainConfigError(p, "models[0].params.maxIter", "maxIter", "lots");
  }

  @Test
  void missingLabelColumnStopsTraining() throws IOException {
    Path p = brokenCopy(dir, "elec2", "models.yaml", "label: label", "label: price_class");
    assertTrainConfigError(p, "models[0].label", "price_class", "label");
  }

  private void assertTrainConfigError(Path project, String field, String problem, String detail) {
    Path warehouse = dir.resolve("wh");
    int code =
        run(
            "train",
            "--project",
            project.toString(),
            "--warehouse",
            warehouse.toString(),
            "--model",
            project.getFileName().toString().equals("cdnow")
                ? "repeat_purchase"
                : "price_direction");
    assertThat(code).as(err()).isEqualTo(2);
    assertThat(err())
        .contains(project.resolve("models.yaml").toString())
        .contains(field)
        .contains(problem)
        .contains(detail);
    assertThat(warehouse).as("nothing is written, the registry included").doesNotExist();
  }

  private void assertConfigError(
      Path project, String file, String field, String problem, String detail) {
    Path warehouse = dir.resolve("wh");
    int code =
        run("features", "--project", project.toString(), "--warehouse", warehouse.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err())
        .contains(project.resolve(file).toString())
        .contains("at '" + field + "'")
        .contains(problem)
        .contains(detail)
        .contains("Fix:");
    assertThat(warehouse).as("nothing is written when the config is wrong").doesNotExist();
  }

  static Path brokenCopy(Path dir, String example, String file, String from, String to)
      throws IOException {
    Path copy = dir.resolve(example);
    Files.createDirectories(copy);
    try (Stream<Path> files = Files.list(example(example))) {
      for (Path f : files.toList()) {
        String text =
            Files.readString(f).replace("../../../data/", TestSpark.repo().resolve("data") + "/");
        Files.writeString(copy.resolve(f.getFileName()), text);
      }
    }
    String original = Files.readString(copy.resolve(file));
    assertThat(original).contains(from);
    Files.writeString(copy.resolve(file), original.replace(from, to));
    return copy;
  }

  static Path example(String name) {
    return TestSpark.repo().resolve("conf/examples/" + name);
  }
}
