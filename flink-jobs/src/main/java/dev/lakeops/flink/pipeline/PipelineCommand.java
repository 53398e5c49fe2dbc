package dev.lakeops.flink.pipeline;

import dev.lakeops.common.cli.CliArgs;
import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.cli.Human;
import dev.lakeops.common.cli.TextTable;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.pipeline.Pipeline;
import dev.lakeops.common.pipeline.TaskStatus;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.FlinkErrors;
import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.pipeline.RunState.Attempt;
import dev.lakeops.flink.pipeline.RunState.Invocation;
import dev.lakeops.flink.pipeline.RunState.TaskState;
import dev.lakeops.flink.process.RunsDirs;
import dev.lakeops.flink.scheduler.SchedulerCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * {@code mlops pipeline run|resume|status} (options in {@link
 * dev.lakeops.common.cli.MlopsCommand.Pipeline}): runs a pipeline of {@code pipelines.yaml} with
 * {@link PipelineRunner} in the Flink jobs' jar (Delta Kernel for the metadata store; no Flink
 * cluster starts). Exit codes: 0 every task succeeded or was skipped, 1 a task did not succeed, 2
 * the configuration or command line is wrong.
 */
public final class PipelineCommand {
  /** The runs' directory name under {@code <warehouse>/<database>/_lakeops}. */
  static final String RUNS = "pipeline_runs";

  /** The file holding the pid of the runner that holds a run. */
  static final String RUNNER_PID = "runner.pid";

  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final PrintStream out;

  public PipelineCommand(PrintStream out) {
    this.out = out;
  }

  /** {@code mlops pipeline} without a subcommand. */
  public int group(CliArgs a) {
    throw new UsageException(
        "pipeline", "missing a subcommand: run, resume, status or export-databricks.");
  }

  /** {@code pipeline run}. */
  public int run(CliArgs a) throws Exception {
    ProjectConfig p = ProjectLoader.load(a.project());
    String name = a.required("--pipeline", "name");
    Pipeline pipeline = pipelineOf(p, name);
    Warehouse wh = Warehouse.of(a.warehouse(), p);
    TaskCommands.SparkSubmit spark = sparkSubmit(a, home());
    String runId =
        a.option("--run-id")
            .orElseGet(
                () ->
                    name
                        + "-"
                        + ID_TIME.format(Instant.now())
                        + "-"
                        + Integer.toHexString(
                            ThreadLocalRandom.current().nextInt(0x1000, 0x10000)));
    Path dir = RunsDirs.of(wh, RUNS).resolve(runId);
    if (Files.exists(dir)) {
      throw FlinkErrors.pipelineRunExists(runId, dir.toString());
    }
    Files.createDirectories(dir);
    holdRun(dir, runId);
    out.printf("pipeline %s: run %s (state %s)%n", name, runId, dir.resolve(RunState.FILE));
    RunState end = runner(p, pipeline, a, wh, dir, spark).run(runId);
    return exitCode(end);
  }

  /** {@code pipeline resume}. */
  public int resume(CliArgs a) throws Exception {
    ProjectConfig p = ProjectLoader.load(a.project());
    Warehouse wh = Warehouse.of(a.warehouse(), p);
    TaskCommands.SparkSubmit spark = sparkSubmit(a, home());
    String runId = a.required("--run", "id");
    Path dir = RunsDirs.of(wh, RUNS).resolve(runId);
    if (!Files.exists(dir.resolve(RunState.FILE))) {
      throw FlinkErrors.noSuchPipelineRun(a.command, runId, RunsDirs.of(wh, RUNS).toString());
    }
    holdRun(dir, runId);
    RunState saved = RunState.load(dir);
    Pipeline pipeline = pipelineOf(p, saved.pipeline);
    // tasks added to the pipeline since are new to the run; removed ones are dropped
    for (String t : pipeline.tasks().keySet()) {
      saved.tasks.putIfAbsent(t, new TaskState());
    }
    saved.tasks.keySet().retainAll(pipeline.tasks().keySet());
    RunState end = runner(p, pipeline, a, wh, dir, spark).resume(saved);
    return exitCode(end);
  }

