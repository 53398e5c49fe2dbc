package dev.lakeops.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.ConfigProblem;
import dev.lakeops.common.monitoring.ModelMonitoring;
import dev.lakeops.common.monitoring.ModelMonitoring.Rule;
import dev.lakeops.common.monitoring.Statistic;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** monitoring.yaml: optional, bound to typed rules, every mistake named by file, field and line. */
class MonitoringLoaderTest {
  private static final Path EXAMPLES = Path.of("..", "conf", "examples");

  private static final String VALID =
      """
      models:
        price_direction:
          window: {size: 1d, slide: 12h}
          labels:
            path: data/elec2/labels
            event_id: event_id
            label: label
            ttl: 7d
          rules:
            - name: input_shift
              statistic: psi
              feature: any
              threshold: 0.2
              consecutive: 2
              cooldown: 7d
            - name: price_shift
              statistic: ks_p_value
              feature: price_vs_mean_24h_z
              threshold: 0.01
            - name: accuracy_drop
              statistic: accuracy
              threshold: 0.7
      scheduler:
        retrain: [submit/mlops, train, --project, "{project}", --model, "{model}"]
        cron: "0 3 * * *"
        on_new_features: true
      """;

  @TempDir Path tmp;

  @Test
  void aProjectWithoutTheFileMonitorsNothing() throws IOException {
    ProjectConfig p = ProjectLoader.load(copy());
    assertThat(p.monitoring().isPresent()).isFalse();
    assertThat(p.monitoring().models()).isEmpty();
    assertThat(p.monitoring().scheduler()).isEqualTo(MonitoringConfig.Scheduler.DEFAULT);
  }

  @Test
  void bindsEveryField() throws IOException {
    ProjectConfig p = ProjectLoader.load(project(VALID));
    MonitoringConfig m = p.monitoring();
    assertThat(m.isPresent()).isTrue();
    ModelMonitoring pd = m.model("price_direction").orElseThrow();
    assertThat(pd.windowSize()).isEqualTo(Duration.ofDays(1));
    assertThat(pd.windowSlide()).isEqualTo(Duration.ofHours(12));
    assertThat(pd.labels().path()).isEqualTo("data/elec2/labels");
    assertThat(pd.labels().kafkaTopic()).isNull();
    assertThat(pd.labels().ttl()).isEqualTo(Duration.ofDays(7));
    assertThat(pd.rules())
        .containsExactly(
            new Rule("input_shift", Statistic.PSI, "any", 0.2, 2, Duration.ofDays(7)),
            new Rule(
                "price_shift", Statistic.KS_P_VALUE, "price_vs_mean_24h_z", 0.01, 1, Duration.ZERO),
            new Rule("accuracy_drop", Statistic.ACCURACY, null, 0.7, 1, Duration.ZERO));
    assertThat(m.scheduler().retrain())
        .containsExactly("submit/mlops", "train", "--project", "{project}", "--model", "{model}");
    assertThat(m.scheduler().cron()).isEqualTo("0 3 * * *");
    assertThat(m.scheduler().onNewFeatures()).isTrue();
  }

  @Test
  void tumblingByDefaultAndFeatureAnyByDefault() throws IOException {
    ProjectConfig p =
        ProjectLoader.load(
            project(
                """
                models:
                  price_direction:
                    window: {size: 6h}
                    rules:
                      - {name: drift, statistic: jensen_shannon, threshold: 0.1}
                """));
    ModelMonitoring pd = p.monitoring().model("price_direction").orElseThrow();
    assertThat(pd.windowSlide()).isEqualTo(Duration.ofHours(6));
    assertThat(pd.labels()).isNull();
    assertThat(pd.rules().get(0).feature()).isEqualTo("any");
  }

