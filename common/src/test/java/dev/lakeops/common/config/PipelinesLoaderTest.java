package dev.lakeops.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.ConfigProblem;
import dev.lakeops.common.pipeline.Pipeline;
import dev.lakeops.common.pipeline.PipelineTask;
import dev.lakeops.common.pipeline.PipelinesConfig;
import dev.lakeops.common.pipeline.RunIf;
import dev.lakeops.common.pipeline.TaskType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pipelines.yaml: optional, bound to typed tasks; every load error names the file, the field and
 * its line.
 */
class PipelinesLoaderTest {
  private static final Path EXAMPLES = Path.of("..", "conf", "examples");

  @TempDir Path tmp;

  @Test
  void aProjectWithoutTheFileHasNoPipelines() throws IOException {
    Path dir = copy("elec2");
    Files.delete(dir.resolve(PipelinesConfig.FILE));
    ProjectConfig p = ProjectLoader.load(dir);
    assertThat(p.pipelines().isPresent()).isFalse();
    assertThat(p.pipelines().pipelines()).isEmpty();
  }

  @Test
  void theExamplesRetrainPipelinesLoadInDependencyOrder() throws IOException {
    for (String example : List.of("elec2", "cdnow")) {
      Pipeline p = ProjectLoader.load(copy(example)).pipelines().pipeline("retrain").orElseThrow();
      assertThat(p.dag().topologicalOrder())
          .containsExactly("features", "training_set", "train", "promote", "materialize");
    }
  }

  @Test
  void bindsEveryField() throws IOException {
    Path dir =
        project(
            """
            pipelines:
              - name: nightly
                description: every night
                max_parallel: 3
                tasks:
                  - name: features
                    type: features
                    params: {source: elec2_readings, full_refresh: true}
                    retries: 2
                    retry_backoff: 5s
                    timeout: 10m
                  - name: report
                    type: monitor-report
                    params: {model: price_direction}
                    depends_on: [features]
                    run_if: all_done
                  - name: alert
                    type: command
                    params: {argv: [sh, -c, "echo failed"]}
                    depends_on: [features, report]
                    run_if: at_least_one_failed
                  - name: score
                    type: batch-score
                    params: {model: price_direction, training_set: price_direction, anything: x}
            """);
    Pipeline p = ProjectLoader.load(dir).pipelines().pipeline("nightly").orElseThrow();
    assertThat(p.description()).isEqualTo("every night");
    assertThat(p.maxParallel()).isEqualTo(3);
    assertThat(p.tasks().keySet()).containsExactly("features", "report", "alert", "score");
    assertThat(p.task("features"))
        .isEqualTo(
            new PipelineTask(
                "features",
                TaskType.FEATURES,
                Map.of("source", "elec2_readings", "full_refresh", true),
                List.of(),
                RunIf.ALL_SUCCESS,
                2,
                Duration.ofSeconds(5),
                Duration.ofMinutes(10)));
    assertThat(p.task("report").runIf()).isEqualTo(RunIf.ALL_DONE);
    assertThat(p.task("report").retries()).isZero();
    assertThat(p.task("report").retryBackoff()).isEqualTo(PipelineTask.DEFAULT_BACKOFF);
    assertThat(p.task("report").timeout()).isNull();
    assertThat(p.task("alert").params().get("argv")).isEqualTo(List.of("sh", "-c", "echo failed"));
    assertThat(p.task("alert").dependsOn()).containsExactly("features", "report");
    assertThat(p.task("alert").runIf()).isEqualTo(RunIf.AT_LEAST_ONE_FAILED);
    assertThat(p.task("score").params()).containsEntry("anything", "x");
  }

  @Test
  void aCycleIsAnErrorNamingItsTasks() throws IOException {
    ConfigException e =
        loadFails(
            """
            pipelines:
              - name: p
                tasks:
                  - {name: a, type: validate, depends_on: [c]}
                  - {name: b, type: validate, depends_on: [a]}
                  - {name: c, type: validate, depends_on: [b]}
            """);
    ConfigProblem p = problemAt(e, "pipelines[0].tasks[0].depends_on", 4);
    assertThat(p.problem()).contains("cycle: a -> c -> b -> a");
    assertThat(p.fix()).contains("remove one");
  }

