package dev.lakeops.flink.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.monitoring.trigger.Trigger;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.monitoring.triggers.TriggerRows;
import dev.lakeops.flink.scheduler.SchedulerTable.Entry;
import dev.lakeops.flink.scheduler.SchedulerTable.Status;
import dev.lakeops.flink.testing.TestJvms;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StructType;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler's promise, exactly one retraining per trigger: a trigger delivered twice runs once;
 * the scheduler killed mid-run and restarted adopts the run and records its end, starting no second
 * one; a run gone with the scheduler is marked failed and not re-run. The retraining command is a
 * script that appends its arguments to a file and waits for a release file.
 */
class SchedulerIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final String MODEL = "price_direction";

  @TempDir Path tmp;
  private Path project;
  private Path warehouse;
  private Path calls;
  private Path release;
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
    calls = tmp.resolve("calls.txt");
    release = tmp.resolve("release");
    Path script = tmp.resolve("retrain.sh");
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "echo \"$@\" >> "
            + calls
            + "\n"
            + "while [ ! -e "
            + release
            + " ]; do sleep 0.05; done\n"
            + "exit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    monitoring("");
  }

  @AfterEach
  void tearDown() throws IOException {
    Files.writeString(release, ""); // lets any script still waiting end
    for (Process p : started) {
      p.destroyForcibly();
    }
  }

  private void monitoring(String schedulerExtra) throws IOException {
    Files.writeString(
        project.resolve("monitoring.yaml"),
        "models:\n"
            + "  "
            + MODEL
            + ":\n"
            + "    window: {size: 1d}\n"
            + "    rules:\n"
            + "      - {name: input_shift, statistic: psi, threshold: 0.2}\n"
            + "scheduler:\n"
            + "  retrain: ["
            + tmp.resolve("retrain.sh")
            + ", \"{model}\", \"{trigger_id}\"]\n"
            + schedulerExtra);
  }

  @Test
  void aTriggerDeliveredTwiceRunsOnce() throws Exception {
    Trigger t = ruleTrigger(7);
    deliver(t);
    deliver(t); // the same breach read twice: two rows, one id
    Files.writeString(release, "");
    RetrainScheduler s = scheduler(Clock.systemUTC());
    runOnce(s);
    assertThat(callLines()).containsExactly(MODEL + " " + t.triggerId());
    Entry last = new SchedulerTable(tables, wh().scheduler().path()).latest(t.triggerId()).get();
    assertThat(last.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(last.exitCode()).isZero();
    assertThat(last.logPath()).endsWith(t.triggerId() + "/run.log");

    // delivered a third time after its run ended, to a new scheduler: still one run
    deliver(t);
    runOnce(scheduler(Clock.systemUTC()));
    assertThat(callLines()).hasSize(1);
    assertThat(statuses(t.triggerId()))
        .containsExactly(Status.PENDING, Status.RUNNING, Status.SUCCEEDED);
  }

  @Test
  void atMostOneRunPerModelAtATime() throws Exception {
    Trigger a = ruleTrigger(1);
    Trigger b = ruleTrigger(2);
    deliver(a);
    deliver(b);
    RetrainScheduler s = scheduler(Clock.systemUTC());
    s.recover();
    s.pass();
    s.pass();
    await(() -> callLines().size() == 1, "the first run started");
    assertThat(s.running()).containsOnlyKeys(a.triggerId());
    assertThat(s.table().latest(b.triggerId()).get().status()).isEqualTo(Status.PENDING);
    Files.writeString(release, "");
    runOnce(s);
    assertThat(callLines())
        .containsExactly(MODEL + " " + a.triggerId(), MODEL + " " + b.triggerId());
  }

  @Test
  void killedMidRunAndRestartedAdoptsTheRunAndStartsNoSecond() throws Exception {
    Trigger t = ruleTrigger(3);
    deliver(t);
    Process first = schedulerProcess(false);
    await(() -> callLines().size() == 1, "the run started");
    first.destroyForcibly(); // kill -9 of the scheduler; its run goes on
    assertThat(first.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(statuses(t.triggerId())).containsExactly(Status.PENDING, Status.RUNNING);

    Process second = schedulerProcess(true);
    // the restarted scheduler must not start the trigger again while the first run goes on
    await(
        () -> Files.readString(tmp.resolve("scheduler-2.log")).contains("adopted the run"),
        "the restarted scheduler adopted the run");
    Files.writeString(release, "");
    assertThat(second.waitFor(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
        .as("scheduler --once ends")
        .isTrue();
    assertThat(second.exitValue()).as(Files.readString(tmp.resolve("scheduler-2.log"))).isZero();
    assertThat(callLines()).containsExactly(MODEL + " " + t.triggerId());
    assertThat(statuses(t.triggerId()))
        .containsExactly(Status.PENDING, Status.RUNNING, Status.SUCCEEDED);
    Entry last = new SchedulerTable(tables, wh().scheduler().path()).latest(t.triggerId()).get();
    assertThat(last.exitCode()).isZero();
  }

  @Test
  void aRunGoneWithTheSchedulerIsMarkedFailedAndNotRunAgain() throws Exception {
    Trigger t = ruleTrigger(4);
    deliver(t);
    RetrainScheduler s = scheduler(Clock.systemUTC());
    s.recover();
    s.pass();
    await(() -> callLines().size() == 1, "the run started");
    s.running().get(t.triggerId()).destroy(); // the machine went down: scheduler and run gone
    RetrainScheduler restarted = scheduler(Clock.systemUTC());
    restarted.recover();
    Entry last = restarted.table().latest(t.triggerId()).get();
    assertThat(last.status()).isEqualTo(Status.FAILED);
    assertThat(last.exitCode()).isNull();
    assertThat(last.message()).contains("not run again");
    Files.writeString(release, "");
    runOnce(restarted);
    assertThat(callLines()).hasSize(1);
  }

  @Test
  void cronRaisesOneTriggerPerFireTimeAndCatchesUpOnceAfterARestart() throws Exception {
    monitoring("  cron: \"0 3 * * *\"\n");
    Files.writeString(release, "");
    MutableClock clock = new MutableClock(Instant.parse("2026-01-05T02:00:00Z"));
    RetrainScheduler s = scheduler(clock);
    runOnce(s); // nothing due: the 03:00 of the 4th is before the scheduler's first start
    assertThat(callLines()).isEmpty();
    clock.now = Instant.parse("2026-01-05T03:00:30Z");
    runOnce(s);
    String id =
        Trigger.scheduleTriggerId(MODEL, Instant.parse("2026-01-05T03:00:00Z").toEpochMilli());
    assertThat(callLines()).containsExactly(MODEL + " " + id);
    clock.now = Instant.parse("2026-01-05T04:00:00Z");
    runOnce(s); // the same fire time again: no second run
    assertThat(callLines()).hasSize(1);
    // down over two fire times (6th and 7th 03:00), restarted on the 7th at 05:00: the latest once
    clock.now = Instant.parse("2026-01-07T05:00:00Z");
    runOnce(scheduler(clock));
    String latest =
        Trigger.scheduleTriggerId(MODEL, Instant.parse("2026-01-07T03:00:00Z").toEpochMilli());
    assertThat(callLines()).containsExactly(MODEL + " " + id, MODEL + " " + latest);
    // the trigger table records them, with reason schedule
    assertThat(tables.readAll(wh().triggers().path()))
        .extracting(r -> r.get("reason"))
        .containsOnly("schedule")
        .hasSize(2);
  }

  @Test
  void aNewVersionOfAFeatureViewTheModelReadsStartsARun() throws Exception {
    monitoring("  on_new_features: true\n");
    Files.writeString(release, "");
    String view = wh().featureView("market_prices").path();
    StructType schema = new StructType().add("x", LongType.LONG, false);
    tables.createIfMissing(view, schema); // version 0: the baseline
    RetrainScheduler s = scheduler(Clock.systemUTC());
    runOnce(s);
    assertThat(callLines()).isEmpty();
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {1L});
    tables.commitOnce(view, "test", 1, tables.writeFiles(view, schema, rows)); // version 1
    runOnce(s);
    String id = Trigger.newFeaturesTriggerId(MODEL, "market_prices", 1);
    assertThat(callLines()).containsExactly(MODEL + " " + id);
    runOnce(s); // nothing new
    assertThat(callLines()).hasSize(1);
  }

  // ---- helpers ----------------------------------------------------------------------------

  private Warehouse wh() {
    return Warehouse.of(warehouse.toString(), ProjectLoader.load(project));
  }

  private RetrainScheduler scheduler(Clock clock) {
    ProjectConfig p = ProjectLoader.load(project);
    return new RetrainScheduler(
        new RetrainScheduler.Settings(
            p,
            warehouse.toString(),
            p.monitoring().scheduler().retrain(),
            tmp.resolve("runs"),
            tmp,
            clock,
            null),
        tables);
  }

  private static void runOnce(RetrainScheduler s) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    s.run(Duration.ofMillis(50), true, () -> System.nanoTime() > deadline);
    assertThat(System.nanoTime()).as("scheduler --once ended in time").isLessThan(deadline);
  }

  private Trigger ruleTrigger(int window) {
    long end = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli() + window * 86_400_000L;
    return new Trigger(
        Trigger.ruleTriggerId(MODEL, 1, "input_shift", end),
        MODEL,
        1,
        "input_shift",
        Trigger.Reason.DRIFT,
        "nswprice",
        "psi",
        0.4,
        0.2,
        end - 86_400_000L,
        end,
        end, // raised in window order
        "{\"psi[nswprice]\":0.4}");
  }

  /** Appends {@code t} to the trigger table, as the monitoring job's sink does (its own commit). */
  private void deliver(Trigger t) {
    String path = wh().triggers().path();
    TriggerRows f = new TriggerRows();
    tables.createIfMissing(path, f.schema());
    List<Object[]> rows = new ArrayList<>();
    rows.add(f.toRow(t));
    long version = tables.snapshot(path).get().getVersion() + 1;
    assertThat(
            tables.commitOnce(
                path, "test-monitor", version, tables.writeFiles(path, f.schema(), rows)))
        .isTrue();
  }

  private List<String> callLines() throws IOException {
    return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
  }

  private List<Status> statuses(String triggerId) {
    return new SchedulerTable(tables, wh().scheduler().path())
        .log().stream().filter(e -> e.triggerId().equals(triggerId)).map(Entry::status).toList();
  }

  /** {@code mlops scheduler} as its own JVM (the test's classpath), output to scheduler-N.log. */
  private Process schedulerProcess(boolean once) throws IOException {
    List<String> cmd = new ArrayList<>(TestJvms.java("dev.lakeops.common.cli.Cli"));
    cmd.addAll(
        List.of(
            "scheduler",
            "--project",
            project.toString(),
            "--warehouse",
            warehouse.toString(),
            "--runs-dir",
            tmp.resolve("runs").toString(),
            "--poll-interval",
            "1s"));
    if (once) {
      cmd.add("--once");
    }
    File log = tmp.resolve("scheduler-" + (started.size() + 1) + ".log").toFile();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    started.add(p);
    return p;
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

  /** A clock the test moves. */
  private static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