  @Test
  void theConfigIsSerializable() throws IOException {
    MonitoringConfig m = ProjectLoader.load(project(VALID)).monitoring();
    try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
      out.writeObject(m); // throws NotSerializableException if a part is not
    }
  }

  @Test
  void unknownModelNamesFileFieldAndModels() throws IOException {
    ConfigException e =
        loadFails(
            project(
                """
                models:
                  price_directoin:
                    window: {size: 1d}
                """));
    ConfigProblem p = problemAt(e, "models.price_directoin", 3);
    assertThat(p.problem()).contains("unknown model 'price_directoin'").contains("price_direction");
    assertThat(e.getMessage()).contains("monitoring.yaml:3 at 'models.price_directoin'");
  }

  @Test
  void unknownStatisticListsTheChoices() throws IOException {
    ConfigException e = loadFails(project(rules("- {name: r, statistic: psy, threshold: 0.2}")));
    ConfigProblem p = problemAt(e, "models.price_direction.rules[0].statistic", 5);
    assertThat(p.problem())
        .contains("unknown statistic 'psy'")
        .contains("psi")
        .contains("ks_p_value")
        .contains("kappa_temporal");
    assertThat(e.getMessage()).contains("monitoring.yaml:5");
  }

  @Test
  void unknownFeatureListsTheModelsInputs() throws IOException {
    ConfigException e =
        loadFails(project(rules("- {name: r, statistic: psi, feature: nswprise, threshold: 0.2}")));
    ConfigProblem p = problemAt(e, "models.price_direction.rules[0].feature", 5);
    assertThat(p.problem())
        .contains("unknown feature 'nswprise'")
        .contains("price_vs_mean_24h_z")
        .contains("'prediction'");
    assertThat(p.file()).endsWith("monitoring.yaml");
  }

  @Test
  void aFeatureOnAPerformanceStatisticIsAnError() throws IOException {
    ConfigException e =
        loadFails(
            project(
                rules("- {name: r, statistic: accuracy, feature: time_of_day, threshold: 0.7}")));
    assertThat(problemAt(e, "models.price_direction.rules[0].feature", 5).problem())
        .contains("performance statistic");
  }

  @Test
  void predictionIsAFeatureOfEveryModel() throws IOException {
    ProjectConfig p =
        ProjectLoader.load(
            project(rules("- {name: r, statistic: psi, feature: prediction, threshold: 0.2}")));
    assertThat(p.monitoring().model("price_direction").orElseThrow().rules().get(0).feature())
        .isEqualTo("prediction");
  }

  @Test
  void badDurationsCronAndCountsAreAllReportedInOnePass() throws IOException {
    ConfigException e =
        loadFails(
            project(
                """
                models:
                  price_direction:
                    window: {size: 1 day}
                    rules:
                      - {name: r, statistic: psi, threshold: 0.2, consecutive: 0, cooldown: 7w}
                      - {name: r, statistic: psi, threshold: high}
                scheduler:
                  cron: "0 25 * * *"
                """));
    assertThat(problemAt(e, "models.price_direction.window.size", 3).problem())
        .contains("expected a duration, got '1 day'");
    assertThat(problemAt(e, "models.price_direction.rules[0].consecutive", 5).problem())
        .contains("from 1 to 10000");
    assertThat(problemAt(e, "models.price_direction.rules[0].cooldown", 5).problem())
        .contains("'7w'");
    assertThat(problemAt(e, "models.price_direction.rules[1].threshold", 6).problem())
        .contains("expected a number");
    assertThat(problemAt(e, "scheduler.cron", 8).problem())
        .contains("not a valid cron expression '0 25 * * *'");
    assertThat(problemAt(e, "scheduler.cron", 8).fix()).contains("0 3 * * *");
  }

  @Test
  void monitoringProblemsAreListedWithTheOtherFilesProblems() throws IOException {
    Path dir = project(rules("- {name: r, statistic: psy, threshold: 0.2}"));
    Path project = dir.resolve("project.yaml");
    Files.writeString(project, Files.readString(project) + "\nbogus: 1\n");
    ConfigException e = loadFails(dir);
    assertThat(e.problems()).extracting(ConfigProblem::field).contains("bogus");
    assertThat(e.problems())
        .extracting(ConfigProblem::field)
        .contains("models.price_direction.rules[0].statistic");
  }

  @Test
  void labelsNeedExactlyOneOfPathAndKafka() throws IOException {
    ConfigException e =
        loadFails(
            project(
                """
                models:
                  price_direction:
                    window: {size: 1d}
                    labels: {ttl: 2d}
                """));
    assertThat(problemAt(e, "models.price_direction.labels", 4).problem())
        .contains("exactly one of 'path'")
        .contains("neither");
  }

  // ---- helpers ----------------------------------------------------------------------------

  private static String rules(String rule) {
    return "models:\n  price_direction:\n    window: {size: 1d}\n    rules:\n      " + rule + "\n";
  }

  private Path project(String monitoringYaml) throws IOException {
    Path dir = copy();
    Files.writeString(dir.resolve(MonitoringConfig.FILE), monitoringYaml);
    return dir;
  }

  private Path copy() throws IOException {
    Path dir = tmp.resolve("elec2");
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(EXAMPLES.resolve("elec2"))) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName().toString()));
      }
    }
    // The example's monitoring.yaml is left out: these tests write their own, or none.
    Files.deleteIfExists(dir.resolve(MonitoringConfig.FILE));
    return dir;
  }

  private static ConfigException loadFails(Path dir) {
    return assertThrows(ConfigException.class, () -> ProjectLoader.load(dir));
  }

  private static ConfigProblem problemAt(ConfigException e, String field, int line) {
    List<ConfigProblem> at = e.problems().stream().filter(p -> p.field().equals(field)).toList();
    assertThat(at).as("problems at '%s' in %s", field, e.getMessage()).hasSize(1);
    assertThat(at.get(0).line()).as("line of '%s'", field).isEqualTo(line);
    assertThat(at.get(0).file()).endsWith(MonitoringConfig.FILE);
    return at.get(0);
  }
}