  @Test
  void aTaskDependingOnItselfIsAnError() throws IOException {
    ConfigException e =
        loadFails(
            """
            pipelines:
              - name: p
                tasks:
                  - {name: a, type: validate, depends_on: [a]}
            """);
    assertThat(problemAt(e, "pipelines[0].tasks[0].depends_on", 4).problem())
        .contains("depends on itself");
  }

  @Test
  void anUnknownDependencyIsAnErrorNamingThePipelinesTasks() throws IOException {
    ConfigException e =
        loadFails(
            """
            pipelines:
              - name: p
                tasks:
                  - {name: a, type: validate}
                  - name: b
                    type: validate
                    depends_on: [a, nope]
            """);
    ConfigProblem p = problemAt(e, "pipelines[0].tasks[1].depends_on[1]", 7);
    assertThat(p.problem()).contains("unknown task 'nope'").contains("[a, b]");
  }

  @Test
  void anUnknownTaskTypeIsAnErrorListingTheTypes() throws IOException {
    ConfigException e =
        loadFails(
            """
            pipelines:
              - name: p
                tasks:
                  - {name: a, type: spark}
            """);
    ConfigProblem p = problemAt(e, "pipelines[0].tasks[0].type", 4);
    assertThat(p.problem())
        .contains("unknown task type 'spark'")
        .contains("training-set")
        .contains("monitor-report")
        .contains("command");
  }

  @Test
  void missingModelTrainingSetFeatureViewAndSourceAreErrorsNamingTheFileThatDeclaresThem()
      throws IOException {
    ConfigException e =
        loadFails(
            """
            pipelines:
              - name: p
                tasks:
                  - {name: a, type: train, params: {model: nope}}
                  - {name: b, type: training-set, params: {training_set: gone}}
                  - {name: c, type: materialize, params: {view: missing}}
                  - {name: d, type: features, params: {source: absent}}
                  - {name: e, type: batch-score, params: {model: price_direction, feature_view: x}}
            """);
    assertThat(problemAt(e, "pipelines[0].tasks[0].params.model", 4).problem())
        .isEqualTo("unknown model 'nope'; models.yaml has [price_direction].");
    assertThat(problemAt(e, "pipelines[0].tasks[1].params.training_set", 5).problem())
        .isEqualTo("unknown training set 'gone'; training_sets.yaml has [price_direction].");
    assertThat(problemAt(e, "pipelines[0].tasks[2].params.view", 6).problem())
        .startsWith("unknown feature view 'missing'; feature_views.yaml has [");
    assertThat(problemAt(e, "pipelines[0].tasks[3].params.source", 7).problem())
        .isEqualTo("unknown source 'absent'; sources.yaml has [elec2_readings].");
    assertThat(problemAt(e, "pipelines[0].tasks[4].params.feature_view", 8).problem())
        .startsWith("unknown feature view 'x'");
    assertThat(e.problems()).hasSize(5);
  }

  @Test
  void paramsAreCheckedAgainstTheTaskType() throws IOException {
    ConfigException e =
        loadFails(
            """
            pipelines:
              - name: p
                tasks:
                  - {name: a, type: train}
                  - {name: b, type: train, params: {model: price_direction, grid: big}}
                  - {name: c, type: command}
                  - {name: d, type: command, params: {argv: echo}}
                  - {name: e, type: promote, params: {model: price_direction, version: newest}}
                  - {name: f, type: features, params: {full_refresh: maybe}}
                  - {name: g, type: validate, params: [x]}
            """);
    assertThat(problemAt(e, "pipelines[0].tasks[0].params.model", 4).problem())
        .isEqualTo("missing required param 'model' for a task of type 'train'.");
    assertThat(problemAt(e, "pipelines[0].tasks[1].params.grid", 5).problem())
        .isEqualTo("unknown param 'grid' for a task of type 'train'; accepted are [model, by].");
    assertThat(problemAt(e, "pipelines[0].tasks[2].params.argv", 6).problem())
        .contains("missing required param 'argv'");
    assertThat(problemAt(e, "pipelines[0].tasks[3].params.argv", 7).problem())
        .contains("a list of its words");
    assertThat(problemAt(e, "pipelines[0].tasks[4].params.version", 8).problem())
        .contains("a version number or 'latest', got 'newest'");
    assertThat(problemAt(e, "pipelines[0].tasks[5].params.full_refresh", 9).problem())
        .contains("true or false");
    assertThat(problemAt(e, "pipelines[0].tasks[6].params", 10).problem())
        .contains("expected a mapping");
  }

