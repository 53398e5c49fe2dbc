package dev.lakeops.flink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.cli.Cli;
import dev.lakeops.common.cli.Engine;
import dev.lakeops.common.cli.MlopsCommand;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.warehouse.MetadataColumns;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.scheduler.SchedulerCommand;
import dev.lakeops.flink.testing.SparkRuns;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code mlops} tasks on the Elec2 example through {@code submit/mlops} (each its own JVM,
 * which builds the jobs' jar first when it is stale): {@code validate} (the Spark jobs' jar) then
 * {@code monitor-report} (the Flink jobs' jar), added to the example's own pipelines.yaml; and the
 * runner's own overhead per task, measured on a chain of ten {@code true} tasks.
 */
class PipelineExampleIT {
  @TempDir Path tmp;

  @Test
  void typedTasksRunMlopsOnTheExampleAndAreRecorded() throws Exception {
    Path project = copyExample();
    Path report = tmp.resolve("report.html");
    Files.writeString(
        project.resolve("pipelines.yaml"),
        Files.readString(project.resolve("pipelines.yaml"))
            + "  - name: check\n"
            + "    tasks:\n"
            + "      - {name: validate, type: validate}\n"
            + "      - name: report\n"
            + "        type: monitor-report\n"
            + "        params: {model: price_direction, out: "
            + report
            + "}\n"
            + "        depends_on: [validate]\n"
            + "        timeout: 5m\n");
    Path warehouse = tmp.resolve("warehouse");
    String previous =
        System.setProperty(SchedulerCommand.HOME_PROPERTY, SparkRuns.repo().toString());
    String out;
    int code;
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      code = run(bytes, project, warehouse, "check");
      out = bytes.toString(StandardCharsets.UTF_8);
    } finally {
      if (previous == null) {
        System.clearProperty(SchedulerCommand.HOME_PROPERTY);
      } else {
        System.setProperty(SchedulerCommand.HOME_PROPERTY, previous);
      }
    }
    assertThat(code).as(out).isZero();
    assertThat(report).exists();
    assertThat(Files.readString(report)).contains("price_direction");
    Warehouse wh = Warehouse.of(warehouse.toString(), ProjectLoader.load(project));
    List<Map<String, Object>> tasks = new KernelTables().readAll(wh.tasks().path());
    assertThat(tasks)
        .extracting(r -> r.get(MetadataColumns.TASK) + ":" + r.get(MetadataColumns.STATUS))
        .containsExactlyInAnyOrder("validate:succeeded", "report:succeeded");
    for (Map<String, Object> r : tasks) {
      @SuppressWarnings("unchecked")
      Map<String, String> params = (Map<String, String>) r.get(MetadataColumns.PARAMS);
      assertThat(params.get(MetadataColumns.ARGV))
          .contains(
              "submit/mlops "
                  + (r.get(MetadataColumns.TASK).equals("report") ? "report" : "validate"))
          .contains("--project " + project);
      if (r.get(MetadataColumns.TASK).equals("report")) {
        assertThat(params.get(MetadataColumns.ARGV))
            .contains("--warehouse " + warehouse)
            .contains("--model price_direction");
      }
      @SuppressWarnings("unchecked")
      Map<String, String> outputs = (Map<String, String>) r.get(MetadataColumns.OUTPUTS);
      assertThat(outputs.get(MetadataColumns.EXIT_CODE)).isEqualTo("0");
    }
    assertThat(Files.readString(runLog(warehouse, "validate"))).contains("valid");
  }

  @Test
  void runnerOverheadPerTask() throws Exception {
    Path project = copyExample();
    StringBuilder yaml = new StringBuilder("pipelines:\n  - name: chain\n    tasks:\n");
    int n = 10;
    for (int i = 1; i <= n; i++) {
      yaml.append("      - {name: t")
          .append(i)
          .append(", type: command, params: {argv: [\"true\"]}")
          .append(i > 1 ? ", depends_on: [t" + (i - 1) + "]" : "")
          .append("}\n");
    }
    Files.writeString(project.resolve("pipelines.yaml"), yaml.toString());
    Path warehouse = tmp.resolve("warehouse");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    assertThat(run(bytes, project, warehouse, "chain")).isZero();
    RunState state = RunState.load(warehouse.resolve("elec2/_lakeops/pipeline_runs/overhead"));
    Map<String, Double> m = state.invocations.get(0).metrics;
    double wall = m.get("wall_ms");
    double busy = m.get("tasks_busy_ms");
    assertThat(busy).isPositive().isLessThanOrEqualTo(wall);
    // the runner's time between one task's end and the next one's start, on the critical path
    long gaps = 0;
    for (int i = 2; i <= n; i++) {
      gaps +=
          state.tasks.get("t" + i).attempts.get(0).startedAtMillis
              - state.tasks.get("t" + (i - 1)).attempts.get(0).endedAtMillis;
    }
    assertThat(gaps).isNotNegative();
    System.out.printf(
        "pipeline runner overhead: %d serial tasks, wall %.0f ms, tasks %.0f ms: %.1f ms per task"
            + " in all (with the metadata commits at the end), %.1f ms between a task's end and the"
            + " next one's start%n",
        n, wall, busy, (wall - busy) / n, gaps / (double) (n - 1));
  }

  private static int run(ByteArrayOutputStream bytes, Path project, Path warehouse, String name) {
    PrintStream o = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    PipelineCommand c = new PipelineCommand(o);
    return Cli.run(
        new String[] {
          "pipeline",
          "run",
          "--project",
          project.toString(),
          "--warehouse",
          warehouse.toString(),
          "--pipeline",
          name,
          "--run-id",
          name.equals("chain") ? "overhead" : name
        },
        o,
        o,
        Engine.FLINK,
        Map.of(MlopsCommand.Pipeline.Run.class, c::run));
  }

  private static Path runLog(Path warehouse, String task) {
    return warehouse.resolve("elec2/_lakeops/pipeline_runs/check/tasks/" + task + "/1/run.log");
  }

  private Path copyExample() throws IOException {
    Path project = tmp.resolve("elec2");
    Files.createDirectories(project);
    try (Stream<Path> files = Files.list(SparkRuns.repo().resolve("conf/examples/elec2"))) {
      for (Path f : files.toList()) {
        String text =
            Files.readString(f).replace("../../../data/", SparkRuns.repo().resolve("data") + "/");
        Files.writeString(project.resolve(f.getFileName().toString()), text);
      }
    }
    return project;
  }
}
