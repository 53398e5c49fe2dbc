package dev.lakeops.flink.demo;

import dev.lakeops.common.cli.Human;
import dev.lakeops.common.monitoring.ModelMonitoring;
import dev.lakeops.common.registry.ModelVersion;
import dev.lakeops.common.warehouse.PredictionLogColumns;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The demo's waits on the running loop, each on a condition read from the loop's tables: serving
 * caught up, the monitoring windows closed, every trigger seen by the scheduler and its retraining
 * ended. A wait that runs out, or a job that died, stops the demo with what it waited for and where
 * the job's log is.
 */
final class Loop {
  private static final long POLL_MILLIS = 250;

  /**
   * One retraining.
   *
   * @param triggerId the trigger it ran for
   * @param rule the rule that raised the trigger
   * @param exitCode the run's exit code (0 promoted, 3 refused by the gate)
   * @param version the version it promoted, or 0
   * @param triggerToServe from the trigger's raising to the new version's first prediction, or null
   *     when none
   * @param run how long the run took
   */
  record Retraining(
      String triggerId,
      String rule,
      Integer exitCode,
      int version,
      Duration triggerToServe,
      Duration run) {}

  private final DemoProcesses procs;
  private final LoopTables tables;
  private final ModelMonitoring monitoring;
  private final long monitorBoundMillis;
  private final Set<String> announced = new HashSet<>();
  private final Set<String> reported = new HashSet<>();
  private final Map<String, Long> waited = new LinkedHashMap<>();

  /**
   * @param monitorBound the monitoring job's bound on late predictions ({@code
   *     --max-out-of-orderness}): its watermark, which closes the windows, is that far behind the
   *     latest prediction
   */
  Loop(DemoProcesses procs, LoopTables tables, ModelMonitoring monitoring, Duration monitorBound) {
    this.procs = procs;
    this.tables = tables;
    this.monitoring = monitoring;
    this.monitorBoundMillis = monitorBound.toMillis();
  }

  /**
   * Waits for serving to have scored {@code served} requests and monitoring to have closed the
   * windows ending by {@code lastMillis}, then for every retraining that its triggers started.
   */
  void sync(int served, long lastMillis, DemoCommand.Say say) throws InterruptedException {
    waitFor(
        "serving to score " + Human.count(served, "request"),
        Duration.ofMinutes(2),
        () -> tables.served() >= served);
    long slide = monitoring.windowSlide().toMillis();
    long closed = Math.floorDiv(lastMillis - monitorBoundMillis, slide) * slide;
    waitFor(
        "monitoring to close the windows ending by " + Instant.ofEpochMilli(closed),
        Duration.ofMinutes(2),
        () -> tables.driftWindowEndMicros() / 1000 >= closed);
    retrainings(say);
    say.say(
        "%s: %s served; version %d serves the next step; %s, %s",
        DemoCommand.day(lastMillis),
        Human.count(served, "request"),
        tables.production(),
        Human.count(tables.triggers().size(), "trigger"),
        Human.count(reported.size(), "retraining"));
  }

  /** At the end of the stream: serving caught up and no retraining left. */
  void finish(int served, DemoCommand.Say say) throws InterruptedException {
    waitFor(
        "serving to score " + Human.count(served, "request"),
        Duration.ofMinutes(2),
        () -> tables.served() >= served);
    retrainings(say);
  }

  /** Waits until the scheduler has seen every trigger and every retraining ended. */
  private void retrainings(DemoCommand.Say say) throws InterruptedException {
    waitFor(
        "the scheduler to pick up the triggers",
        Duration.ofMinutes(1),
        () -> tables.scheduler().keySet().containsAll(tables.triggers().keySet()));
    long start = System.nanoTime();
    try {
      awaitRetrainings(say);
    } finally {
      waited.merge("retrainings", System.nanoTime() - start, Long::sum);
    }
  }

