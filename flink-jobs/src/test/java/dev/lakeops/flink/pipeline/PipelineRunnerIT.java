package dev.lakeops.flink.pipeline;

import static dev.lakeops.common.warehouse.MetadataColumns.ATTEMPT;
import static dev.lakeops.common.warehouse.MetadataColumns.EXIT_CODE;
import static dev.lakeops.common.warehouse.MetadataColumns.LOG;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.cli.Cli;
import dev.lakeops.common.cli.Engine;
import dev.lakeops.common.cli.MlopsCommand;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.warehouse.MetadataColumns;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.testing.TestJvms;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline runner with real task processes ({@code command} tasks running {@code sh} and a JVM
 * that appends to a Delta table), its records read back from the metadata store's tasks table:
 * parallel branches overlap, a retry then success, failure isolation and run_if, a timeout that
 * kills the task's process tree, resume after the runner is killed with kill -9 mid-task, and the
 * cycle error.
 */
class PipelineRunnerIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @TempDir Path tmp;
  private Path project;
  private Path warehouse;
  private final KernelTables tables = new KernelTables();
  private final List<Process> started = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    project = tmp.resolve("elec2");
    Files.createDirectories(project);
    try (Stream<Path> files = Files.list(repo().resolve("conf/examples/elec2"))) {
      for (Path f : files.toList()) {
        Files.copy(f, project.resolve(f.getFileName().toString()));
      }
    }
    warehouse = tmp.resolve("warehouse");
  }

  @AfterEach
  void tearDown() throws IOException {
    Files.writeString(tmp.resolve("release"), ""); // lets any task still waiting end
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  @Test
  void independentBranchesRunAtTheSameTimeAfterWhatTheyDependOn() throws Exception {
    // b and c each wait for the other to have started: they can only end if they overlap
    pipelines(
        "  - name: p\n"
            + "    max_parallel: 2\n"
            + "    tasks:\n"
            + task("a", "true", "")
            + task("b", waitFor("b", "c"), "depends_on: [a], timeout: 30s")
            + task("c", waitFor("c", "b"), "depends_on: [a], timeout: 30s")
            + task("d", "true", "depends_on: [b, c]"));
    assertThat(run("p").code()).isZero();
    Map<String, Map<String, Object>> rows = lastRowPerTask();
    assertThat(rows.values()).allSatisfy(r -> assertThat(r.get("status")).isEqualTo("succeeded"));
    long bStart = micros(rows.get("b"), "started_at");
    long bEnd = micros(rows.get("b"), "ended_at");
    long cStart = micros(rows.get("c"), "started_at");
    long cEnd = micros(rows.get("c"), "ended_at");
    assertThat(bStart).as("b started before c ended").isLessThan(cEnd);
    assertThat(cStart).as("c started before b ended").isLessThan(bEnd);
    assertThat(micros(rows.get("a"), "ended_at")).isLessThanOrEqualTo(Math.min(bStart, cStart));
    assertThat(micros(rows.get("d"), "started_at")).isGreaterThanOrEqualTo(Math.max(bEnd, cEnd));
  }

  @Test
  void aFailedAttemptIsRetriedAfterItsBackoffAndThenSucceeds() throws Exception {
    Path count = tmp.resolve("count");
    String flaky =
        "n=$(cat "
            + count
            + " 2>/dev/null || echo 0); n=$((n+1)); echo $n > "
            + count
            + "; [ $n -ge 3 ]";
    pipelines(
        "  - name: p\n    tasks:\n" + task("flaky", flaky, "retries: 2, retry_backoff: 100ms"));
    assertThat(run("p").code()).isZero();
    List<Map<String, Object>> rows = taskRows("flaky");
    assertThat(rows)
        .extracting(r -> r.get("status"))
        .containsExactly("failed", "failed", "succeeded");
    assertThat(rows).extracting(r -> params(r).get(ATTEMPT)).containsExactly("1", "2", "3");
    assertThat(rows).extracting(r -> outputs(r).get(EXIT_CODE)).containsExactly("1", "1", "0");
    assertThat(rows).allSatisfy(r -> assertThat(Path.of(outputs(r).get(LOG))).exists());
    // each retry waited for its backoff (100 ms, then 200 ms) after the attempt before it ended
    assertThat(micros(rows.get(1), "started_at") - micros(rows.get(0), "ended_at"))
        .isGreaterThanOrEqualTo(100_000);
    assertThat(micros(rows.get(2), "started_at") - micros(rows.get(1), "ended_at"))
        .isGreaterThanOrEqualTo(200_000);
  }

  @Test
  void aFailedTaskStopsItsDependentsNotOtherBranchesAndRunIfDecidesTheRest() throws Exception {
    pipelines(
        "  - name: p\n    tasks:\n"
            + task("bad", "exit 7", "")
            + task("after_bad", "true", "depends_on: [bad]")
            + task("after_after", "true", "depends_on: [after_bad]")
            + task("good", "true", "")
            + task("after_good", "true", "depends_on: [good]")
            + task("cleanup", "true", "depends_on: [bad, good], run_if: all_done")
            + task("alert", "true", "depends_on: [bad, good], run_if: at_least_one_failed")
            + task("no_alert", "true", "depends_on: [good], run_if: at_least_one_failed"));
    Run r = run("p");
    assertThat(r.code()).as("a task failed").isEqualTo(1);
    Map<String, Map<String, Object>> rows = lastRowPerTask();
    assertThat(rows.get("bad").get("status")).isEqualTo("failed");
    assertThat(outputs(rows.get("bad")).get(EXIT_CODE)).isEqualTo("7");
    assertThat(rows.get("after_bad").get("status")).isEqualTo("upstream_failed");
    assertThat((String) rows.get("after_bad").get("error")).contains("[bad] failed");
    assertThat(rows.get("after_after").get("status")).isEqualTo("upstream_failed");
    assertThat(rows.get("good").get("status")).isEqualTo("succeeded");
    assertThat(rows.get("after_good").get("status")).isEqualTo("succeeded");
    assertThat(rows.get("cleanup").get("status")).isEqualTo("succeeded");
    assertThat(rows.get("alert").get("status")).isEqualTo("succeeded");
    assertThat(rows.get("no_alert").get("status")).isEqualTo("skipped");
    Map<String, Object> runRow = onlyRun();
    assertThat(runRow.get("status")).isEqualTo("failed");
    assertThat((String) runRow.get("error")).contains("bad failed").contains("after_bad");
  }

  @Test
  void aTaskPastItsTimeoutIsEndedWithItsProcessTreeAndRecorded() throws Exception {
    Path childPid = tmp.resolve("child.pid");
    pipelines(
        "  - name: p\n    tasks:\n"
            + task("slow", "sleep 60 & echo $! > " + childPid + "; wait", "timeout: 1s")
            + task("next", "true", "depends_on: [slow]"));
    assertThat(run("p").code()).isEqualTo(1);
    Map<String, Map<String, Object>> rows = lastRowPerTask();
    assertThat(rows.get("slow").get("status")).isEqualTo("timed_out");
    assertThat((String) rows.get("slow").get("error")).contains("timeout of 1s");
    assertThat(rows.get("next").get("status")).isEqualTo("upstream_failed");
    long pid = Long.parseLong(Files.readString(childPid).trim());
    ProcessHandle.of(pid)
        .ifPresent(
            h -> {
              try {
                h.onExit().get(10, TimeUnit.SECONDS); // the sleep under the task's shell ended
              } catch (Exception e) {
                throw new AssertionError("the task's child process " + pid + " still runs", e);
              }
            });
  }

  /**
   * The runner is killed with kill -9 while two tasks run: b's process lives on (adopted by the
   * resumed runner, not run again), g's died with the machine (run again, and h after it). a and c
   * append a line to a text file each time they run, so a task run twice would show there; b
   * appends rows to a Delta table. Both equal an uninterrupted run's.
   */
  @Test
  void killedWithKillMinus9MidTaskThenResumedRerunsOnlyWhatDidNotFinish() throws Exception {
    Path calls = tmp.resolve("calls");
    Path release = tmp.resolve("release");
    Path text = warehouse.resolve("out.txt");
    String table = warehouse.resolve("elec2/out").toString();
    pipelines(
        "  - name: p\n    max_parallel: 2\n    tasks:\n"
            + task("a", "echo a >> " + calls + "; echo a-row >> " + text, "")
            + task(
                "b",
                "echo b >> "
                    + calls
                    + "; while [ ! -e "
                    + release
                    + " ]; do sleep 0.05; done; "
                    + appendRows(table, "b", 2),
                "depends_on: [a]")
            + task("c", "echo c >> " + calls + "; echo c-row >> " + text, "depends_on: [b]")
            + task(
                "g",
                "echo g >> " + calls + "; if [ ! -e " + release + " ]; then sleep 60; fi",
                "depends_on: [a]")
            + task("h", "echo h >> " + calls, "depends_on: [g]"));
    Files.createDirectories(warehouse);
    Process runner = runnerProcess("run", "--pipeline", "p", "--run-id", "r1");
    await(
        () -> Files.exists(calls) && Files.readAllLines(calls).containsAll(List.of("b", "g")),
        "b and g started");
    runner.destroyForcibly(); // kill -9: the runner dies, the task processes go on
    assertThat(runner.waitFor(30, TimeUnit.SECONDS)).isTrue();
    // g's process dies too (as on a machine that went down), b's lives on
    Path gDir = runDir("r1").resolve("tasks/g/1");
    await(() -> Files.exists(gDir.resolve("pid")), "g's pid file");
    ProcessHandle g =
        ProcessHandle.of(Long.parseLong(Files.readString(gDir.resolve("pid")).trim()))
            .orElseThrow();
    List<ProcessHandle> gTree = g.descendants().toList();
    g.destroyForcibly(); // the shell first: it must not record an exit code
    gTree.forEach(ProcessHandle::destroyForcibly);
    g.onExit().get(30, TimeUnit.SECONDS);
    RunState mid = RunState.load(runDir("r1"));
    assertThat(mid.tasks.get("a").status).isEqualTo("succeeded");
    assertThat(mid.tasks.get("b").status).isEqualTo("running");
    assertThat(mid.tasks.get("g").status).isEqualTo("running");

    Files.writeString(release, "");
    Run resumed = runIn("resume", "--run", "r1");
    assertThat(resumed.code()).as(resumed.out()).isZero();
    assertThat(resumed.out()).contains("b: adopted attempt 1").contains("kept [a]");
    assertThat(Files.readAllLines(calls))
        .containsExactlyInAnyOrder("a", "b", "g", "g", "c", "h"); // g twice, nothing else
    RunState end = RunState.load(runDir("r1"));
    assertThat(end.tasks.get("b").attempts).hasSize(1); // adopted, not run again
    assertThat(end.invocations)
        .extracting(i -> i.status)
        .containsExactly("interrupted", "succeeded");
    assertThat(taskRows("g"))
        .extracting(r -> r.get("status") + "#" + params(r).get(ATTEMPT))
        .containsExactly("failed#1", "succeeded#2");
    assertThat((String) taskRows("g").get(0).get("error")).contains("gone");
    // each attempt is one row, whichever runner wrote it
    assertThat(tables.readAll(wh().tasks().path()))
        .extracting(r -> r.get("task") + ":" + r.get("status"))
        .containsExactlyInAnyOrder(
            "a:succeeded", "b:succeeded", "c:succeeded", "g:failed", "g:succeeded", "h:succeeded");
    assertThat(tables.readAll(wh().runs().path()))
        .extracting(r -> r.get("run_id") + ":" + r.get("status"))
        .containsExactlyInAnyOrder("r1:interrupted", "r1-resume1:succeeded");

    // the same pipeline uninterrupted in another warehouse writes the same outputs
    Path first = warehouse;
    warehouse = tmp.resolve("warehouse-2");
    Files.createDirectories(warehouse);
    Files.writeString(
        project.resolve("pipelines.yaml"),
        Files.readString(project.resolve("pipelines.yaml"))
            .replace(first.toString(), warehouse.toString()));
    assertThat(run("p").code()).isZero();
    assertThat(outputRows(table))
        .isEqualTo(outputRows(warehouse.resolve("elec2/out").toString()))
        .containsExactly("b/0", "b/1");
    assertThat(Files.readAllLines(text))
        .isEqualTo(Files.readAllLines(warehouse.resolve("out.txt")))
        .containsExactly("a-row", "c-row");
    warehouse = first;
  }

  @Test
  void aCycleStopsTheRunAtLoadNamingTheFileAndField() throws Exception {
    pipelines(
        "  - name: p\n    tasks:\n"
            + task("a", "true", "depends_on: [b]")
            + task("b", "true", "depends_on: [a]"));
    Run r = run("p");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("pipelines.yaml")
        .contains("pipelines[0].tasks[0].depends_on")
        .contains("cycle: a -> b -> a");
    assertThat(Files.exists(warehouse)).as("nothing ran").isFalse();
  }

  @Test
  void statusListsRunsAndShowsARunsTasks() throws Exception {
    pipelines("  - name: p\n    tasks:\n" + task("a", "true", ""));
    assertThat(run("p").code()).isZero();
    Run list = runIn("status");
    assertThat(list.out()).contains("run-1").contains("succeeded");
    Run one = runIn("status", "--run", "run-1");
    assertThat(one.out()).contains("a").contains("succeeded").contains("run.log");
  }

  // ---- helpers ----------------------------------------------------------------------------

  private record Run(int code, String out, String err) {}

  private int runs;

  private Run run(String pipeline) {
    return runIn("run", "--pipeline", pipeline, "--run-id", "run-" + (++runs));
  }

  /** {@code mlops pipeline <sub> --project --warehouse <args>} in this JVM. */
  private Run runIn(String sub, String... more) {
    List<String> args = new ArrayList<>(List.of("pipeline", sub));
    args.addAll(List.of("--project", project.toString(), "--warehouse", warehouse.toString()));
    args.addAll(List.of(more));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    PipelineCommand c = new PipelineCommand(o);
    int code =
        Cli.run(
            args.toArray(String[]::new),
            o,
            e,
            Engine.FLINK,
            Map.of(
                MlopsCommand.Pipeline.Run.class, c::run,
                MlopsCommand.Pipeline.Resume.class, c::resume,
                MlopsCommand.Pipeline.Status.class, c::status));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** {@code mlops pipeline <args>} as its own JVM (the test's classpath), output to a log. */
  private Process runnerProcess(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(TestJvms.java("dev.lakeops.common.cli.Cli"));
    cmd.add("pipeline");
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--project", project.toString(), "--warehouse", warehouse.toString()));
    File log = tmp.resolve("runner-" + (started.size() + 1) + ".log").toFile();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    started.add(p);
    return p;
  }

  private void pipelines(String body) throws IOException {
    Files.writeString(project.resolve("pipelines.yaml"), "pipelines:\n" + body);
  }

  /** A command task running {@code script} under sh, with more fields (e.g. depends_on). */
  private static String task(String name, String script, String more) {
    return "      - {name: "
        + name
        + ", type: command, params: {argv: [sh, -c, \""
        + script.replace("\\", "\\\\").replace("\"", "\\\"")
        + "\"]}"
        + (more.isEmpty() ? "" : ", " + more)
        + "}\n";
  }

  /** Marks {@code self} started, then waits for {@code other} to have started. */
  private String waitFor(String self, String other) {
    return "touch "
        + tmp.resolve(self + ".started")
        + "; while [ ! -e "
        + tmp.resolve(other + ".started")
        + " ]; do sleep 0.02; done";
  }

  /** A JVM appending {@code rows} rows of {@code task} to the Delta table, idempotently. */
  private static String appendRows(String table, String task, int rows) {
    return "exec "
        + Path.of(System.getProperty("java.home"), "bin", "java")
        + " -cp "
        + System.getProperty("java.class.path")
        + " "
        + AppendRowsMain.class.getName()
        + " "
        + table
        + " "
        + task
        + " "
        + rows;
  }

  private List<String> outputRows(String table) {
    return tables.readAll(table).stream()
        .map(r -> r.get("task") + "/" + r.get("i"))
        .sorted()
        .collect(Collectors.toList());
  }

  private Warehouse wh() {
    return Warehouse.of(warehouse.toString(), ProjectLoader.load(project));
  }

  private Path runDir(String runId) {
    return warehouse.resolve("elec2/_lakeops/pipeline_runs").resolve(runId);
  }

  /** The tasks table's rows of one task, in attempt order. */
  private List<Map<String, Object>> taskRows(String task) {
    return tables.readAll(wh().tasks().path()).stream()
        .filter(r -> task.equals(r.get(MetadataColumns.TASK)))
        .sorted(Comparator.comparing(r -> micros(r, "started_at")))
        .toList();
  }

  private Map<String, Map<String, Object>> lastRowPerTask() {
    Map<String, Map<String, Object>> out = new java.util.TreeMap<>();
    for (Map<String, Object> r : tables.readAll(wh().tasks().path())) {
      out.merge(
          (String) r.get("task"),
          r,
          (x, y) -> micros(x, "started_at") >= micros(y, "started_at") ? x : y);
    }
    return out;
  }

  private Map<String, Object> onlyRun() {
    List<Map<String, Object>> runs = tables.readAll(wh().runs().path());
    assertThat(runs).hasSize(1);
    return runs.get(0);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> params(Map<String, Object> row) {
    return (Map<String, String>) row.get("params");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> outputs(Map<String, Object> row) {
    return (Map<String, String>) row.get("outputs");
  }

  private static long micros(Map<String, Object> row, String column) {
    return ((Number) row.get(column)).longValue();
  }

  private static void await(TestJvms.Condition c, String what) throws Exception {
    TestJvms.await(c, what, DEADLINE);
  }

  private static Path repo() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("conf/examples"))) {
      dir = dir.getParent();
    }
    return dir;
  }
}