  /** {@code pipeline export-databricks}: the job's JSON to {@code --out} or standard output. */
  public int exportDatabricks(CliArgs a) throws IOException {
    ProjectConfig p = ProjectLoader.load(a.project());
    String name = a.required("--pipeline", "name");
    Pipeline pipeline = pipelineOf(p, name);
    DatabricksJob target =
        new DatabricksJob(
            a.required("--remote-project", "path"),
            a.required("--remote-warehouse", "uri"),
            a.required("--spark-jar", "uri"),
            a.required("--flink-jar", "uri"),
            new com.databricks.sdk.service.compute.ClusterSpec()
                .setSparkVersion(a.required("--spark-version", "runtime"))
                .setNodeTypeId(a.required("--node-type", "id"))
                .setNumWorkers((long) a.positiveInt("--workers").orElse(2)),
            a.option("--schedule").orElse(null));
    com.databricks.sdk.service.jobs.CreateJob job = target.of(p.database(), pipeline);
    String json = DatabricksJob.json(job);
    Optional<String> file = a.option("--out");
    boolean submit = a.flag("--submit");
    if (file.isPresent()) {
      Files.writeString(Path.of(file.get()), json, StandardCharsets.UTF_8);
      out.println("pipeline " + name + ": Databricks job written to " + file.get());
    } else if (!submit) {
      out.print(json);
    }
    if (submit) {
      String token =
          a.option("--idempotency-token").orElseGet(() -> DatabricksSubmit.defaultToken(json));
      if (token.isEmpty() || token.length() > 64) {
        throw new dev.lakeops.common.cli.CliArgs.UsageException(
            a.command,
            "--idempotency-token is "
                + token.length()
                + " characters; the Jobs API takes 1 to 64.");
      }
      var config = DatabricksSubmit.config();
      out.printf(
          "pipeline %s: submitting job '%s' to %s (idempotency token %s: a retry with it starts"
              + " no second run)%n",
          name, job.getName(), config.getHost(), token);
      DatabricksSubmit.Submitted s =
          DatabricksSubmit.submit(
              new com.databricks.sdk.WorkspaceClient(config), config.getHost(), job, token);
      out.printf(
          "pipeline %s: job %d %s, run %d started%n",
          name, s.jobId(), s.created() ? "created" : "updated", s.runId());
    }
    return 0;
  }

  /** {@code pipeline status}. */
  public int status(CliArgs a) throws IOException {
    ProjectConfig p = ProjectLoader.load(a.project());
    Warehouse wh = Warehouse.of(a.warehouse(), p);
    Path root = RunsDirs.of(wh, RUNS);
    Optional<String> runId = a.option("--run");
    if (runId.isPresent()) {
      Path dir = root.resolve(runId.get());
      if (!Files.exists(dir.resolve(RunState.FILE))) {
        throw FlinkErrors.noSuchPipelineRun(a.command, runId.get(), root.toString());
      }
      printRun(RunState.load(dir));
      return 0;
    }
    List<RunState> runs = new ArrayList<>();
    if (Files.isDirectory(root)) {
      try (Stream<Path> dirs = Files.list(root)) {
        for (Path d : dirs.sorted().toList()) {
          if (Files.exists(d.resolve(RunState.FILE))) {
            runs.add(RunState.load(d));
          }
        }
      }
    }
    if (runs.isEmpty()) {
      out.println("no pipeline runs yet under " + root + ".");
      return 0;
    }
    runs.sort((x, y) -> Long.compare(y.createdAtMillis, x.createdAtMillis));
    List<List<Object>> rows = new ArrayList<>();
    for (RunState r : runs) {
      Invocation last = r.invocations.get(r.invocations.size() - 1);
      rows.add(
          List.of(
              r.runId,
              r.pipeline,
              last.status == null ? "running or stopped" : last.status,
              Human.time(Instant.ofEpochMilli(r.createdAtMillis)),
              r.invocations.size()));
    }
    out.print(
        TextTable.render(List.of("run", "pipeline", "status", "created", "invocations"), rows, 50));
    return 0;
  }

