package dev.lakeops.spark.cli;

import dev.lakeops.common.cli.Human;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

/**
 * Progress of a long Spark command ({@code train}, {@code training-set}, {@code reproduce}, ...) on
 * stderr, one line at a time so it reads as well in a log file as on a terminal: at most one line
 * per {@code interval} ms, naming the running stage, its finished and total tasks with the
 * percentage, the stages done and the time since the command started, e.g. {@code progress: stage
 * 14 (fit at ModelTrainer.java:212) 6/8 tasks (75%); 13 stages done; 1 min 05 s}.
 *
 * <p>A {@link SparkListener}: its callbacks run on Spark's listener-bus thread, one at a time.
 * {@link #close()} removes it from the context.
 */
final class SparkProgress extends SparkListener implements AutoCloseable {
  /** The default time between two progress lines: 5 s. */
  static final long INTERVAL_MS = 5_000;

  private final SparkContext context;
  private final PrintStream err;
  private final long intervalMs;
  private final LongSupplier clock;
  private final long started;
  private final Map<Integer, int[]> running = new HashMap<>(); // stage -> {done, total}
  private final Map<Integer, String> names = new HashMap<>();
  private int stagesDone;
  private long lastPrinted;

  private SparkProgress(
      SparkContext context, PrintStream err, long intervalMs, LongSupplier clock) {
    this.context = context;
    this.err = err;
    this.intervalMs = intervalMs;
    this.clock = clock;
    this.started = clock.getAsLong();
    this.lastPrinted = started;
  }

  /** Starts printing the progress of {@code context}'s jobs to {@code err}. */
  static SparkProgress attach(SparkContext context, PrintStream err) {
    SparkProgress p = new SparkProgress(context, err, INTERVAL_MS, System::currentTimeMillis);
    context.addSparkListener(p);
    return p;
  }

  /** For tests: a listener on no context, with its own clock (ms). */
  static SparkProgress detached(PrintStream err, long intervalMs, LongSupplier clock) {
    return new SparkProgress(null, err, intervalMs, clock);
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    StageInfo s = event.stageInfo();
    stageStarted(s.stageId(), s.name(), s.numTasks());
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    taskEnded(event.stageId());
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted event) {
    stageEnded(event.stageInfo().stageId());
  }

  void stageStarted(int stage, String name, int tasks) {
    running.put(stage, new int[] {0, tasks});
    names.put(stage, name);
    maybePrint(stage);
  }

  void taskEnded(int stage) {
    int[] p = running.get(stage);
    if (p != null) {
      p[0] = Math.min(p[1], p[0] + 1);
      maybePrint(stage);
    }
  }

  void stageEnded(int stage) {
    if (running.remove(stage) != null) {
      names.remove(stage);
      stagesDone++;
    }
  }

  private void maybePrint(int stage) {
    long now = clock.getAsLong();
    if (now - lastPrinted < intervalMs) {
      return;
    }
    lastPrinted = now;
    err.println(line(stage, now));
  }

  /** The progress line for {@code stage} at {@code now} (ms). */
  String line(int stage, long now) {
    int[] p = running.getOrDefault(stage, new int[] {0, 0});
    int percent = p[1] == 0 ? 100 : (int) Math.floor(100.0 * p[0] / p[1]);
    return String.format(
        Locale.ROOT,
        "progress: stage %d (%s) %d/%d tasks (%d%%); %s done; %s",
        stage,
        names.getOrDefault(stage, "?"),
        p[0],
        p[1],
        percent,
        Human.count(stagesDone, "stage"),
        Human.elapsed(now - started));
  }

  @Override
  public void close() {
    if (context != null) {
      context.removeSparkListener(this);
    }
  }
}
