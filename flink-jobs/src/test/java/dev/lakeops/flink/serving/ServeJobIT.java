package dev.lakeops.flink.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.scoring.Scored;
import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.registry.Champion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving job on a real MiniCluster, a real registry and real Delta tables: hot swap of the
 * production model mid-stream, one prediction per event across an injected failure, a rerun and a
 * resume from an older savepoint, and bad input (and events with no feature row) sent to the dead
 * letter. Tests wait on conditions (rows in the log, completed checkpoints), never on time.
 */
class ServeJobIT {
  static {
    ServingFixture.logging();
  }

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  static ServingFixture fx;
  static StoreOpener store;
  @TempDir Path tmp;

  @BeforeEach
  void resetProbe() {
    CheckpointProbe.COMPLETED.set(0); // checkpoint ids start again in every job
  }

  @BeforeAll
  static void setUp() {
    fx = ServingFixture.get();
    store = fx.onlineStore();
  }

  ServeSettings settings(Path input, String model, boolean once, int parallelism) {
    return ServeSettings.builder()
        .model(model)
        .warehouse(tmp.resolve("out").toString(), fx.config.database())
        .inputDir(input.toString())
        .pollInterval(Duration.ofMillis(300))
        .once(once)
        .checkpointInterval(Duration.ofMillis(400))
        .parallelism(parallelism)
        .build();
  }

  /** The job's outputs go to a per-test warehouse; the registry is the fixture's. */
  ServingPlan plan(ServeSettings s) {
    return ServeJob.plan(
        fx.config, s, store, fx.loader(), ChampionSource.registry(fx.registry().path()));
  }

  static String event(String id, long time, String extra) {
    return "{\"event_id\":\""
        + id
        + "\",\"market_id\":\"NSW\",\"event_time\":"
        + time
        + (extra == null ? "" : "," + extra)
        + "}";
  }

  /** Writes a file of events atomically (hidden name first: the directory source skips those). */
  static void drop(Path dir, String name, List<String> lines) throws IOException {
    Path hidden = dir.resolve("." + name);
    Files.write(hidden, lines);
    Files.move(hidden, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  static List<String> events(String prefix, int n, long start) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(event(prefix + "-" + i, start + i * 1000L, null));
    }
    return out;
  }

