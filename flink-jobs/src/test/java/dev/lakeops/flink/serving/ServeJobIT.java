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
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving job on a real MiniCluster, a real registry and real Delta tables: hot swap of the
 * production model mid-stream, exactly-once output across an injected failure, and bad input sent
 * to the dead letter.
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

  @BeforeAll
  static void setUp() {
    fx = ServingFixture.get();
    store = fx.onlineStore();
  }

  ServeSettings settings(Path input, String model, boolean once, int parallelism) {
    return new ServeSettings(
        model,
        tmp.resolve("out").toString(),
        fx.config.database(),
        input.toString(),
        null,
        null,
        null,
        Duration.ofMillis(300),
        once,
        Duration.ofMillis(400),
        parallelism);
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

  static List<Map<String, Object>> read(String path) {
    return new KernelTables().readAll(path);
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
    ServeJob.build(env, plan(s), s, null);
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
        drop(in, "during-" + batch + ".json", events("during-" + batch, 10, t0 + 300_000));
        during += 10;
        batch++;
        Thread.sleep(300);
        if (promoted.get()
            && read(s.predictionLog()).stream()
                .anyMatch(r -> ((Number) r.get("model_version")).intValue() == 2)) {
          break;
        }
        assertThat(System.nanoTime() - started)
            .as("version 2 was never picked up")
            .isLessThan(Duration.ofMinutes(6).toNanos());
      }
      promote.join();
      Thread.sleep(1000); // every subtask has polled by now
      drop(in, "after.json", events("after", 200, t0 + 600_000));
      int total = 200 + during + 200;
      ServingFixture.await(
          Duration.ofSeconds(60), "all events", () -> read(s.predictionLog()).size() >= total);
      Thread.sleep(1500); // a further checkpoint: would show duplicates if there were any
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

  /** Throws once, after {@code n} records over all subtasks. */
  static final class FailOnce implements MapFunction<String, String> {
    static final AtomicInteger SEEN = new AtomicInteger();
    static final AtomicBoolean FAILED = new AtomicBoolean();
    private final int n;

    FailOnce(int n) {
      this.n = n;
    }

    @Override
    public String map(String line) {
      if (SEEN.incrementAndGet() >= n && FAILED.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure after " + n + " records");
      }
      return line;
    }
  }

  @Test
  void anInjectedFailureLosesAndDuplicatesNothing() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("events"));
    ServeSettings s = settings(in, ServingFixture.MODEL, false, 2);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(ServeJob.flinkConfig(s));
    FailOnce.SEEN.set(0);
    FailOnce.FAILED.set(false);
    ServeJob.build(env, plan(s), s, lines -> lines.map(new FailOnce(3_000)).name("fail-once"));
    JobClient job = env.executeAsync("serve-exactly-once");
    try {
      long t0 = fx.lastFeatureMillis + 60_000;
      drop(in, "a.json", events("a", 2_000, t0));
      ServingFixture.await(
          Duration.ofSeconds(60), "the first file", () -> read(s.predictionLog()).size() >= 2_000);
      drop(in, "b.json", events("b", 2_000, t0));
      drop(in, "c.json", events("c", 2_000, t0));
      ServingFixture.await(
          Duration.ofSeconds(90), "all events", () -> read(s.predictionLog()).size() >= 6_000);
      Thread.sleep(1500);
      List<Map<String, Object>> rows = read(s.predictionLog());
      assertThat(FailOnce.FAILED).isTrue();
      assertThat(rows).hasSize(6_000);
      assertThat(idCounts(rows)).hasSize(6_000).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    } finally {
      stop(job);
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
            "{\"event_id\": \"broken\", \"market_id\": ",
            "[1, 2, 3]",
            "{\"event_id\":\"no-key\",\"event_time\":" + t + "}",
            "{\"event_id\":\"bad-time\",\"market_id\":\"NSW\",\"event_time\":true}",
            "{\"event_id\":\"bad-key\",\"market_id\":{\"a\":1},\"event_time\":" + t + "}",
            event("bad-field", t, "\"nswprice\":\"cheap\""),
            event("good-2", t, "\"nswprice\":0.5"),
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
    assertThat(((Map<?, ?>) good2.get("features")).get("nswprice")).isEqualTo(0.5);

    Map<String, String> reasons = new HashMap<>();
    for (Map<String, Object> r : read(s.deadLetterLog())) {
      reasons.put((String) r.get("input"), (String) r.get("reason"));
    }
    assertThat(reasons).hasSize(6);
    assertThat(reasons.get("{\"event_id\": \"broken\", \"market_id\": "))
        .startsWith("malformed JSON");
    assertThat(reasons.get("[1, 2, 3]")).startsWith("malformed JSON: expected one object");
    assertThat(reasons.values())
        .contains(
            "missing the entity key 'market_id'",
            "wrong type: 'event_time' must be ISO-8601 text or epoch milliseconds, got boolean true",
            "wrong type: 'market_id' (the entity key) must be text, got object",
            "wrong type: 'nswprice' must be double (the model's signature), got text \"cheap\"");
  }
}
