package dev.lakeops.common.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeops.common.pipeline.RunIf.Decision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pipeline DAG: order, cycles, downstream sets, run_if decisions, backoff and commands. */
class DagTest {
  /** a -> {b, c} -> d, and e alone. */
  private static Dag diamond() {
    Map<String, List<String>> deps = new LinkedHashMap<>();
    deps.put("d", List.of("b", "c"));
    deps.put("b", List.of("a"));
    deps.put("c", List.of("a"));
    deps.put("a", List.of());
    deps.put("e", List.of());
    return new Dag(deps);
  }

  @Test
  void topologicalOrderPutsDependenciesFirstAndKeepsDeclarationOrderAmongTheReady() {
    assertThat(diamond().topologicalOrder()).containsExactly("a", "b", "c", "d", "e");
    assertThat(diamond().cycle()).isEmpty();
  }

  @Test
  void aCycleIsFoundWithItsPath() {
    Map<String, List<String>> deps = new LinkedHashMap<>();
    deps.put("x", List.of());
    deps.put("a", List.of("x", "b"));
    deps.put("b", List.of("c"));
    deps.put("c", List.of("a"));
    Dag dag = new Dag(deps);
    assertThat(dag.cycle()).contains(List.of("a", "b", "c", "a"));
    assertThatThrownBy(dag::topologicalOrder).hasMessageContaining("cycle: [a, b, c, a]");
  }

  @Test
  void anUnknownDependencyIsRefused() {
    assertThatThrownBy(() -> new Dag(Map.of("a", List.of("z"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a' depends on 'z'");
  }

  @Test
  void downstreamOfASetIncludesItAndEverythingThatDependsOnIt() {
    assertThat(diamond().downstreamOf(List.of("b"))).containsExactlyInAnyOrder("b", "d");
    assertThat(diamond().downstreamOf(List.of("a"))).containsExactlyInAnyOrder("a", "b", "c", "d");
    assertThat(diamond().downstreamOf(List.of("e"))).containsExactly("e");
    assertThat(diamond().edges())
        .containsExactlyInAnyOrder(
            List.of("b", "d"), List.of("c", "d"), List.of("a", "b"), List.of("a", "c"));
  }

  @Test
  void runIfDecisions() {
    TaskStatus ok = TaskStatus.SUCCEEDED;
    TaskStatus failed = TaskStatus.FAILED;
    TaskStatus running = TaskStatus.RUNNING;
    assertThat(RunIf.ALL_SUCCESS.decide(List.of())).isEqualTo(Decision.RUN);
    assertThat(RunIf.ALL_SUCCESS.decide(List.of(ok, ok))).isEqualTo(Decision.RUN);
    assertThat(RunIf.ALL_SUCCESS.decide(List.of(ok, running))).isEqualTo(Decision.WAIT);
    assertThat(RunIf.ALL_SUCCESS.decide(List.of(failed, running)))
        .isEqualTo(Decision.UPSTREAM_FAILED);
    assertThat(RunIf.ALL_SUCCESS.decide(List.of(TaskStatus.TIMED_OUT)))
        .isEqualTo(Decision.UPSTREAM_FAILED);
    assertThat(RunIf.ALL_SUCCESS.decide(List.of(ok, TaskStatus.SKIPPED))).isEqualTo(Decision.SKIP);
    assertThat(RunIf.ALL_DONE.decide(List.of(failed, running))).isEqualTo(Decision.WAIT);
    assertThat(RunIf.ALL_DONE.decide(List.of(failed, TaskStatus.UPSTREAM_FAILED)))
        .isEqualTo(Decision.RUN);
    assertThat(RunIf.AT_LEAST_ONE_FAILED.decide(List.of(ok, ok))).isEqualTo(Decision.SKIP);
    assertThat(RunIf.AT_LEAST_ONE_FAILED.decide(List.of(ok, failed))).isEqualTo(Decision.RUN);
    assertThat(RunIf.AT_LEAST_ONE_FAILED.decide(List.of(failed, running))).isEqualTo(Decision.WAIT);
    assertThat(RunIf.AT_LEAST_ONE_FAILED.decide(List.of(TaskStatus.UPSTREAM_FAILED)))
        .isEqualTo(Decision.RUN);
  }

  @Test
  void resumeRerunsWhatDidNotEndOrFailed() {
    assertThat(TaskStatus.values())
        .filteredOn(TaskStatus::rerunOnResume)
        .containsExactly(
            TaskStatus.PENDING,
            TaskStatus.RUNNING,
            TaskStatus.FAILED,
            TaskStatus.TIMED_OUT,
            TaskStatus.UPSTREAM_FAILED);
  }

  @Test
  void backoffDoublesFromTheSecondRetry() {
    PipelineTask t =
        new PipelineTask(
            "t", TaskType.VALIDATE, Map.of(), List.of(), null, 3, Duration.ofSeconds(10), null);
    assertThat(t.backoffBefore(1)).isZero();
    assertThat(t.backoffBefore(2)).isEqualTo(Duration.ofSeconds(10));
    assertThat(t.backoffBefore(3)).isEqualTo(Duration.ofSeconds(20));
    assertThat(t.backoffBefore(4)).isEqualTo(Duration.ofSeconds(40));
  }

  @Test
  void typedTasksRunMlopsWithTheirParamsAsOptions() {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("training_set", "ts");
    PipelineTask set =
        new PipelineTask("s", TaskType.TRAINING_SET, params, List.of(), null, 0, null, null);
    assertThat(TaskCommand.argv(set, Path.of("/l/mlops"), Path.of("/p"), "/w", set.params()))
        .containsExactly(
            "/l/mlops", "training-set", "--project", "/p", "--warehouse", "/w", "--name", "ts");
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("full_refresh", true);
    f.put("source", "s1");
    PipelineTask features =
        new PipelineTask("f", TaskType.FEATURES, f, List.of(), null, 0, null, null);
    assertThat(TaskCommand.argv(features, Path.of("m"), Path.of("/p"), "/w", features.params()))
        .containsExactly(
            "m",
            "features",
            "--project",
            "/p",
            "--warehouse",
            "/w",
            "--full-refresh",
            "--source",
            "s1");
    PipelineTask validate =
        new PipelineTask("v", TaskType.VALIDATE, Map.of(), List.of(), null, 0, null, null);
    assertThat(TaskCommand.argv(validate, Path.of("m"), Path.of("/p"), "/w", Map.of()))
        .containsExactly("m", "validate", "--project", "/p");
    PipelineTask report =
        new PipelineTask(
            "r", TaskType.MONITOR_REPORT, Map.of("model", "m1"), List.of(), null, 0, null, null);
    assertThat(TaskCommand.argv(report, Path.of("m"), Path.of("/p"), "/w", report.params()))
        .containsSubsequence("report", "--model", "m1");
    PipelineTask cmd =
        new PipelineTask(
            "c",
            TaskType.COMMAND,
            Map.of("argv", List.of("sh", "-c", "exit 0")),
            List.of(),
            null,
            0,
            null,
            null);
    assertThat(TaskCommand.argv(cmd, Path.of("m"), Path.of("/p"), "/w", cmd.params()))
        .containsExactly("sh", "-c", "exit 0");
  }
}