  private void printRun(RunState r) {
    out.printf("run %s of pipeline %s (%s)%n", r.runId, r.pipeline, r.project);
    for (Invocation inv : r.invocations) {
      out.printf(
          "  %s %s: %s%s%n",
          inv.kind,
          inv.id,
          inv.status == null ? "running or stopped" : inv.status,
          inv.error == null ? "" : " (" + inv.error + ")");
    }
    List<List<Object>> rows = new ArrayList<>();
    r.tasks.forEach(
        (name, ts) -> {
          Attempt a = ts.last();
          rows.add(
              List.of(
                  name,
                  ts.status,
                  a == null ? 0 : a.number,
                  a == null || a.exitCode == null ? "-" : a.exitCode,
                  a == null ? "-" : Human.time(Instant.ofEpochMilli(a.startedAtMillis)),
                  a == null || a.endedAtMillis == null
                      ? "-"
                      : Human.time(Instant.ofEpochMilli(a.endedAtMillis)),
                  a == null || a.log == null ? "-" : a.log));
        });
    out.print(
        TextTable.render(
            List.of("task", "status", "attempt", "exit", "started", "ended", "log"),
            rows,
            Integer.MAX_VALUE));
  }

  /** The project's pipeline {@code name}, or a usage error naming the project's pipelines. */
  private static Pipeline pipelineOf(ProjectConfig p, String name) {
    return p.pipelines()
        .pipeline(name)
        .orElseThrow(
            () ->
                FlinkErrors.noSuchPipeline(
                    name, p.dir().toString(), p.pipelines().pipelines().keySet()));
  }

  /** The checkout or installation whose {@code submit/} launchers the tasks run. */
  private static Path home() {
    return Path.of(System.getProperty(SchedulerCommand.HOME_PROPERTY, "."))
        .toAbsolutePath()
        .normalize();
  }

  private PipelineRunner runner(
      ProjectConfig p,
      Pipeline pipeline,
      CliArgs a,
      Warehouse wh,
      Path dir,
      TaskCommands.SparkSubmit spark) {
    int maxParallel = a.positiveInt("--max-parallel").orElse(pipeline.maxParallel());
    PipelineRunner.Settings settings =
        new PipelineRunner.Settings(
            p,
            pipeline,
            a.warehouse(),
            dir,
            new TaskCommands(home().resolve("submit/mlops"), wh, spark),
            maxParallel,
            Path.of("").toAbsolutePath(),
            out);
    KernelTables tables = new KernelTables();
    return new PipelineRunner(settings, new MetadataRecords(tables, wh.runs(), wh.tasks()));
  }

  /**
   * The Spark master of {@code --spark-master} (with {@code --spark-conf} and {@code --delta}), or
   * null for the embedded default.
   *
   * @throws UsageException when {@code --spark-conf} or {@code --delta} come without a master
   */
  static TaskCommands.SparkSubmit sparkSubmit(CliArgs a, Path home) {
    Optional<String> master = a.option("--spark-master");
    List<String> conf = a.values("--spark-conf");
    Optional<String> delta = a.option("--delta");
    if (master.isEmpty()) {
      if (!conf.isEmpty() || delta.isPresent()) {
        throw new UsageException(
            a.command,
            "--spark-conf and --delta apply to the Spark tasks run on a cluster: add"
                + " --spark-master <url> (e.g. spark://host:7077), or drop them.");
      }
      return null;
    }
    return new TaskCommands.SparkSubmit(
        home.resolve("submit/spark-submit"), master.get(), conf, delta.orElse(null));
  }

  /**
   * Marks the run as held by this process ({@code runner.pid}); refuses when another live runner
   * holds it.
   */
  private static void holdRun(Path dir, String runId) throws IOException {
    Path file = dir.resolve(RUNNER_PID);
    if (Files.exists(file)) {
      try {
        long pid = Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim());
        if (pid != ProcessHandle.current().pid()
            && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          throw FlinkErrors.pipelineRunBusy(runId, pid);
        }
      } catch (NumberFormatException e) {
        // a damaged file holds nothing
      }
    }
    Files.writeString(file, String.valueOf(ProcessHandle.current().pid()), StandardCharsets.UTF_8);
  }

  private static int exitCode(RunState end) {
    boolean ok =
        end.tasks.values().stream()
            .map(TaskState::status)
            .allMatch(st -> st == TaskStatus.SUCCEEDED || st == TaskStatus.SKIPPED);
    return ok ? 0 : 1;
  }
}