  @Test
  void runIfRetriesBackoffTimeoutAndMaxParallelAreChecked() throws IOException {
    ConfigException e =
        loadFails(
            """
            pipelines:
              - name: p
                max_parallel: 0
                tasks:
                  - {name: a, type: validate, run_if: sometimes}
                  - {name: b, type: validate, retries: -1}
                  - {name: c, type: validate, retry_backoff: soon}
                  - {name: d, type: validate, timeout: 0s}
                  - {name: e, type: validate, depends_on: [a], colour: red}
            """);
    assertThat(problemAt(e, "pipelines[0].max_parallel", 3).problem())
        .contains("from 1 to 64, got 0.0");
    assertThat(problemAt(e, "pipelines[0].tasks[0].run_if", 5).problem())
        .isEqualTo(
            "unknown run_if 'sometimes'; expected one of [all_success, all_done,"
                + " at_least_one_failed].");
    assertThat(problemAt(e, "pipelines[0].tasks[1].retries", 6).problem())
        .contains("from 0 to 100");
    assertThat(problemAt(e, "pipelines[0].tasks[2].retry_backoff", 7).problem())
        .contains("positive duration, got 'soon'");
    assertThat(problemAt(e, "pipelines[0].tasks[3].timeout", 8).problem())
        .contains("positive duration, got '0s'");
    assertThat(problemAt(e, "pipelines[0].tasks[4].colour", 9).problem())
        .contains("unknown field 'colour'");
    // 'a' failed its own check: 'e' depending on it is not reported again
    assertThat(e.problems()).hasSize(6);
  }

  @Test
  void namesMustBeValidAndUnique() throws IOException {
    ConfigException e =
        loadFails(
            """
            pipelines:
              - name: p
                tasks:
                  - {name: a, type: validate}
                  - {name: a, type: validate}
                  - {name: Bad-Name, type: validate}
              - name: p
                tasks:
                  - {name: x, type: validate}
              - tasks: [{name: y, type: validate}]
            """);
    assertThat(problemAt(e, "pipelines[0].tasks[1].name", 5).problem())
        .contains("'a' is used twice");
    assertThat(problemAt(e, "pipelines[0].tasks[2].name", 6).problem())
        .contains("not a valid name");
    assertThat(problemAt(e, "pipelines[1].name", 7).problem()).contains("'p' is used twice");
    assertThat(problemAt(e, "pipelines[2].name", 10).problem()).contains("missing required field");
  }

  @Test
  void aFileWithoutPipelinesIsAnError() throws IOException {
    ConfigException e = loadFails("tasks: []\n");
    assertThat(e.problems()).extracting(ConfigProblem::field).contains("tasks", "pipelines");
    assertThat(e.problems()).allSatisfy(p -> assertThat(p.file()).endsWith(PipelinesConfig.FILE));
  }

  // ---- helpers ----------------------------------------------------------------------------

  private ConfigException loadFails(String yaml) throws IOException {
    Path dir = project(yaml);
    return assertThrows(ConfigException.class, () -> ProjectLoader.load(dir));
  }

  private Path project(String pipelinesYaml) throws IOException {
    Path dir = copy("elec2");
    Files.writeString(dir.resolve(PipelinesConfig.FILE), pipelinesYaml);
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

  private static ConfigProblem problemAt(ConfigException e, String field, int line) {
    List<ConfigProblem> at = e.problems().stream().filter(p -> p.field().equals(field)).toList();
    assertThat(at).as("problems at '%s' in %s", field, e.getMessage()).hasSize(1);
    assertThat(at.get(0).line()).as("line of '%s'", field).isEqualTo(line);
    assertThat(at.get(0).file()).endsWith(PipelinesConfig.FILE);
    assertThat(at.get(0).fix()).as("the fix of '%s'", field).isNotBlank();
    return at.get(0);
  }
}