  private void awaitRetrainings(DemoCommand.Say say) throws InterruptedException {
    long deadline = System.currentTimeMillis() + Duration.ofMinutes(20).toMillis();
    while (true) {
      Map<String, LoopTables.SchedulerEntry> entries = tables.scheduler();
      Map<String, LoopTables.TriggerRow> triggers = tables.triggers();
      boolean busy = false;
      for (LoopTables.SchedulerEntry e : entries.values()) {
        LoopTables.TriggerRow t = triggers.get(e.triggerId());
        String rule = t == null ? "?" : t.rule();
        if (!e.finished()) {
          busy = true;
          if (announced.add(e.triggerId())) {
            say.say(
                "trigger %s (%s) -> retraining (features, train, gate; log under the warehouse's"
                    + " _lakeops/scheduler_runs)",
                shortId(e.triggerId()), rule);
          }
        } else if (reported.add(e.triggerId())) {
          int production = tables.production();
          say.say(
              "retraining for %s ended: %s",
              shortId(e.triggerId()),
              e.exitCode() == null
                  ? e.status()
                  : switch (e.exitCode()) {
                    case 0 -> "version " + production + " promoted; serving switches to it";
                    case 3 -> "the gate kept the champion (version " + production + ")";
                    default -> "failed (exit " + e.exitCode() + ")";
                  });
        }
      }
      if (!busy) {
        return;
      }
      checkAlive();
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("a retraining did not end within 20 minutes");
      }
      Thread.sleep(POLL_MILLIS * 4);
    }
  }

  /**
   * Polls {@code condition} until it holds.
   *
   * @throws IllegalStateException when {@code timeout} passes or a job process ended
   */
  void waitFor(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long start = System.nanoTime();
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    try {
      while (!condition.getAsBoolean()) {
        checkAlive();
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException(
              "waited " + Human.duration(timeout) + " for " + what + "; see the jobs' logs");
        }
        Thread.sleep(POLL_MILLIS);
      }
    } finally {
      int to = what.indexOf(" to ");
      waited.merge(to > 0 ? what.substring(0, to) : what, System.nanoTime() - start, Long::sum);
    }
  }

  /**
   * How long the replay waited, in ns, by what it waited for ("serving", "the online store",
   * "monitoring", "the scheduler", "retrainings"), in first-wait order: where the demo's time went.
   */
  Map<String, Long> waited() {
    return Collections.unmodifiableMap(waited);
  }

  private void checkAlive() {
    List<String> ended = procs.ended();
    if (!ended.isEmpty()) {
      throw new IllegalStateException(
          "a job stopped: " + String.join(", ", ended) + "; see its log under the demo's logs/");
    }
  }

  /**
   * Every retraining that ran, in the order the runs started, with its trigger-to-serve time: from
   * the trigger's {@code raised_at} to the first {@code scored_at} of the version it promoted (the
   * version registered while its run went).
   */
  List<Retraining> retrainings(LoopTables t, List<Map<String, Object>> log) {
    Map<String, LoopTables.TriggerRow> triggers = t.triggers();
    List<ModelVersion> versions = t.registry().versions();
    List<Retraining> out = new ArrayList<>();
    List<LoopTables.SchedulerEntry> entries = new ArrayList<>(t.scheduler().values());
    // In the order the runs started (the table's map has no order of its own).
    entries.sort(
        Comparator.comparing(
            LoopTables.SchedulerEntry::startedMicros,
            Comparator.nullsLast(Comparator.naturalOrder())));
    for (LoopTables.SchedulerEntry e : entries) {
      if (e.startedMicros() == null || e.endedMicros() == null) {
        continue;
      }
      LoopTables.TriggerRow trigger = triggers.get(e.triggerId());
      int version = 0;
      if (e.exitCode() != null && e.exitCode() == 0) {
        for (ModelVersion v : versions) {
          long created = v.createdAt().toEpochMilli() * 1000;
          if (created >= e.startedMicros() && created <= e.endedMicros()) {
            version = v.version();
          }
        }
      }
      Duration toServe = null;
      if (version > 0 && trigger != null) {
        int v = version;
        long first =
            log.stream()
                .filter(r -> ((Integer) r.get(PredictionLogColumns.MODEL_VERSION)) == v)
                .mapToLong(r -> (Long) r.get(PredictionLogColumns.SCORED_AT))
                .min()
                .orElse(Long.MIN_VALUE);
        if (first != Long.MIN_VALUE) {
          toServe = Duration.ofNanos((first - trigger.raisedMicros()) * 1000);
        }
      }
      out.add(
          new Retraining(
              e.triggerId(),
              trigger == null ? "?" : trigger.rule(),
              e.exitCode(),
              version,
              toServe,
              Duration.ofNanos((e.endedMicros() - e.startedMicros()) * 1000)));
    }
    return out;
  }

  static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }
}
