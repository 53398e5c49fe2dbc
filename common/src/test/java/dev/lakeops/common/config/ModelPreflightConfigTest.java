package dev.lakeops.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.ConfigProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What MLlib would refuse is reported by the loader ({@code mlops validate}), with the file, the
 * field, the line, what was expected and the fix: the TrainingPreflight rules through models.yaml.
 */
class ModelPreflightConfigTest {
  private static final Path EXAMPLES = Path.of("..", "conf", "examples");

  @TempDir Path tmp;

  @Test
  void imputeNoneWithADecisionTreeIsReportedAtImpute() throws IOException {
    Path dir =
        project(
            """
            models:
              - name: m
                training_set: price_direction
                task: classification
                algorithm: decision_tree
                features: [nswprice, nswprice_mean_24h]
                impute: none
            """);

    ConfigException e = assertThrows(ConfigException.class, () -> ProjectLoader.load(dir));

    ConfigProblem p = only(e, "models[0].impute");
    assertThat(p.file()).endsWith("models.yaml");
    assertThat(p.line()).isEqualTo(7);
    assertThat(p.problem())
        .contains("[nswprice, nswprice_mean_24h]")
        .contains("decision_tree")
        .contains("Vector values MUST NOT be NaN or Infinity");
    assertThat(p.fix()).contains("impute: mean or impute: median");
  }

  @Test
  void mllibRangesAndCombinationsAreReportedAtTheirField() throws IOException {
    Path dir =
        project(
            """
            models:
              - name: tree
                training_set: price_direction
                task: classification
                algorithm: decision_tree
                params: {minWeightFractionPerNode: 0.5}
              - name: huber
                training_set: price_direction
                task: regression
                label: nswprice
                features: [nswdemand]
                algorithm: linear_regression
                params: {loss: huber, elasticNetParam: 0.5}
            """);

    ConfigException e = assertThrows(ConfigException.class, () -> ProjectLoader.load(dir));

    assertThat(e.problems()).hasSize(2);
    assertThat(only(e, "models[0].params.minWeightFractionPerNode").problem())
        .isEqualTo("minWeightFractionPerNode must be a number in [0.0, 0.5), got 0.5.");
    ConfigProblem huber = only(e, "models[1].params.elasticNetParam");
    assertThat(huber.line()).isEqualTo(13);
    assertThat(huber.problem()).contains("loss huber takes L2 regularisation only");
    assertThat(huber.fix()).isEqualTo("set elasticNetParam to 0.0, or use loss: squaredError.");
  }

  @Test
  void aBooleanFeatureCannotBeTheLabel() throws IOException {
    Path dir = copy("elec2");
    Path views = dir.resolve("feature_views.yaml");
    String from = "      - {name: price_spread, expr: nswprice - vicprice}\n";
    assertThat(Files.readString(views)).contains(from);
    Files.writeString(
        views,
        Files.readString(views)
            .replace(from, from + "      - {name: expensive, expr: nswprice > 0.1}\n"));
    Files.writeString(
        dir.resolve("models.yaml"),
        """
        models:
          - name: m
            training_set: price_direction
            task: classification
            label: expensive
            features: [nswdemand]
            algorithm: logistic_regression
        """);

    ConfigException e = assertThrows(ConfigException.class, () -> ProjectLoader.load(dir));

    ConfigProblem p = only(e, "models[0].label");
    assertThat(p.line()).isEqualTo(5);
    assertThat(p.problem()).contains("'expensive' is a boolean");
  }

  private static ConfigProblem only(ConfigException e, String field) {
    List<ConfigProblem> at = e.problems().stream().filter(p -> p.field().equals(field)).toList();
    assertThat(at).as("problems at '%s' in %s", field, e.getMessage()).hasSize(1);
    assertThat(e.getMessage()).contains(at.get(0).problem());
    return at.get(0);
  }

  private Path project(String modelsYaml) throws IOException {
    Path dir = copy("elec2");
    Files.writeString(dir.resolve("models.yaml"), modelsYaml);
    return dir;
  }

  private Path copy(String example) throws IOException {
    Path dir = tmp.resolve(example);
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(EXAMPLES.resolve(example))) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName().toString()));
      }
    }
    return dir;
  }
}
