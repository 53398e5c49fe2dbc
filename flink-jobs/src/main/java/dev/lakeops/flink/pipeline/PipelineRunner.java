package dev.lakeops.flink.pipeline;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.features.Durations;
import dev.lakeops.common.pipeline.Dag;
import dev.lakeops.common.pipeline.Pipeline;
import dev.lakeops.common.pipeline.PipelineTask;
import dev.lakeops.common.pipeline.RunIf.Decision;
import dev.lakeops.common.pipeline.TaskStatus;
import dev.lakeops.flink.pipeline.RunState.Attempt;
import dev.lakeops.flink.pipeline.RunState.Invocation;
import dev.lakeops.flink.pipeline.RunState.TaskState;
import dev.lakeops.flink.process.RunProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a pipeline's tasks as processes, in dependency order: a task starts when its {@code run_if}
 * holds, at most {@code max_parallel} at once; a failed or timed-out attempt is retried after its
 * backoff while retries are left; a timed-out attempt's process tree is killed. One thread decides
 * everything (events from process exits and timers come through a queue); the metadata store's rows
 * are written by a second thread meanwhile ({@link MetadataRecords}), so the tasks never wait for a
 * Delta commit.
 *
 * <p>Durability: the state ({@link RunState}) is saved before a process starts and after anything
 * ends. {@link #resume} continues a run whose runner died: a task process still alive is adopted
 * (its end and timeout still count), one that ended meanwhile is judged by the exit code it left,
 * and the failed and unfinished tasks run again with every task downstream of them; tasks that
 * succeeded and depend on none of those are not run again. Rows the dead runner had not written are
 * written then (each row once, {@link MetadataRecords}).
 */
final class PipelineRunner {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);

  /**
   * What a run needs.
   *
   * @param project the loaded project
   * @param pipeline the pipeline to run
   * @param warehouse the warehouse root given to the typed tasks
   * @param runDir the run's directory (state.json, each attempt's process directory)
   * @param commands how each task's argv is made (the launcher, params resolved at start)
   * @param maxParallel at most this many tasks at once
   * @param workDir the tasks' working directory
   * @param out progress lines; null for none
   */
  record Settings(
      ProjectConfig project,
      Pipeline pipeline,
      String warehouse,
      Path runDir,
      TaskCommands commands,
      int maxParallel,
      Path workDir,
      PrintStream out) {}

  /** What the decision thread is told. */
  private sealed interface Event {}

  private record Ended(String task, int number) implements Event {}

  private record TimedOut(String task, int number) implements Event {}

  private record Recorded(TaskRowWriter.Written written) implements Event {}

  private final Settings s;
  private final Dag dag;
  private final List<String> order;
  private final MetadataRecords records;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final Map<String, RunProcess> running = new HashMap<>();
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(daemon("pipeline-timers"));
  private TaskRowWriter writer;
  private int recordsInFlight;
  private RunState state;
  private Invocation invocation;

  PipelineRunner(Settings settings, MetadataRecords records) {
    this.s = settings;
    this.dag = settings.pipeline().dag();
    this.order = dag.topologicalOrder();
    this.records = records;
  }

  /**
   * Starts a new run with id {@code runId} and runs it to its end.
   *
   * @return the run's state at the end
   */
  RunState run(String runId) throws IOException, InterruptedException {
    state = new RunState();
    state.runId = runId;
    state.pipeline = s.pipeline().name();
    state.project = s.project().dir().toString();
    state.warehouse = s.warehouse();
    state.createdAtMillis = now();
    for (String t : s.pipeline().tasks().keySet()) {
      state.tasks.put(t, new TaskState());
    }
    java.nio.file.Files.createDirectories(s.runDir());
    begin("run", runId);
    return loop();
  }

  /**
   * Continues the run saved in the run directory: adopts what still runs, then runs the failed and
   * unfinished tasks and everything downstream of them.
   *
   * @return the run's state at the end
   */
  RunState resume(RunState saved) throws IOException, InterruptedException {
    state = saved;
    for (Invocation earlier : state.invocations) {
      if (earlier.endedAtMillis == null) {
        earlier.endedAtMillis = state.updatedAtMillis;
        earlier.status = "interrupted";
        earlier.error = "the runner stopped before the run ended; the run was resumed";
      }
    }
    begin("resume", state.runId + "-resume" + state.invocations.size());
    Set<String> adopted = new LinkedHashSet<>();
    for (String name : order) {
      TaskState ts = state.tasks.get(name);
      if (ts.status() == TaskStatus.RUNNING) {
        if (adopt(name, ts)) {
          adopted.add(name);
        }
      }
    }
    Set<String> rerun = new LinkedHashSet<>();
    for (String name : order) {
      if (!adopted.contains(name) && state.tasks.get(name).status().rerunOnResume()) {
        rerun.add(name);
      }
    }
    Set<String> reset = new LinkedHashSet<>(dag.downstreamOf(rerun));
    reset.removeAll(adopted);
    for (String name : reset) {
      TaskState ts = state.tasks.get(name);
      ts.status = TaskStatus.PENDING.key();
      ts.attemptsThisInvocation = 0;
      ts.notBeforeMillis = null;
    }
    save();
    List<String> kept = new ArrayList<>(order);
    kept.removeAll(reset);
    kept.removeAll(adopted);
    print(
        "resuming run %s: running again %s; adopted %s; kept %s",
        state.runId, List.copyOf(reset), List.copyOf(adopted), kept);
    return loop();
  }

  private void begin(String kind, String id) throws IOException {
    invocation = new Invocation();
    invocation.id = id;
    invocation.kind = kind;
    invocation.startedAtMillis = now();
    state.invocations.add(invocation);
    save();
    // rows an earlier runner left unwritten (it died between the end and the commit), in order
    List<Map.Entry<String, Attempt>> unwritten = new ArrayList<>();
    for (String name : order) {
      for (Attempt a : state.tasks.get(name).attempts) {
        if (a.endedAtMillis != null && !a.recorded && a.seq > 0) {
          unwritten.add(Map.entry(name, a));
        }
      }
    }
    unwritten.sort(java.util.Comparator.comparingLong(e -> e.getValue().seq));
    unwritten.forEach(e -> recordTask(e.getKey(), e.getValue()));
    for (Invocation earlier : state.invocations) {
      if (earlier != invocation && earlier.endedAtMillis != null && !earlier.recorded) {
        recordRun(earlier);
      }
    }
  }

  /** Adopts a task's process left by a dead runner; false when it is no longer running. */
  private boolean adopt(String name, TaskState ts) throws IOException {
    Attempt a = ts.last();
    Path dir = Path.of(a.dir);
    Optional<RunProcess> alive = RunProcess.adopt(dir, a.startedAtMillis);
    if (alive.isPresent() && RunProcess.exitCode(dir).isEmpty()) {
      ts.attemptsThisInvocation = 1;
      watch(name, a, alive.get());
      print("%s: adopted attempt %d (pid %d), still running", name, a.number, alive.get().pid());
      return true;
    }
    OptionalInt code = RunProcess.exitCode(dir);
    PipelineTask task = s.pipeline().task(name);
    if (code.isPresent()) {
      TaskStatus st =
          task.type().succeeded(code.getAsInt()) ? TaskStatus.SUCCEEDED : TaskStatus.FAILED;
      endAttempt(name, a, st, code.getAsInt(), "ended while the runner was down");
    } else {
      endAttempt(
          name,
          a,
          TaskStatus.FAILED,
          null,
          "its process was gone when the runner resumed, without an exit code (killed)");
    }
    ts.status = ts.last().status;
    return false;
  }

  private RunState loop() throws IOException, InterruptedException {
    try {
      while (true) {
        schedule();
        boolean active =
            state.tasks.values().stream()
                .anyMatch(
                    t -> t.status() == TaskStatus.PENDING || t.status() == TaskStatus.RUNNING);
        if (!active) {
          break;
        }
        Event e = events.poll(waitMillis(), TimeUnit.MILLISECONDS);
        if (e != null) {
          handle(e);
        }
      }
      while (recordsInFlight > 0) {
        handle(events.take());
      }
      finish();
      return state;
    } finally {
      timers.shutdownNow();
      if (writer != null) {
        writer.close();
      }
    }
  }

  /** How long until a retry's backoff ends (or a long time when none waits). */
  private long waitMillis() {
    long now = now();
    long wait = 60_000;
    for (TaskState ts : state.tasks.values()) {
      if (ts.status() == TaskStatus.PENDING && ts.notBeforeMillis != null) {
        wait = Math.min(wait, Math.max(1, ts.notBeforeMillis - now));
      }
    }
    return wait;
  }

  /** Starts, skips or fails what can be decided now, until nothing changes. */
  private void schedule() throws IOException {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (String name : order) {
        TaskState ts = state.tasks.get(name);
        if (ts.status() != TaskStatus.PENDING) {
          continue;
        }
        PipelineTask task = s.pipeline().task(name);
        List<TaskStatus> upstream =
            task.dependsOn().stream().map(d -> state.tasks.get(d).status()).toList();
        Decision d = task.runIf().decide(upstream);
        if (d == Decision.SKIP || d == Decision.UPSTREAM_FAILED) {
          notRun(name, ts, d);
          changed = true;
        } else if (d == Decision.RUN
            && running.size() < s.maxParallel()
            && (ts.notBeforeMillis == null || ts.notBeforeMillis <= now())) {
          start(name, ts);
          changed = true;
        }
      }
    }
  }

  private void notRun(String name, TaskState ts, Decision d) throws IOException {
    TaskStatus st = d == Decision.SKIP ? TaskStatus.SKIPPED : TaskStatus.UPSTREAM_FAILED;
    Attempt a = new Attempt();
    a.number = 0;
    a.invocation = invocation.id;
    a.startedAtMillis = now();
    a.endedAtMillis = a.startedAtMillis;
    a.status = st.key();
    List<String> failed =
        s.pipeline().task(name).dependsOn().stream()
            .filter(x -> state.tasks.get(x).status().failedForDependents())
            .toList();
    a.message =
        st == TaskStatus.SKIPPED
            ? "not run: its run_if (" + s.pipeline().task(name).runIf().key() + ") does not hold"
            : "not run: " + failed + " failed";
    ts.attempts.add(a);
    ts.status = st.key();
    a.seq = state.nextSeq++;
    save();
    print("%s: %s (%s)", name, st.key(), a.message);
    recordTask(name, a);
  }

  private void start(String name, TaskState ts) throws IOException {
    PipelineTask task = s.pipeline().task(name);
    Attempt a = new Attempt();
    a.number = ts.nextNumber();
    a.invocation = invocation.id;
    a.startedAtMillis = now();
    a.status = TaskStatus.RUNNING.key();
    Path dir = s.runDir().resolve("tasks").resolve(name).resolve(String.valueOf(a.number));
    a.dir = dir.toString();
    a.log = dir.resolve(RunProcess.LOG).toString();
    ts.attemptsThisInvocation++;
    ts.notBeforeMillis = null;
    ts.attempts.add(a);
    ts.status = TaskStatus.RUNNING.key();
    try {
      a.argv = s.commands().argv(task, s.project().dir(), s.warehouse());
    } catch (RuntimeException e) {
      save();
      endAttempt(name, a, TaskStatus.FAILED, null, "could not start: " + e.getMessage());
      return;
    }
    save(); // before the process starts: a runner dying now finds the attempt and no process
    RunProcess p;
    try {
      p = RunProcess.start(dir, a.argv, s.workDir());
    } catch (IOException e) {
      endAttempt(name, a, TaskStatus.FAILED, null, "could not start: " + e.getMessage());
      return;
    }
    print("%s: attempt %d started (pid %d), log %s", name, a.number, p.pid(), a.log);
    watch(name, a, p);
  }

  /** Follows a started or adopted process: its end and its timeout come back as events. */
  private void watch(String name, Attempt a, RunProcess p) {
    running.put(name, p);
    int number = a.number;
    p.onExit().thenRun(() -> events.add(new Ended(name, number)));
    Duration timeout = s.pipeline().task(name).timeout();
    if (timeout != null) {
      long left = a.startedAtMillis + timeout.toMillis() - now();
      timers.schedule(
          () -> events.add(new TimedOut(name, number)), Math.max(0, left), TimeUnit.MILLISECONDS);
    }
  }

  private void handle(Event e) throws IOException {
    if (e instanceof Ended end) {
      ended(end);
    } else if (e instanceof TimedOut t) {
      timedOut(t);
    } else if (e instanceof Recorded r) {
      recordsInFlight -= r.written().attempts().size();
      if (r.written().ok()) {
        r.written().attempts().forEach(a -> a.recorded = true);
        save();
      }
    }
  }

  private void ended(Ended end) throws IOException {
    Attempt a = current(end.task(), end.number());
    if (a == null) {
      return; // already ended (a timeout)
    }
    running.remove(end.task());
    OptionalInt code = RunProcess.exitCode(Path.of(a.dir));
    PipelineTask task = s.pipeline().task(end.task());
    if (code.isEmpty()) {
      endAttempt(end.task(), a, TaskStatus.FAILED, null, "ended without an exit code (killed)");
    } else if (task.type().succeeded(code.getAsInt())) {
      endAttempt(end.task(), a, TaskStatus.SUCCEEDED, code.getAsInt(), null);
    } else {
      endAttempt(
          end.task(),
          a,
          TaskStatus.FAILED,
          code.getAsInt(),
          "exit code " + code.getAsInt() + lastLine(Path.of(a.log)) + "; log " + a.log);
    }
  }

  private void timedOut(TimedOut t) throws IOException {
    Attempt a = current(t.task(), t.number());
    if (a == null) {
      return; // it ended first
    }
    RunProcess p = running.remove(t.task());
    Duration timeout = s.pipeline().task(t.task()).timeout();
    endAttempt(
        t.task(),
        a,
        TaskStatus.TIMED_OUT,
        null,
        "ran past its timeout of "
            + Durations.format(timeout)
            + " and was ended (its process tree killed)");
    if (p != null) {
      p.destroy();
    }
  }

  /** ": <the log's last non-blank line>" (at most 300 characters), or "" when there is none. */
  private static String lastLine(Path log) {
    try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(log)) {
      String last = lines.filter(l -> !l.isBlank()).reduce((x, y) -> y).orElse("");
      last = last.strip();
      return last.isEmpty() ? "" : ": " + (last.length() > 300 ? last.substring(0, 300) : last);
    } catch (IOException | java.io.UncheckedIOException e) {
      return "";
    }
  }

  /** The task's attempt {@code number} if it is the one running, else null. */
  private Attempt current(String task, int number) {
    Attempt a = state.tasks.get(task).last();
    return a != null && a.number == number && TaskStatus.RUNNING.key().equals(a.status) ? a : null;
  }

  /** Ends an attempt; the task is retried after its backoff while it has retries left. */
  private void endAttempt(String name, Attempt a, TaskStatus st, Integer code, String message)
      throws IOException {
    TaskState ts = state.tasks.get(name);
    PipelineTask task = s.pipeline().task(name);
    a.endedAtMillis = now();
    a.status = st.key();
    a.exitCode = code;
    a.message = message;
    if (st != TaskStatus.SUCCEEDED && ts.attemptsThisInvocation <= task.retries()) {
      Duration wait = task.backoffBefore(ts.attemptsThisInvocation + 1);
      ts.status = TaskStatus.PENDING.key();
      ts.notBeforeMillis = a.endedAtMillis + wait.toMillis();
      print(
          "%s: attempt %d %s (%s); retrying in %s",
          name, a.number, st.key(), message, Durations.format(wait));
    } else {
      ts.status = st.key();
      print(
          "%s: attempt %d %s%s",
          name, a.number, st.key(), message == null ? "" : " (" + message + ")");
    }
    a.seq = state.nextSeq++;
    save();
    recordTask(name, a);
  }

  /** Hands the attempt's row to the writer thread ({@link TaskRowWriter}). */
  private void recordTask(String name, Attempt a) {
    if (writer == null) {
      writer = new TaskRowWriter(records, state.runId, w -> events.add(new Recorded(w)));
    }
    recordsInFlight++;
    writer.submit(a, Rows.task(state, s.pipeline().task(name), name, a));
  }

  private void recordRun(Invocation inv) {
    Map<String, Object> row = Rows.run(state, s.project(), inv);
    try {
      records.appendRun(inv.id, row);
      inv.recorded = true;
    } catch (RuntimeException e) {
      LOG.warn("could not record run {} (resume records it)", inv.id, e);
    }
  }

  private void finish() throws IOException {
    invocation.endedAtMillis = now();
    List<String> failed = new ArrayList<>();
    int succeeded = 0;
    for (String name : order) {
      TaskStatus st = state.tasks.get(name).status();
      if (st.failedForDependents()) {
        failed.add(name + " " + st.key());
      } else if (st == TaskStatus.SUCCEEDED) {
        succeeded++;
      }
    }
    invocation.status = failed.isEmpty() ? "succeeded" : "failed";
    invocation.error = failed.isEmpty() ? null : "tasks not succeeded: " + failed;
    long wall = invocation.endedAtMillis - invocation.startedAtMillis;
    long busy = busyMillis();
    invocation.metrics.put("tasks_succeeded", (double) succeeded);
    invocation.metrics.put("tasks_failed", (double) failed.size());
    invocation.metrics.put("wall_ms", (double) wall);
    invocation.metrics.put("tasks_busy_ms", (double) busy);
    save();
    recordRun(invocation);
    save();
    print(
        "run %s %s in %s (tasks busy %s)%s",
        state.runId,
        invocation.status,
        dev.lakeops.common.cli.Human.elapsed(wall),
        dev.lakeops.common.cli.Human.elapsed(busy),
        failed.isEmpty() ? "" : ": " + failed);
  }

  /** How long at least one of this invocation's attempts ran (the union of their intervals). */
  private long busyMillis() {
    List<long[]> spans = new ArrayList<>();
    for (TaskState ts : state.tasks.values()) {
      for (Attempt a : ts.attempts) {
        if (a.number > 0 && a.endedAtMillis != null && invocation.id.equals(a.invocation)) {
          spans.add(new long[] {a.startedAtMillis, a.endedAtMillis});
        }
      }
    }
    spans.sort((x, y) -> Long.compare(x[0], y[0]));
    long total = 0;
    long end = Long.MIN_VALUE;
    for (long[] sp : spans) {
      if (sp[0] > end) {
        total += sp[1] - sp[0];
        end = sp[1];
      } else if (sp[1] > end) {
        total += sp[1] - end;
        end = sp[1];
      }
    }
    return total;
  }

  private void save() throws IOException {
    state.save(s.runDir(), now());
  }

  private void print(String format, Object... args) {
    if (s.out() != null) {
      s.out().printf("pipeline %s: " + format + "%n", prepend(s.pipeline().name(), args));
      s.out().flush();
    }
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] out = new Object[rest.length + 1];
    out[0] = first;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