  /**
   * The log's rows. The job commits while the test polls, and Hadoop's local file system can see a
   * commit file before its checksum file is complete (a checksum error): such a read is tried
   * again, 100 ms apart, at most 50 times.
   */
  static List<Map<String, Object>> read(String path) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 50; attempt++) {
      try {
        return new KernelTables().readAll(path);
      } catch (RuntimeException e) {
        if (!String.valueOf(e.getMessage()).contains("Checksum error")) {
          throw e;
        }
        last = e;
        // The commit file is still being written (its .crc lags it): look again shortly.
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
    throw last;
  }

  static Map<String, Long> idCounts(List<Map<String, Object>> rows) {
    return rows.stream()
        .collect(Collectors.groupingBy(r -> (String) r.get("event_id"), Collectors.counting()));
  }

  @Test
  void hotSwapsTheChampionMidStreamLosingAndDuplicatingNothing() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("events"));
    ServeSettings s = settings(in, ServingFixture.MODEL, false, 2);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(ServeJob.flinkConfig(s));
    ServeJob.build(env, plan(s), s, CheckpointProbe::attach);
    JobClient job = env.executeAsync("serve-hot-swap");
    try {
      long t0 = fx.lastFeatureMillis + 60_000;
      drop(in, "before.json", events("before", 200, t0));
      ServingFixture.await(
          Duration.ofSeconds(60), "the first events", () -> read(s.predictionLog()).size() >= 200);

      // Promote version 2 while events keep coming.
      AtomicBoolean promoted = new AtomicBoolean();
      Thread promote =
          new Thread(
              () -> {
                try {
                  fx.mlops(
                      "promote",
                      "--project",
                      fx.project.toString(),
                      "--model",
                      ServingFixture.MODEL,
                      "--version",
                      "2",
                      "--force",
                      "--reason",
                      "test");
                  promoted.set(true);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      promote.start();
      int batch = 0;
      int during = 0;
      long started = System.nanoTime();
      while (true) {
        String prefix = "during-" + batch;
        drop(in, prefix + ".json", events(prefix, 10, t0 + 300_000));
        during += 10;
        batch++;
        int logged = 200 + during;
        ServingFixture.await(
            Duration.ofSeconds(60),
            "batch " + prefix,
            () -> read(s.predictionLog()).size() >= logged);
        // Done when a whole batch, spread over both scoring subtasks, was scored by version 2:
        // then every subtask has swapped, and every later event is scored by version 2.
        List<Map<String, Object>> mine =
            read(s.predictionLog()).stream()
                .filter(r -> ((String) r.get("event_id")).startsWith(prefix + "-"))
                .toList();
        if (promoted.get()
            && mine.stream().allMatch(r -> ((Number) r.get("model_version")).intValue() == 2)
            && mine.stream().map(r -> subtaskOf((String) r.get("event_id"), 2)).distinct().count()
                == 2) {
          break;
        }
        assertThat(System.nanoTime() - started)
            .as("version 2 was never picked up")
            // the promote is a Spark launcher: minutes on a loaded machine
            .isLessThan(Duration.ofMinutes(15).toNanos());
      }
      promote.join();
      drop(in, "after.json", events("after", 200, t0 + 600_000));
      int total = 200 + during + 200;
      ServingFixture.await(
          Duration.ofSeconds(60), "all events", () -> read(s.predictionLog()).size() >= total);
      awaitFurtherCheckpoints(); // would show duplicates if there were any
      List<Map<String, Object>> rows = read(s.predictionLog());

      assertThat(rows).hasSize(total);
      assertThat(idCounts(rows).values()).allMatch(c -> c == 1);
      Map<String, Integer> versionOf = new HashMap<>();
      rows.forEach(
          r ->
              versionOf.put(
                  (String) r.get("event_id"), ((Number) r.get("model_version")).intValue()));
      for (int i = 0; i < 200; i++) {
        assertThat(versionOf.get("before-" + i)).isEqualTo(1);
        assertThat(versionOf.get("after-" + i)).isEqualTo(2);
      }
      assertThat(rows).allMatch(r -> ServingFixture.MODEL.equals(r.get("model")));

      // The logged scores are the scorer's on the same feature vector.
      Map<Integer, ModelScorer> scorers = new HashMap<>();
      Function<Integer, ModelScorer> scorerOf =
          v ->
              scorers.computeIfAbsent(
                  v,
                  x -> {
                    Champion c = fx.version(x);
                    return fx.loader().load(c);
                  });
      Map<String, Object> direct = fx.featureVector(fx.lastFeatureMillis + 60_000);
      for (Map<String, Object> r : rows) {
        @SuppressWarnings("unchecked")
        Map<String, Double> logged = (Map<String, Double>) r.get("features");
        for (Map.Entry<String, Object> f : direct.entrySet()) {
          assertThat(logged.get(f.getKey()))
              .as(f.getKey())
              .isEqualTo(f.getValue() == null ? null : ((Number) f.getValue()).doubleValue());
        }
        Scored expected =
            scorerOf.apply(((Number) r.get("model_version")).intValue()).score(direct);
        assertThat((Double) r.get("prediction")).isEqualTo(expected.prediction());
        @SuppressWarnings("unchecked")
        List<Double> p = (List<Double>) r.get("probability");
        assertThat(p).containsExactly(toList(expected.probability()).toArray(Double[]::new));
      }
      // Two versions gave different scores: the swap changed the model, not only the label.
      assertThat(
              rows.stream()
                  .map(
                      r ->
                          ((Number) r.get("model_version")).intValue() + ":" + r.get("probability"))
                  .distinct()
                  .count())
          .isEqualTo(2);

      // Spark reads the prediction log as a Delta table, by name, with the same rows.
      long v1 = versionOf.values().stream().filter(v -> v == 1).count();
      String sql =
          fx.mlopsIn(
              tmp.resolve("out").toString(),
              "sql",
              "--project",
              fx.config.dir().toString(),
              "--query",
              "SELECT model_version, count(DISTINCT event_id) AS events, count(*) AS rows_logged"
                  + " FROM "
                  + fx.config.database()
                  + ".predictions_"
                  + ServingFixture.MODEL
                  + " GROUP BY model_version ORDER BY model_version");
      assertThat(sql)
          .containsPattern("(?m)^1\\s+" + v1 + "\\s+" + v1 + "\\s*$")
          .containsPattern("(?m)^2\\s+" + (total - v1) + "\\s+" + (total - v1) + "\\s*$");
    } finally {
      stop(job);
    }
  }

  /** Cancels a running job; a job that failed on its own fails the test with its cause. */
  static void stop(JobClient job) throws Exception {
    org.apache.flink.api.common.JobStatus status = job.getJobStatus().get();
    if (status.isGloballyTerminalState()) {
      job.getJobExecutionResult().get(); // throws the job's failure
      throw new AssertionError("the job ended on its own: " + status);
    }
    job.cancel().get();
  }

  static List<Double> toList(double[] a) {
    List<Double> out = new ArrayList<>();
    for (double x : a) {
      out.add(x);
    }
    return out;
  }

  /** The scoring subtask of an event id (Flink's key groups, default max parallelism). */
  static int subtaskOf(String eventId, int parallelism) {
    return KeyGroupRangeAssignment.assignKeyToParallelOperator(
        eventId, KeyGroupRangeAssignment.computeDefaultMaxParallelism(parallelism), parallelism);
  }

  /**
   * Counts the job's completed checkpoints (the highest completed id), so tests wait on a real
   * checkpoint instead of a sleep.
   */
  static final class CheckpointProbe implements MapFunction<String, String>, CheckpointListener {
    static final AtomicLong COMPLETED = new AtomicLong();

    static DataStream<String> attach(DataStream<String> lines) {
      return lines.map(new CheckpointProbe()).name("checkpoint-probe");
    }

    @Override
    public String map(String line) {
      return line;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      COMPLETED.accumulateAndGet(checkpointId, Math::max);
    }
  }

  /**
   * Waits until two more checkpoints completed: the second started after this call, so whatever the
   * sink had buffered is committed (or would be, twice, if the sink duplicated).
   */
  static void awaitFurtherCheckpoints() throws InterruptedException {
    long now = CheckpointProbe.COMPLETED.get();
    ServingFixture.await(
        Duration.ofSeconds(60),
        "two further checkpoints",
        () -> CheckpointProbe.COMPLETED.get() >= now + 2);
  }

  /**
   * Throws once, at the first record after {@code n} records over all subtasks that comes after a
   * completed checkpoint which had seen records (the checkpoint-complete signal arms the failure):
   * the restart restores that checkpoint, or a later one, and replays what followed it. Records the
   * arming checkpoint and the checkpoint each restarted subtask restored, so the test can tell a
   * restore from a start from scratch.
   */
  static final class FailOnce
      implements MapFunction<String, String>, CheckpointListener, CheckpointedFunction {
    static final AtomicInteger SEEN = new AtomicInteger();
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
    static final AtomicInteger SEEN_AT_FAILURE = new AtomicInteger();
    static final AtomicLong ARMED_BY_CHECKPOINT = new AtomicLong(-1);
    static final AtomicLong RESTORED_CHECKPOINT = new AtomicLong(-1);
    private final int n;

    FailOnce(int n) {
      this.n = n;
    }

    static void reset() {
      SEEN.set(0);
      FAILED.set(false);
      CHECKPOINTED.set(false);
      SEEN_AT_FAILURE.set(0);
      ARMED_BY_CHECKPOINT.set(-1);
      RESTORED_CHECKPOINT.set(-1);
    }

    @Override
    public String map(String line) {
      int seen = SEEN.incrementAndGet();
      if (seen >= n && CHECKPOINTED.get() && FAILED.compareAndSet(false, true)) {
        SEEN_AT_FAILURE.set(seen);
        throw new IllegalStateException("injected failure after " + seen + " records");
      }
      return line;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      CheckpointProbe.COMPLETED.accumulateAndGet(checkpointId, Math::max);
      if (SEEN.get() > 0 && !CHECKPOINTED.get()) {
        ARMED_BY_CHECKPOINT.compareAndSet(-1, checkpointId);
        CHECKPOINTED.set(true);
      }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {}

    @Override
    public void initializeState(FunctionInitializationContext context) {
      context
          .getRestoredCheckpointId()
          .ifPresent(id -> RESTORED_CHECKPOINT.accumulateAndGet(id, Math::max));
    }
  }

  @Test
  void aFailureAfterACompletedCheckpointLosesAndDuplicatesNothing() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("events"));
    ServeSettings s = settings(in, ServingFixture.MODEL, false, 2);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(ServeJob.flinkConfig(s));
    FailOnce.reset();
    ServeJob.build(env, plan(s), s, lines -> lines.map(new FailOnce(3_000)).name("fail-once"));
    JobClient job = env.executeAsync("serve-exactly-once");
    try {
      long t0 = fx.lastFeatureMillis + 60_000;
      drop(in, "a.json", events("a", 2_000, t0));
      // logged = committed by a completed checkpoint that had read file a
      ServingFixture.await(
          Duration.ofSeconds(60), "the first file", () -> read(s.predictionLog()).size() >= 2_000);
      assertThat(FailOnce.CHECKPOINTED).isTrue();
      assertThat(FailOnce.FAILED).isFalse();
      drop(in, "b.json", events("b", 2_000, t0));
      drop(in, "c.json", events("c", 2_000, t0));
      ServingFixture.await(Duration.ofSeconds(90), "the failure", FailOnce.FAILED::get);
      ServingFixture.await(
          Duration.ofSeconds(90), "all events", () -> read(s.predictionLog()).size() >= 6_000);
      awaitFurtherCheckpoints();
      List<Map<String, Object>> rows = read(s.predictionLog());
      assertThat(FailOnce.SEEN_AT_FAILURE.get()).isBetween(3_000, 6_000);
      // Restored: the restart began from a completed checkpoint at or after the one that armed
      // the failure (not from scratch, not from nothing).
      assertThat(FailOnce.ARMED_BY_CHECKPOINT.get()).isPositive();
      assertThat(FailOnce.RESTORED_CHECKPOINT.get())
          .as("the checkpoint the restart restored")
          .isGreaterThanOrEqualTo(FailOnce.ARMED_BY_CHECKPOINT.get());
      // Replayed: the records after the restored checkpoint (at least the one that failed) went
      // through the map twice. (How many is the file source's business: in one run all 6,000 were
      // read again after the restore, and the prediction log still kept one row per event.)
      assertThat(FailOnce.SEEN.get()).isGreaterThan(6_000);
      assertThat(rows).hasSize(6_000);
      assertThat(idCounts(rows)).hasSize(6_000).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    } finally {
      stop(job);
    }
  }

  @Test
  void runningOnceTwiceOverTheSameInputLogsOnePredictionPerEvent() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("events"));
    long t0 = fx.lastFeatureMillis + 60_000;
    drop(in, "a.json", events("a", 300, t0));
    ServeSettings s = settings(in, ServingFixture.MODEL, true, 2);

    JobExecutionResult first = runOnce(s, "serve-once-1");
    assertThat(read(s.predictionLog())).hasSize(300);
    assertThat(counter(first, ScoreFunction.SCORED)).isEqualTo(300);
    assertThat(counter(first, LoggedOnce.SKIPPED)).isZero();

    // The same directory again, with a new file: 100 new events and 50 repeats of a's (other lines,
    // same ids: an event is known by its id) and 20 lines repeated within the new file.
    List<String> b = new ArrayList<>(events("b", 100, t0 + 1_000_000));
    for (int i = 0; i < 50; i++) {
      b.add(event("a-" + i, t0 + 5_000_000 + i, null));
    }
    b.addAll(events("b", 20, t0 + 1_000_000));
    drop(in, "b.json", b);
    JobExecutionResult second = runOnce(s, "serve-once-2");
    List<Map<String, Object>> rows = read(s.predictionLog());
    assertThat(rows).hasSize(400);
    assertThat(idCounts(rows)).hasSize(400).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    assertThat(counter(second, ScoreFunction.SCORED)).isEqualTo(100);
    assertThat(counter(second, LoggedOnce.SKIPPED)).isEqualTo(300 + 50 + 20);
    // a's events keep their first prediction (the repeats had other event times)
    assertThat(rows)
        .filteredOn(r -> ((String) r.get("event_id")).startsWith("a-"))
        .allMatch(r -> (Long) r.get("event_time") < (t0 + 5_000_000) * 1000);

    // A third time, at another parallelism: nothing new
    JobExecutionResult third = runOnce(s.withParallelism(1), "serve-once-3");
    assertThat(read(s.predictionLog())).hasSize(400);
    assertThat(counter(third, ScoreFunction.SCORED)).isZero();
    assertThat(counter(third, LoggedOnce.SKIPPED)).isEqualTo(300 + 170);
  }

  JobExecutionResult runOnce(ServeSettings s, String name) throws Exception {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(ServeJob.flinkConfig(s));
    ServeJob.build(env, plan(s), s, null);
    return env.execute(name);
  }

  static long counter(JobExecutionResult r, String name) {
    Object v = r.getAllAccumulatorResults().get(name);
    return v == null ? 0 : ((Number) v).longValue();
  }

  static long counter(JobClient job, String name) {
    try {
      Object v = job.getAccumulators().get().get(name);
      return v == null ? 0 : ((Number) v).longValue();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void aJobResumedFromAnOlderSavepointDoesNotLogAgainWhatItReplays() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("events"));
    ServeSettings s = settings(in, ServingFixture.MODEL, false, 2);
    long t0 = fx.lastFeatureMillis + 60_000;
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(ServeJob.flinkConfig(s));
    ServeJob.build(env, plan(s), s, null);
    JobClient job = env.executeAsync("serve-before-savepoint");
    String savepoint;
    try {
      drop(in, "a.json", events("a", 100, t0));
      ServingFixture.await(
          Duration.ofSeconds(60), "file a", () -> read(s.predictionLog()).size() >= 100);
      savepoint =
          job.triggerSavepoint(
                  tmp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
              .get();
      // after the savepoint: b is read and logged by this job
      drop(in, "b.json", events("b", 100, t0 + 100_000));
      ServingFixture.await(
          Duration.ofSeconds(60), "file b", () -> read(s.predictionLog()).size() >= 200);
    } finally {
      stop(job);
    }

    // Resume from the savepoint: its source state has read a, not b, so b is read again.
    Configuration conf = ServeJob.flinkConfig(s);
    conf.setString("execution.state-recovery.path", savepoint);
    StreamExecutionEnvironment env2 = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    CheckpointProbe.COMPLETED.set(0);
    ServeJob.build(env2, plan(s), s, CheckpointProbe::attach);
    JobClient resumed = env2.executeAsync("serve-from-savepoint");
    try {
      drop(in, "c.json", events("c", 100, t0 + 200_000));
      ServingFixture.await(
          Duration.ofSeconds(60), "file c", () -> read(s.predictionLog()).size() >= 300);
      // b's 100 events were replayed and skipped (a fresh start would skip a's too: 200)
      ServingFixture.await(
          Duration.ofSeconds(90),
          "the replayed events counted",
          () -> counter(resumed, LoggedOnce.SKIPPED) >= 100);
      awaitFurtherCheckpoints();
      assertThat(counter(resumed, LoggedOnce.SKIPPED)).isEqualTo(100);
      List<Map<String, Object>> rows = read(s.predictionLog());
      assertThat(rows).hasSize(300);
      assertThat(idCounts(rows)).hasSize(300).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    } finally {
      stop(resumed);
    }
  }

  @Test
  void badInputGoesToTheDeadLetterWithItsReasonAndGoodEventsAreScored() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("events"));
    long t = fx.lastFeatureMillis + 60_000;
    drop(
        in,
        "mixed.json",
        List.of(
            event("good-1", t, null),
            "{\"event_id\":\"unknown\",\"market_id\":\"NOWHERE\",\"event_time\":" + t + "}",
            "{\"event_id\": \"broken\", \"market_id\": ",
            "[1, 2, 3]",
            "{\"event_id\":\"no-key\",\"event_time\":" + t + "}",
            "{\"event_id\":\"bad-time\",\"market_id\":\"NSW\",\"event_time\":true}",
            "{\"event_id\":\"bad-key\",\"market_id\":{\"a\":1},\"event_time\":" + t + "}",
            event("bad-field", t, "\"price_vs_mean_24h_z\":\"cheap\""),
            event("good-2", t, "\"price_vs_mean_24h_z\":0.5"),
            "{\"event_id\":\"good-3\",\"market_id\":\"NSW\",\"event_time\":\""
                + java.time.Instant.ofEpochMilli(t)
                + "\"}"));
    ServeSettings s = settings(in, ServingFixture.MODEL, true, 1);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(ServeJob.flinkConfig(s));
    ServeJob.build(env, plan(s), s, null);
    env.execute("serve-bad-input"); // --once: ends when the file is read, after a last commit

    List<Map<String, Object>> predictions = read(s.predictionLog());
    assertThat(predictions)
        .extracting(r -> r.get("event_id"))
        .containsExactlyInAnyOrder("good-1", "good-2", "good-3");
    Map<String, Object> good2 =
        predictions.stream()
            .filter(r -> r.get("event_id").equals("good-2"))
            .findFirst()
            .orElseThrow();
    assertThat(((Map<?, ?>) good2.get("features")).get("price_vs_mean_24h_z")).isEqualTo(0.5);
    // every view had a row for NSW
    assertThat(predictions).allSatisfy(r -> assertThat((List<?>) r.get("missing_views")).isEmpty());

    Map<String, String> reasons = new HashMap<>();
    for (Map<String, Object> r : read(s.deadLetterLog())) {
      reasons.put((String) r.get("input"), (String) r.get("reason"));
    }
    assertThat(reasons).hasSize(7);
    // an unknown entity has no row in any view: the default policy dead-letters it
    assertThat(
            reasons.get(
                "{\"event_id\":\"unknown\",\"market_id\":\"NOWHERE\",\"event_time\":" + t + "}"))
        .startsWith("no feature row as of the event time ")
        .contains("market_id 'NOWHERE' in any of the views [")
        .contains("serving.on_missing_features: dead_letter_all_missing");
    assertThat(reasons.get("{\"event_id\": \"broken\", \"market_id\": "))
        .startsWith("malformed JSON");
    assertThat(reasons.get("[1, 2, 3]")).startsWith("malformed JSON: expected one object");
    assertThat(reasons.values())
        .contains(
            "missing the entity key 'market_id'",
            "wrong type: 'event_time' must be ISO-8601 text or epoch milliseconds, got boolean true",
            "wrong type: 'market_id' (the entity key) must be text, got object",
            "wrong type: 'price_vs_mean_24h_z' must be double (the model's signature), got text \"cheap\"");
  }
}
