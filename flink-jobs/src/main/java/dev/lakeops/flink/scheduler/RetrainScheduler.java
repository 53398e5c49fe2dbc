package dev.lakeops.flink.scheduler;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.lakeops.common.config.MonitoringConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.TrainingSetConfig;
import dev.lakeops.common.monitoring.trigger.Trigger;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.monitoring.triggers.TriggerRows;
import dev.lakeops.flink.process.RunProcess;
import dev.lakeops.flink.scheduler.SchedulerTable.Entry;
import dev.lakeops.flink.scheduler.SchedulerTable.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mlops scheduler}, the paper's "scheduler (trigger)": turns retraining triggers into
 * retraining runs, each its own process, at most one per model at a time, exactly one per trigger.
 *
 * <p>Each pass ({@link #pass}): reads {@code <db>.lakeops_triggers} (Delta Kernel) for triggers it
 * has not seen; raises its own on the cron schedule ({@code scheduler.cron}, UTC; after a restart
 * the latest missed fire time is caught up, once, if it is after the scheduler table's first entry,
 * or after this start when the table is empty) and, with {@code on_new_features}, for a new Delta
 * version of a feature view a monitored model's training set reads (the version seen at the first
 * look is the baseline, not a trigger), writing them into the trigger table too; records every new
 * trigger {@code pending} in {@link SchedulerTable}; records runs that ended; and starts the oldest
 * pending trigger of each model with no run going.
 *
 * <p>Exactly one run per trigger: a trigger is started only from {@code pending}, and {@code
 * running} is written (durably, one Delta commit) before its process starts, so a trigger read
 * twice, or read again after a restart, is not started again. On a restart ({@link #recover}), a
 * {@code running} trigger whose process still runs is adopted and its end recorded; one whose
 * process is gone is recorded from the exit code its shell left, or, with none, marked {@code
 * failed} and <b>not re-run</b>: the run may have got as far as registering (or promoting) a
 * version, and a second run of one trigger would register another. A failed trigger is retried by
 * the next trigger of its model (a later window, cron, new features).
 *
 * <p>Exit codes of a run: 0 is {@code succeeded}; 3 (the promotion gate refused the version, see
 * {@code CliFailures}) is {@code succeeded} too (the retraining ran, the gate decided), with the
 * code recorded; anything else is {@code failed}.
 */
final class RetrainScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(RetrainScheduler.class);
  private static final CronParser CRON =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  /** The exit code of a promotion the gate refused ({@code CliFailures}). */
  static final int GATE_REFUSED = 3;

  /** The appId of the scheduler's own appends to the trigger table. */
  static final String TRIGGER_APP_ID = "lakeops-scheduler-triggers";

  /**
   * What the scheduler needs.
   *
   * @param project the loaded project (its {@code monitoring.yaml} in {@link
   *     ProjectConfig#monitoring()})
   * @param warehouse the warehouse root as given ({@code {warehouse}} in the command)
   * @param command the retraining command with its placeholders ({@link #command})
   * @param runsDir a local directory for the runs' pid, exit code and log files
   * @param workDir the runs' working directory
   * @param clock the wall clock (cron, timestamps)
   * @param out where a line per run started, adopted and ended is printed (also logged); null for
   *     the log only
   */
  record Settings(
      ProjectConfig project,
      String warehouse,
      List<String> command,
      Path runsDir,
      Path workDir,
      Clock clock,
      java.io.PrintStream out) {}

  private final Settings s;
  private final Warehouse wh;
  private final KernelTables tables;
  private final SchedulerTable table;
  private final Map<String, RunProcess> running = new LinkedHashMap<>();
  private final long sinceMillis;

  RetrainScheduler(Settings settings, KernelTables tables) {
    this.s = settings;
    this.wh = Warehouse.of(settings.warehouse(), settings.project());
    this.tables = tables;
    this.table = new SchedulerTable(tables, wh.scheduler().path());
    long now = settings.clock().millis();
    this.sinceMillis = table.log().stream().mapToLong(Entry::recordedAtMillis).min().orElse(now);
  }

  SchedulerTable table() {
    return table;
  }

  /** The runs going now, by trigger id. */
  Map<String, RunProcess> running() {
    return Map.copyOf(running);
  }

  /**
   * The retraining command for a trigger: {@code {project}}, {@code {model}}, {@code {trigger_id}}
   * and {@code {warehouse}} replaced in each word.
   */
  static List<String> command(List<String> template, ProjectConfig p, String warehouse, Entry e) {
    List<String> out = new ArrayList<>();
    for (String w : template) {
      out.add(
          w.replace("{project}", p.dir().toString())
              .replace("{model}", e.model())
              .replace("{trigger_id}", e.triggerId())
              .replace("{warehouse}", warehouse));
    }
    return out;
  }

  /**
   * After a start: every {@code running} trigger is adopted (its process still runs), recorded as
   * ended (its shell left an exit code), or marked {@code failed} (gone without one; not re-run).
   */
  void recover() {
    for (Entry e : table.all()) {
      if (e.status() != Status.RUNNING) {
        continue;
      }
      Path dir = runDir(e.triggerId());
      Optional<RunProcess> alive =
          RunProcess.adopt(dir, e.startedAtMillis() == null ? 0 : e.startedAtMillis());
      if (alive.isPresent() && RunProcess.exitCode(dir).isEmpty()) {
        say("adopted the run of trigger " + e.triggerId() + " (pid " + alive.get().pid() + ")");
        running.put(e.triggerId(), alive.get());
      } else {
        finish(e, dir);
      }
    }
  }

  /**
   * One pass: new triggers (the table's, cron's, new features'), ended runs recorded, due runs
   * started.
   *
   * @return the number of runs going after the pass
   */
  int pass() {
    long now = s.clock().millis();
    raiseOwnTriggers(now);
    for (Trigger t : unseenTriggers()) {
      if (!s.project().models().containsKey(t.model())) {
        table.append(
            entry(
                t,
                null,
                Status.FAILED,
                "unknown model '"
                    + t.model()
                    + "': models.yaml has "
                    + s.project().models().keySet()
                    + "; nothing was run",
                now));
        continue;
      }
      table.append(entry(t, null, Status.PENDING, null, now));
      say(
          "trigger "
              + t.triggerId()
              + " ("
              + t.reason().key()
              + " of "
              + t.model()
              + ", rule "
              + t.rule()
              + ") is pending");
    }
    for (Map.Entry<String, RunProcess> r : List.copyOf(running.entrySet())) {
      if (r.getValue().ended()) {
        running.remove(r.getKey());
        finish(table.latest(r.getKey()).orElseThrow(), runDir(r.getKey()));
      }
    }
    startDue();
    return running.size();
  }

  /** Whether a trigger waits to run. */
  boolean anyPending() {
    return table.all().stream().anyMatch(e -> e.status() == Status.PENDING);
  }

  /**
   * Passes until {@code stop} says so, {@code poll} apart; with {@code once}, until nothing is
   * pending or running.
   */
  void run(Duration poll, boolean once, BooleanSupplier stop) throws InterruptedException {
    recover();
    while (!stop.getAsBoolean()) {
      int going = pass();
      if (once && going == 0 && !anyPending()) {
        return;
      }
      Thread.sleep(poll.toMillis());
    }
  }

  private void startDue() {
    LinkedHashSet<String> busy = new LinkedHashSet<>();
    for (String id : running.keySet()) {
      table.latest(id).ifPresent(e -> busy.add(e.model()));
    }
    List<Entry> pending =
        table.all().stream()
            .filter(e -> e.status() == Status.PENDING)
            .sorted(Comparator.comparingLong(Entry::seq))
            .toList();
    for (Entry e : pending) {
      if (busy.contains(e.model())) {
        continue;
      }
      busy.add(e.model());
      start(e);
    }
  }

  private void start(Entry e) {
    Path dir = runDir(e.triggerId());
    long now = s.clock().millis();
    List<String> argv = command(s.command(), s.project(), s.warehouse(), e);
    Entry runningEntry =
        table.append(
            e.with(
                Status.RUNNING,
                null,
                now,
                null,
                dir.resolve(RunProcess.LOG).toString(),
                null,
                now));
    try {
      RunProcess p = RunProcess.start(dir, argv, s.workDir());
      running.put(e.triggerId(), p);
      LOG.info(
          "started the retraining of {} for trigger {}: {} (pid {}, log {})",
          e.model(),
          e.triggerId(),
          argv,
          p.pid(),
          p.logPath());
    } catch (IOException ex) {
      table.append(
          runningEntry.with(
              Status.FAILED,
              null,
              now,
              s.clock().millis(),
              runningEntry.logPath(),
              "the run could not start: " + ex.getMessage(),
              s.clock().millis()));
    }
  }

  private void finish(Entry e, Path dir) {
    OptionalInt code = RunProcess.exitCode(dir);
    long now = s.clock().millis();
    Status status;
    String message = null;
    if (code.isEmpty()) {
      status = Status.FAILED;
      message =
          "the run's process was gone and left no exit code (killed with the scheduler, or the"
              + " machine restarted); not run again, as it may have registered a version: the"
              + " model's next trigger retrains it";
    } else if (code.getAsInt() == 0) {
      status = Status.SUCCEEDED;
    } else if (code.getAsInt() == GATE_REFUSED) {
      status = Status.SUCCEEDED;
      message = "retrained; the promotion gate refused the new version";
    } else {
      status = Status.FAILED;
      message = "the run exited with " + code.getAsInt() + "; see " + e.logPath();
    }
    table.append(
        e.with(
            status,
            code.isPresent() ? code.getAsInt() : null,
            e.startedAtMillis(),
            now,
            e.logPath(),
            message,
            now));
    LOG.info(
        "the run of trigger {} ended: {} (exit {})",
        e.triggerId(),
        status.key(),
        code.isPresent() ? code.getAsInt() : "unknown");
  }

  /** A first entry of {@code t}: no run yet. */
  private static Entry entry(Trigger t, String cause, Status status, String message, long now) {
    return new Entry(
        0,
        t.triggerId(),
        t.model(),
        t.reason().key(),
        cause,
        status,
        null,
        null,
        null,
        null,
        message,
        now);
  }

  private void say(String line) {
    LOG.info(line);
    if (s.out() != null) {
      s.out().println("scheduler: " + line);
      s.out().flush();
    }
  }

  private Path runDir(String triggerId) {
    return s.runsDir().resolve(triggerId);
  }

  // ---- triggers ---------------------------------------------------------------------------

  private List<Trigger> unseenTriggers() {
    List<Trigger> out = new ArrayList<>();
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    for (Map<String, Object> row : tables.readAll(wh.triggers().path())) {
      Trigger t = TriggerRows.fromRow(row);
      if (table.latest(t.triggerId()).isEmpty() && ids.add(t.triggerId())) {
        out.add(t);
      }
    }
    out.sort(
        Comparator.comparingLong(Trigger::raisedAtMillis)
            .thenComparing(t -> t.windowEndMillis() == null ? 0L : t.windowEndMillis())
            .thenComparing(Trigger::triggerId));
    return out;
  }

  private void raiseOwnTriggers(long now) {
    MonitoringConfig m = s.project().monitoring();
    List<Trigger> raised = new ArrayList<>();
    if (m.scheduler().cron() != null) {
      ExecutionTime cron = ExecutionTime.forCron(CRON.parse(m.scheduler().cron()));
      Optional<ZonedDateTime> last =
          cron.lastExecution(ZonedDateTime.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC));
      if (last.isPresent() && last.get().toInstant().toEpochMilli() >= sinceMillis) {
        long fire = last.get().toInstant().toEpochMilli();
        for (String model : m.models().keySet()) {
          Trigger t = Trigger.schedule(model, fire, now);
          if (table.latest(t.triggerId()).isEmpty()) {
            raised.add(t);
          }
        }
      }
    }
    if (m.scheduler().onNewFeatures()) {
      for (String model : m.models().keySet()) {
        for (String view : viewsOf(model)) {
          Optional<Long> version = SchedulerTable.version(tables, wh.featureView(view).path());
          if (version.isEmpty()) {
            continue;
          }
          Optional<Long> seen = lastSeenVersion(model, view);
          Trigger t = Trigger.newFeatures(model, view, version.get(), now);
          if (seen.isEmpty()) {
            table.append(
                entry(
                    t,
                    view + "@" + version.get(),
                    Status.SKIPPED,
                    "the version seen at the scheduler's first look: the baseline",
                    now));
          } else if (version.get() > seen.get()) {
            raised.add(t);
          }
        }
      }
    }
    if (!raised.isEmpty()) {
      appendTriggers(raised);
      for (Trigger t : raised) {
        if (t.reason() == Trigger.Reason.NEW_FEATURES) {
          // the cause is recorded at once, so the next pass compares against this version
          table.append(entry(t, causeOf(t.statistics()), Status.PENDING, null, now));
        }
      }
    }
  }

  /** {@code view@version} of a new-features trigger's statistics JSON. */
  private static String causeOf(String json) {
    // {"view":"<view>","version":<n>}
    String view = json.replaceAll(".*\"view\":\"([^\"]*)\".*", "$1");
    String version = json.replaceAll(".*\"version\":(\\d+).*", "$1");
    return view + "@" + version;
  }

  private Optional<Long> lastSeenVersion(String model, String view) {
    return table.log().stream()
        .filter(e -> e.model().equals(model) && e.cause() != null)
        .filter(e -> e.cause().startsWith(view + "@"))
        .map(e -> Long.parseLong(e.cause().substring(view.length() + 1)))
        .max(Long::compare);
  }

  /** The feature views the model's training set reads. */
  private List<String> viewsOf(String model) {
    ModelSpec spec = s.project().models().get(model);
    if (spec == null) {
      return List.of();
    }
    TrainingSetConfig set = s.project().trainingSets().get(spec.trainingSet());
    if (set == null) {
      return List.of();
    }
    return set.features().stream().map(TrainingSetConfig.FeatureRef::view).distinct().toList();
  }

  private void appendTriggers(List<Trigger> triggers) {
    String path = wh.triggers().path();
    TriggerRows format = new TriggerRows();
    tables.createIfMissing(path, format.schema());
    List<Object[]> rows = triggers.stream().map(format::toRow).toList();
    var files = tables.writeFiles(path, format.schema(), rows);
    long next =
        tables
                .snapshot(path)
                .orElseThrow()
                .getLatestTransactionVersion(tables.engine(), TRIGGER_APP_ID)
                .orElse(0L)
            + 1;
    if (!tables.commitOnce(path, TRIGGER_APP_ID, next, files)) {
      throw new SchedulerTable.ConcurrentSchedulerException(path);
    }
  }
}
