package dev.lakeops.flink.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeops.common.config.MonitoringConfig;
import dev.lakeops.common.events.Rejection;
import dev.lakeops.common.monitoring.ModelMonitoring;
import dev.lakeops.common.monitoring.ModelMonitoring.Rule;
import dev.lakeops.common.monitoring.Statistic;
import dev.lakeops.common.monitoring.drift.DecileBins;
import dev.lakeops.common.monitoring.drift.QuantileSketches;
import dev.lakeops.common.training.ReferenceProfile;
import dev.lakeops.common.training.ReferenceProfile.ColumnProfile;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.cli.MonitorSummary;
import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.serving.Prediction;
import dev.lakeops.flink.serving.PredictionLog;
import dev.lakeops.flink.serving.ServingFixture;
import dev.lakeops.flink.testing.KafkaBroker;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring job on a MiniCluster (one per class, with Flink's Prometheus reporter): delayed
 * labels joined up to three windows late, a label that never comes counted expired, a label after
 * its prediction expired and a label of no prediction counted unmatched, malformed label lines in
 * the dead letter, the Delta tables read back, and the gauges scraped over HTTP. Expected values
 * are worked out by hand in the comments (the windows, who joins whom, the no-change labels).
 */
class MonitorJobIT {
  static {
    ServingFixture.logging();
  }

  static final int PROM_PORT = freePort();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .setConfiguration(prometheus())
              .build());

  static Configuration prometheus() {
    Configuration c = new Configuration();
    c.setString(
        "metrics.reporter.prom.factory.class",
        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    c.setString("metrics.reporter.prom.port", Integer.toString(PROM_PORT));
    return c;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @TempDir Path tmp;

  static Prediction p(String id, long t, double pred, double p1, Double x) {
    Map<String, Double> f = new HashMap<>();
    f.put("x", x);
    return new Prediction(
        id, "k" + id, t, "m", 1, f, Map.of(), pred, new double[] {1 - p1, p1}, t, List.of());
  }

  static MonitorInput label(String id, double y) {
    return MonitorInput.of(new Label(id, y, "test"));
  }

  MonitorSettings.Builder settings() {
    return MonitorSettings.builder()
        .model("m")
        .warehouse(tmp.resolve("wh").toString(), "db")
        .labelDir(tmp.resolve("labels").toString())
        .maxOutOfOrderness(Duration.ZERO)
        .once(true)
        .checkpointInterval(Duration.ofMillis(300))
        .parallelism(1);
  }

  /** Rows of a statistics table: (window start ms, statistic[, feature]) -> row. */
  static Map<String, Map<String, Object>> byWindow(String path) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (Map<String, Object> r : new KernelTables().readAll(path)) {
      long start = ((Number) r.get("window_start")).longValue() / 1000;
      String key =
          start
              + "/"
              + r.get("statistic")
              + (r.get("feature") == null ? "" : "/" + r.get("feature"));
      assertThat(out.put(key, r)).as("one row per window and statistic: %s", key).isNull();
    }
    return out;
  }

  static double value(Map<String, Map<String, Object>> rows, String key) {
    assertThat(rows).containsKey(key);
    return ((Number) rows.get(key).get("value")).doubleValue();
  }

  @Test
  void delayedLabelsJoinUpToTheTtlAndTheRestIsCounted() throws Exception {
    // 10 s tumbling windows, TTL 30 s, watermark = latest prediction time - 1 ms.
    MonitorSettings s =
        settings().window(Duration.ofSeconds(10)).labelTtl(Duration.ofSeconds(30)).build();
    List<MonitorInput> in =
        List.of(
            MonitorInput.of(p("p1", 1_000, 1, 0.8, 1.0)),
            MonitorInput.of(p("p2", 2_000, 0, 0.3, null)),
            MonitorInput.of(p("p3", 12_000, 1, 0.6, 2.0)), // wm 11 999
            MonitorInput.of(p("late", 3_000, 1, 0.5, 9.0)), // behind the watermark: dead letter
            label("p1", 1), // one window late
            MonitorInput.of(p("p4", 25_000, 0, 0.1, 3.0)), // wm 24 999
            label("p2", 1), // two windows late, within the TTL (expires at 32 000)
            MonitorInput.of(p("p5", 33_000, 1, 0.7, 4.0)), // wm 32 999
            label("p3", 0),
            label("nobody", 1), // no such prediction: unmatched at wm 62 999, window [30, 40)
            MonitorInput.of(p("p6", 45_000, 0, 0.4, 5.0)), // wm 44 999: window [0,10) complete
            label("p5", 1),
            label("p6", 0),
            MonitorInput.of(p("p7", 70_000, 1, 0.9, 6.0)), // wm 69 999: p4 expired (55 000)
            label("p4", 0)); // too late: p4 expired; unmatched, arrived at 69 999 -> [60, 70)
    // p7 never gets a label: expired at the end of the input, window [70, 80)
    MonitorSummary summary = runInOrder(s, in, "monitor-delayed-labels");

    Map<String, Map<String, Object>> perf = byWindow(s.warehouse().performance("m").path());
    // [0, 10): p1 (pred 1, label 1), p2 (pred 0, label 1): accuracy 1/2; predicted {1, 0}, true
    // {1, 1}: p_e = 1/2 * 1 + 1/2 * 0 = 1/2, kappa 0; no-change: p2's previous label is p1's (1)
    // = 1, right: acc_nc = 1/1, kappa-temporal undefined; AUC undefined (one class); log loss
    // -(ln 0.8 + ln 0.3) / 2.
    assertThat(value(perf, "0/labelled")).isEqualTo(2);
    assertThat(value(perf, "0/accuracy")).isEqualTo(0.5);
    assertThat(value(perf, "0/kappa")).isCloseTo(0.0, within(1e-12));
    assertThat(value(perf, "0/accuracy_no_change")).isEqualTo(1.0);
    assertThat(value(perf, "0/kappa_temporal")).isNaN();
    assertThat(value(perf, "0/auc")).isNaN();
    assertThat(value(perf, "0/log_loss"))
        .isCloseTo(-(Math.log(0.8) + Math.log(0.3)) / 2, within(1e-12));
    assertThat(value(perf, "0/labels_expired")).isZero();
    assertThat(value(perf, "0/labels_unmatched")).isZero();
    // [10, 20): p3 (pred 1, label 0); previous label in time order is p2's (1): no-change wrong.
    assertThat(value(perf, "10000/accuracy")).isZero();
    assertThat(value(perf, "10000/accuracy_no_change")).isZero();
    assertThat(value(perf, "10000/kappa_temporal")).isZero();
    // [20, 30): p4's label came after its TTL: expired, nothing labelled.
    assertThat(value(perf, "20000/labelled")).isZero();
    assertThat(value(perf, "20000/labels_expired")).isEqualTo(1);
    assertThat(perf).doesNotContainKey("20000/accuracy");
    // [30, 40): p5 right (previous label p3's 0 != 1), and the label of no prediction.
    assertThat(value(perf, "30000/accuracy")).isEqualTo(1.0);
    assertThat(value(perf, "30000/accuracy_no_change")).isZero();
    assertThat(value(perf, "30000/kappa_temporal")).isEqualTo(1.0);
    assertThat(value(perf, "30000/labels_unmatched")).isEqualTo(1);
    // [40, 50): p6 right; previous label p5's 1 != 0.
    assertThat(value(perf, "40000/accuracy")).isEqualTo(1.0);
    assertThat(value(perf, "40000/accuracy_no_change")).isZero();
    // [60, 70): p4's late label, unmatched; [70, 80): p7, never labelled.
    assertThat(value(perf, "60000/labels_unmatched")).isEqualTo(1);
    assertThat(value(perf, "70000/labels_expired")).isEqualTo(1);
    assertThat(value(perf, "70000/labelled")).isZero();
    // totals over every window: 5 labelled (p1, p2, p3, p5, p6), 2 expired, 2 unmatched
    assertThat(sum(perf, "labelled")).isEqualTo(5);
    assertThat(sum(perf, "labels_expired")).isEqualTo(2);
    assertThat(sum(perf, "labels_unmatched")).isEqualTo(2);
    Map<String, Object> row = perf.get("0/accuracy");
    assertThat(row)
        .containsEntry("model_version", 1)
        .containsEntry("feature", null)
        .containsEntry("rows", 2L)
        .containsEntry("threshold", null)
        .containsEntry("breached", false)
        .containsEntry("rule", null)
        .containsEntry("window_end", 10_000_000L);

    // the late prediction is in no statistic (window [0, 10) above: 2 labelled, none expired)
    assertThat(deadLetters(s.deadLetterDir()))
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.get("rule").asText()).isEqualTo("late");
              assertThat(n.get("raw").asText()).isEqualTo("late");
            });
    Map<String, Map<String, Object>> drift = byWindow(s.warehouse().drift("m").path());
    // [0, 10): p1 has x, p2 has none
    assertThat(value(drift, "0/missing_rate/x")).isEqualTo(0.5);
    assertThat(drift.get("0/missing_rate/x")).containsEntry("rows", 2L);
    assertThat(value(drift, "70000/missing_rate/x")).isZero();
    // the summary of monitor --once: 8 predictions (p1-p7 and the late one) and 7 labels read;
    // 5 labelled, 2 expired (p4, p7), 2 unmatched (nobody, p4's late label); every row of the two
    // tables written; no rules, so no trigger; the late prediction dead-lettered
    assertThat(summary)
        .isEqualTo(new MonitorSummary(8, 7, 5, 2, 2, perf.size() + drift.size(), 0, 1));
  }

  @Test
  void monitoringRulesMarkTheRowsAndRaiseOneTriggerIntoTheTriggerTable() throws Exception {
    // accuracy below 0.75 in one window raises a trigger; the cooldown (1 min) keeps the next
    // breach quiet.
    MonitoringConfig monitoring =
        new MonitoringConfig(
            "monitoring.yaml",
            Map.of(
                "m",
                new ModelMonitoring(
                    "m",
                    Duration.ofSeconds(10),
                    null,
                    null,
                    List.of(
                        new Rule(
                            "accuracy_drop",
                            Statistic.ACCURACY,
                            null,
                            0.75,
                            1,
                            Duration.ofMinutes(1))))),
            null);
    MonitorSettings s =
        settings()
            .window(Duration.ofSeconds(10))
            .labelTtl(Duration.ofSeconds(5))
            .monitoring(monitoring)
            .build();
    List<MonitorInput> in =
        List.of(
            MonitorInput.of(p("p1", 1_000, 1, 0.8, 1.0)),
            MonitorInput.of(p("p2", 2_000, 0, 0.3, 1.0)),
            label("p1", 1),
            label("p2", 1), // [0, 10): accuracy 1/2, below 0.75
            MonitorInput.of(p("p3", 12_000, 0, 0.2, 1.0)),
            label("p3", 1), // [10, 20): accuracy 0, below too, but within the cooldown
            MonitorInput.of(p("p4", 25_000, 1, 0.9, 1.0)),
            label("p4", 1), // [20, 30): accuracy 1
            MonitorInput.of(p("p5", 45_000, 1, 0.9, 1.0)));
    runInOrder(s, in, "monitor-rules");

    Map<String, Map<String, Object>> perf = byWindow(s.warehouse().performance("m").path());
    assertThat(perf.get("0/accuracy"))
        .containsEntry("value", 0.5)
        .containsEntry("threshold", 0.75)
        .containsEntry("breached", true)
        .containsEntry("rule", "accuracy_drop");
    assertThat(perf.get("10000/accuracy"))
        .containsEntry("value", 0.0)
        .containsEntry("breached", true)
        .containsEntry("rule", "accuracy_drop");
    assertThat(perf.get("20000/accuracy"))
        .containsEntry("value", 1.0)
        .containsEntry("threshold", 0.75)
        .containsEntry("breached", false);
    // statistics no rule watches stay unmarked
    assertThat(perf.get("0/log_loss"))
        .containsEntry("threshold", null)
        .containsEntry("rule", null)
        .containsEntry("breached", false);

    List<Map<String, Object>> triggers =
        new KernelTables().readAll(s.warehouse().triggers().path());
    String id =
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest("m|1|accuracy_drop|10000".getBytes(StandardCharsets.UTF_8)));
    assertThat(triggers)
        .singleElement()
        .satisfies(
            t ->
                assertThat(t)
                    .containsEntry("trigger_id", id)
                    .containsEntry("model", "m")
                    .containsEntry("model_version", 1)
                    .containsEntry("rule", "accuracy_drop")
                    .containsEntry("reason", "performance")
                    .containsEntry("statistic", "accuracy")
                    .containsEntry("value", 0.5)
                    .containsEntry("threshold", 0.75)
                    .containsEntry("window_end", 10_000_000L));
  }

  /**
   * A registry holding version 1 of model m, whose artifact has a profile.json with x's reference
   * 0, 1, ..., 9 (a KLL sketch holding every value, so exact); version 2 is not registered.
   */
  static void registryWithProfile(MonitorSettings s, Path artifact) throws IOException {
    KllDoublesSketch sketch = QuantileSketches.newSketch();
    List<Double> quantiles = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sketch.update(i);
    }
    for (int q = 0; q <= 100; q++) {
      quantiles.add(9.0 * q / 100); // linear between the closest ranks of 0..9
    }
    ColumnProfile x =
        new ColumnProfile(
            ReferenceProfile.Kind.NUMERIC,
            10,
            0,
            4.5,
            Math.sqrt(55.0 / 6),
            0.0,
            9.0,
            quantiles,
            null,
            0,
            0,
            QuantileSketches.toBase64(sketch),
            null,
            null);
    // As training writes it: the inverted-CDF deciles of 0..9 are 0..8, one value in each bin.
    DecileBins bins = DecileBins.ofSorted(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    x =
        x.withBins(
            Arrays.stream(bins.edges()).boxed().toList(),
            Arrays.stream(bins.counts(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}))
                .boxed()
                .toList());
    Files.createDirectories(artifact);
    Files.writeString(
        artifact.resolve(ReferenceProfiles.FILE),
        new ReferenceProfile(10, true, Map.of("x", x)).toJson());
    StructType schema =
        new StructType()
            .add("model", StringType.STRING)
            .add("version", IntegerType.INTEGER)
            .add("stage", StringType.STRING)
            .add("epoch", LongType.LONG)
            .add("artifact", StringType.STRING)
            .add("signature", StringType.STRING);
    String path = new Warehouse(s.warehouseRoot(), s.database()).modelVersions().path();
    KernelTables t = new KernelTables();
    t.createIfMissing(path, schema);
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {"m", 1, "production", 1L, artifact.toString(), "{}"});
    t.commitOnce(path, "test", 1, t.writeFiles(path, schema, rows));
  }

  @Test
  void driftIsMeasuredAgainstTheVersionsProfileAndAVersionWithoutOneKeepsGoing() throws Exception {
    MonitorSettings s =
        settings().window(Duration.ofSeconds(10)).labelTtl(Duration.ofSeconds(1)).build();
    registryWithProfile(s, tmp.resolve("artifact"));
    Prediction v2 =
        new Prediction(
            "w5", "k", 5_000, "m", 2, Map.of("x", 3.0), Map.of(), 0, null, 5_000, List.of());
    List<MonitorInput> in =
        List.of(
            MonitorInput.of(p("w1", 1_000, 1, 0.5, 1.0)),
            MonitorInput.of(p("w2", 2_000, 1, 0.5, 20.0)),
            MonitorInput.of(p("w3", 3_000, 1, 0.5, null)),
            MonitorInput.of(p("w4", 4_000, 1, 0.5, 5.0)),
            MonitorInput.of(v2));
    runInOrder(s, in, "monitor-drift");

    List<Map<String, Object>> rows = new KernelTables().readAll(s.warehouse().drift("m").path());
    Map<String, Double> v1 = new HashMap<>();
    Map<String, Double> v2rows = new HashMap<>();
    for (Map<String, Object> r : rows) {
      String key = r.get("feature") + "/" + r.get("statistic");
      double v = ((Number) r.get("value")).doubleValue();
      ((Integer) r.get("model_version") == 1 ? v1 : v2rows).put(key, v);
    }
    // x in the window: 1, 20, missing, 5 -> 1/4 missing; 20 is outside [0, 9]: 1 of 3 present
    assertThat(v1).containsEntry("x/missing_rate", 0.25);
    assertThat(v1.get("x/out_of_range_rate")).isCloseTo(1.0 / 3, within(1e-12));
    // KS against the reference 0..9, brute force over every point of both samples
    assertThat(v1.get("x/ks_statistic"))
        .isCloseTo(
            bruteForceKs(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, new double[] {1, 20, 5}),
            within(1e-12));
    assertThat(v1).containsKeys("x/psi", "x/wasserstein", "x/jensen_shannon");
    // the prediction has no reference column: its missing rate only
    assertThat(v1).containsEntry("prediction/missing_rate", 0.0);
    assertThat(v1).doesNotContainKey("prediction/psi");
    // version 2 has no profile: the job kept going with missing rates only
    assertThat(v2rows).containsEntry("x/missing_rate", 0.0).doesNotContainKey("x/psi");
  }

  static double bruteForceKs(double[] a, double[] b) {
    double d = 0;
    List<Double> points = new ArrayList<>();
    for (double x : a) {
      points.add(x);
    }
    for (double x : b) {
      points.add(x);
    }
    for (double x : points) {
      double fa = java.util.Arrays.stream(a).filter(v -> v <= x).count() / (double) a.length;
      double fb = java.util.Arrays.stream(b).filter(v -> v <= x).count() / (double) b.length;
      d = Math.max(d, Math.abs(fa - fb));
    }
    return d;
  }

  @Test
  void readsThePredictionAndLabelTopics() throws Exception {
    try (KafkaBroker kafka = new KafkaBroker()) {
      String predictions = "predictions-" + UUID.randomUUID();
      String labels = "labels-" + UUID.randomUUID();
      kafka.createTopic(predictions, 1);
      kafka.createTopic(labels, 1);
      kafka.send(
          predictions,
          List.of(
              new String(PredictionLog.json(p("k1", 1_000, 1, 0.8, 1.0)), StandardCharsets.UTF_8),
              new String(PredictionLog.json(p("k2", 2_000, 1, 0.6, null)), StandardCharsets.UTF_8),
              "{\"event_id\": \"broken\"}"),
          null);
      kafka.send(
          labels,
          List.of(
              "{\"event_id\": \"k1\", \"label\": 1}",
              "{\"event_id\": \"k2\", \"label\": 0}",
              "{\"event_id\": \"k3\""),
          null);
      MonitorSettings s =
          settings()
              .labelDir(null)
              .labelTopic(labels)
              .predictionTopic(predictions)
              .kafkaBootstrap(kafka.bootstrap())
              .window(Duration.ofMinutes(1))
              .labelTtl(Duration.ofHours(1))
              .build();
      StreamExecutionEnvironment env =
          StreamExecutionEnvironment.getExecutionEnvironment(MonitorJob.flinkConfig(s));
      MonitorJob.build(env, s);
      env.execute("monitor-kafka");

      Map<String, Map<String, Object>> perf = byWindow(s.warehouse().performance("m").path());
      // k1 right (1 = 1), k2 wrong (predicted 1, label 0)
      assertThat(value(perf, "0/labelled")).isEqualTo(2);
      assertThat(value(perf, "0/accuracy")).isEqualTo(0.5);
      assertThat(deadLetters(s.deadLetterDir()))
          .extracting(n -> n.get("source").asText() + ":" + n.get("rule").asText())
          .containsExactlyInAnyOrder("predictions:malformed", "labels:malformed");
    }
  }

  /**
   * Runs the job's statistics and outputs over {@code in}, in this order (parallelism 1); returns
   * the counts {@code monitor --once} prints.
   */
  static MonitorSummary runInOrder(MonitorSettings s, List<MonitorInput> in, String name)
      throws Exception {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(MonitorJob.flinkConfig(s));
    env.setParallelism(1);
    DataStream<MonitorInput> inputs = env.fromData(in, TypeInformation.of(MonitorInput.class));
    DataStream<Rejection> none =
        inputs.flatMap(
            (MonitorInput x, Collector<Rejection> out) -> {}, TypeInformation.of(Rejection.class));
    MonitorSummary.count(MonitorJob.attach(inputs, none, s));
    return MonitorSummary.of(env.execute(name));
  }

  static double sum(Map<String, Map<String, Object>> rows, String statistic) {
    return rows.entrySet().stream()
        .filter(e -> e.getKey().endsWith("/" + statistic))
        .mapToDouble(e -> ((Number) e.getValue().get("value")).doubleValue())
        .sum();
  }

  /** Writes predictions into a Delta prediction log as one commit (as the serving job would). */
  static void log(String path, List<Prediction> ps, long version) {
    KernelTables t = new KernelTables();
    PredictionLog.Rows rows = new PredictionLog.Rows();
    t.createIfMissing(path, rows.schema());
    List<Object[]> data = new ArrayList<>();
    ps.forEach(p -> data.add(rows.toRow(p)));
    t.commitOnce(path, "test", version, t.writeFiles(path, rows.schema(), data));
  }

  static List<JsonNode> deadLetters(String dir) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    if (!Files.exists(Path.of(dir))) {
      return out;
    }
    try (Stream<Path> files = Files.walk(Path.of(dir))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (f.getFileName().toString().startsWith(".")) {
          continue; // in progress
        }
        for (String line : Files.readAllLines(f)) {
          if (!line.isBlank()) {
            out.add(json.readTree(line));
          }
        }
      }
    }
    return out;
  }

  @Test
  void readsTheDeltaLogAndLabelFilesAndDeadLettersMalformedLines() throws Exception {
    MonitorSettings s =
        settings()
            .window(Duration.ofMinutes(1))
            .labelTtl(Duration.ofHours(1))
            .maxOutOfOrderness(Duration.ofMinutes(1))
            .build();
    // the TTL spans the whole input, so whichever source is read first, every label that has a
    // prediction joins it; the bound spans it too, so the log's two files may come in any order
    log(s.predictionLog(), List.of(p("a", 1_000, 1, 0.9, 1.0), p("b", 2_000, 0, 0.2, null)), 1);
    log(s.predictionLog(), List.of(p("c", 3_000, 1, 0.6, 2.0)), 2);
    Path labels = Files.createDirectories(tmp.resolve("labels"));
    Files.writeString(
        labels.resolve("part-1.csv"),
        String.join(
            "\n",
            "event_id,label,note",
            "a,1,fine",
            "zz,0,no such event",
            "b,yes,not a number",
            "c,1",
            ""));
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(MonitorJob.flinkConfig(s));
    MonitorJob.build(env, s);
    env.execute("monitor-files");

    Map<String, Map<String, Object>> perf = byWindow(s.warehouse().performance("m").path());
    // a labelled (right); b and c have malformed labels: expired; zz unmatched
    assertThat(value(perf, "0/labelled")).isEqualTo(1);
    assertThat(value(perf, "0/accuracy")).isEqualTo(1.0);
    assertThat(value(perf, "0/labels_expired")).isEqualTo(2);
    // zz counts in the window of the watermark it came at, which depends on which source was
    // read first: count it over every window
    assertThat(sum(perf, "labels_unmatched")).isEqualTo(1);
    Map<String, Map<String, Object>> drift = byWindow(s.warehouse().drift("m").path());
    assertThat(value(drift, "0/missing_rate/x")).isCloseTo(1.0 / 3, within(1e-12));

    List<JsonNode> dead = deadLetters(s.deadLetterDir());
    assertThat(dead)
        .extracting(n -> n.get("rule").asText() + ":" + n.get("raw").asText())
        .containsExactlyInAnyOrder("type:b,yes,not a number", "malformed:c,1");
    assertThat(dead)
        .allSatisfy(
            n -> {
              assertThat(n.get("job").asText()).isEqualTo("monitor_m");
              assertThat(n.get("reason").asText()).isNotBlank();
              assertThat(n.get("origin").asText()).contains("part-1.csv:");
            });
  }

  @Test
  void theGaugesAreScrapedFromThePrometheusEndpoint() throws Exception {
    MonitorSettings s =
        settings()
            .window(Duration.ofSeconds(1))
            .labelTtl(Duration.ofSeconds(1))
            .once(false)
            .pollInterval(Duration.ofMillis(200))
            .checkpointInterval(Duration.ofMillis(500))
            .build();
    // q1 lands in window [0, 1 s); q2 at 100 s moves the watermark past its window and TTL
    log(s.predictionLog(), List.of(p("q1", 500, 1, 0.9, null), p("q2", 100_000, 1, 0.9, 7.0)), 1);
    Path labels = Files.createDirectories(tmp.resolve("labels"));
    Files.writeString(labels.resolve("l.csv"), "event_id,label\nq1,1\n");
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(MonitorJob.flinkConfig(s));
    MonitorJob.build(env, s);
    JobClient job = env.executeAsync("monitor-gauges");
    try {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest get =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PROM_PORT + "/metrics")).build();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      Map<String, Double> gauges = Map.of();
      List<String> last = List.of();
      while (System.nanoTime() < deadline) {
        String body = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
        last = body.lines().filter(l -> l.contains("lakeops")).toList();
        gauges = gauges(body);
        if (gauges.containsKey("0|x|missing_rate") && gauges.containsKey("0|none|labelled")) {
          break;
        }
        Thread.sleep(200); // polling a condition with a deadline
      }
      // window [0, 1 s) of version 1: q1 alone, with no x
      assertThat(gauges).as(last.toString()).containsEntry("0|x|missing_rate", 1.0);
      // q1's label joins it, or (if the log was read before the label file) q1 expired first:
      // either way exactly one outcome
      assertThat(gauges.get("0|none|labelled") + gauges.get("0|none|labels_expired"))
          .isEqualTo(1.0);
    } finally {
      job.cancel().get();
      // wait for the tasks to stop before the temporary directory goes
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!job.getJobStatus().get().isGloballyTerminalState() && System.nanoTime() < until) {
        Thread.sleep(100);
      }
    }
  }

  private static final Pattern GAUGE =
      Pattern.compile("^(\\w*lakeops_monitoring\\w*_value)\\{([^}]*)\\}\\s+(\\S+)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  /**
   * The monitoring gauges of model m, version 1, of the latest window: "0|feature|statistic" ->
   * value (the window start is not a label; only window [0, 1 s) exists for version 1 here).
   */
  static Map<String, Double> gauges(String body) {
    Map<String, Double> out = new HashMap<>();
    for (String line : body.split("\n")) {
      Matcher m = GAUGE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      Map<String, String> labels = new HashMap<>();
      Matcher l = LABEL.matcher(m.group(2));
      while (l.find()) {
        labels.put(l.group(1), l.group(2));
      }
      if ("m".equals(labels.get("model")) && "1".equals(labels.get("model_version"))) {
        out.put(
            "0|" + labels.get("feature") + "|" + labels.get("statistic"),
            Double.parseDouble(m.group(3)));
      }
    }
    return out;
  }
}
