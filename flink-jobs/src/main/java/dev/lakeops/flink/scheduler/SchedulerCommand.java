package dev.lakeops.flink.scheduler;

import dev.lakeops.common.cli.CliArgs;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.FlinkErrors;
import dev.lakeops.flink.delta.KernelTables;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code mlops scheduler} (options in {@link dev.lakeops.common.cli.MlopsCommand.Scheduler}): runs
 * {@link RetrainScheduler} in the Flink jobs' jar (Delta Kernel; no Flink cluster starts) until
 * stopped, or with {@code --once} until nothing is pending or running. Exit codes: 0 done, 2 the
 * configuration is wrong, 1 the scheduler failed.
 */
public final class SchedulerCommand {
  /**
   * The system property {@code submit/mlops} sets to the LakeOps checkout (for the default run).
   */
  public static final String HOME_PROPERTY = "lakeops.home";

  private final PrintStream out;

  public SchedulerCommand(PrintStream out) {
    this.out = out;
  }

  /** Runs the command; returns the exit code. */
  public int execute(CliArgs a) throws Exception {
    ProjectConfig p = ProjectLoader.load(a.project());
    String warehouse = a.warehouse();
    Warehouse wh = Warehouse.of(warehouse, p);
    if (!p.monitoring().isPresent()) {
      out.printf(
          "%s has no %s: only the triggers already in %s are run (no cron, no new-feature"
              + " triggers).%n",
          p.dir(), dev.lakeops.common.config.MonitoringConfig.FILE, wh.triggers().name());
    }
    List<String> command = p.monitoring().scheduler().retrain();
    Path home = Path.of(System.getProperty(HOME_PROPERTY, ".")).toAbsolutePath().normalize();
    if (command.isEmpty()) {
      command = defaultCommand(home);
    }
    Path runsDir = a.option("--runs-dir").map(Path::of).orElseGet(() -> defaultRunsDir(wh));
    Duration poll = a.duration("--poll-interval").orElse(Duration.ofSeconds(10));
    boolean once = a.flag("--once");
    RetrainScheduler scheduler =
        new RetrainScheduler(
            new RetrainScheduler.Settings(
                p, warehouse, command, runsDir, home, Clock.systemUTC(), out),
            new KernelTables());
    AtomicBoolean stop = new AtomicBoolean();
    out.printf(
        "scheduler: %s (state %s, runs under %s)%n",
        once ? "running what is pending, then stopping" : "watching " + wh.triggers().name(),
        wh.scheduler().name(),
        runsDir);
    scheduler.run(poll, once, stop::get);
    long succeeded =
        scheduler.table().all().stream()
            .filter(e -> e.status() == SchedulerTable.Status.SUCCEEDED)
            .count();
    long failed =
        scheduler.table().all().stream()
            .filter(e -> e.status() == SchedulerTable.Status.FAILED)
            .count();
    out.printf("scheduler: %d runs succeeded, %d failed in all%n", succeeded, failed);
    return 0;
  }

  /** {@code <home>/submit/retrain {project} {model} {trigger_id} {warehouse}}. */
  static List<String> defaultCommand(Path home) {
    Path script = home.resolve("submit/retrain");
    if (!script.toFile().canExecute()) {
      throw FlinkErrors.noRetrainScript(script.toString());
    }
    return List.of(script.toString(), "{project}", "{model}", "{trigger_id}", "{warehouse}");
  }

  private static Path defaultRunsDir(Warehouse wh) {
    return dev.lakeops.flink.process.RunsDirs.of(wh, "scheduler_runs");
  }
}
