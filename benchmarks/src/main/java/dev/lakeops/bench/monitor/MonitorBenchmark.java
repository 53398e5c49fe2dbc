package dev.lakeops.bench.monitor;

import dev.lakeops.common.monitoring.drift.DriftStatistics;
import dev.lakeops.common.monitoring.drift.FeatureWindow;
import dev.lakeops.common.monitoring.drift.ReferenceColumn;
import dev.lakeops.common.training.ReferenceProfile;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.monitoring.LogInCommitOrder;
import dev.lakeops.flink.monitoring.MonitorInput;
import dev.lakeops.flink.monitoring.MonitorJob;
import dev.lakeops.flink.monitoring.MonitorSettings;
import dev.lakeops.flink.monitoring.Parsers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The monitoring job's throughput with its statistics on and off, and the cost of one window's
 * drift statistics ({@code submit/bench monitor}; see benchmarks/README.md). Not a test: it prints
 * figures and checks none.
 *
 * <pre>
 * MonitorBenchmark [--predictions 50000] [--features 12,50] [--rounds 3] [--window-rows 1000]
 *     [--ttl-windows 3]
 *     [--micro-batches 15] [--micro-windows 20] [--work-dir DIR] [--keep]
 * </pre>
 *
 * <p>Part 1, the job: per feature count, a prediction log of {@code --predictions} predictions
 * ({@link MonitorData}), 100 ms apart in event time, in data files of 10,000 rows, is read by the
 * prediction log's own reader, oldest file first ({@link LogInCommitOrder}), and the real
 * monitoring job on a local MiniCluster at parallelism 1, bounded ({@code once}), tumbling windows
 * of {@code --window-rows} predictions, label TTL {@code --ttl-windows} windows (3), labels half a
 * window after their predictions ({@link DelayedLabels}). {@link MonitorJob#attach} runs unchanged
 * after the log source, with {@link MonitorSettings#computeStatistics()} on (every drift and
 * performance statistic, the rule stage, the gauges, the Delta tables) and off (the same reading,
 * decoding, watermarks, late filter, label join and drift windows, with no statistic). Both modes
 * run in the same JVM, a warm-up of each first, then {@code --rounds} pairs in ABBA order; events/s
 * = predictions / the job's net runtime, median of the rounds; the ratio is the median of the
 * per-round ratios on/off.
 *
 * <p>Part 2, one window's statistics: a {@link FeatureWindow} per feature filled with {@code
 * --window-rows} values (1% missing, every third feature shifted), then {@link
 * DriftStatistics#compute} against the feature's {@link ReferenceColumn} (the profile's KLL
 * sketch); µs per feature per window, the median of {@code --micro-batches} batches of {@code
 * --micro-windows} windows of every feature, after as many warm-up batches.
 */
public final class MonitorBenchmark {
  static final long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  static final long SPACING_MILLIS = 100;
  static final int ROWS_PER_FILE = 10_000;
  static final int REFERENCE_ROWS = 20_000;

  private MonitorBenchmark() {}

  public static void main(String[] args) throws Exception {
    dev.lakeops.bench.FlagArgs parsed = dev.lakeops.bench.FlagArgs.parse(args);
    if (parsed.help()) {
      System.out.println(
          "submit/bench monitor [--predictions 50000] [--features 12,50] [--rounds 3]"
              + " [--window-rows 1000] [--ttl-windows 3] [--micro-batches 15] [--micro-windows 20]"
              + " [--work-dir DIR] [--keep]");
      return;
    }
    Map<String, String> opts = parsed.options();
    boolean keep = parsed.keep();
    long n = Long.parseLong(opts.getOrDefault("--predictions", "50000"));
    int rounds = Integer.parseInt(opts.getOrDefault("--rounds", "3"));
    int windowRows = Integer.parseInt(opts.getOrDefault("--window-rows", "1000"));
    int ttlWindows = Integer.parseInt(opts.getOrDefault("--ttl-windows", "3"));
    int microBatches = Integer.parseInt(opts.getOrDefault("--micro-batches", "15"));
    int microWindows = Integer.parseInt(opts.getOrDefault("--micro-windows", "20"));
    int[] featureCounts =
        Arrays.stream(opts.getOrDefault("--features", "12,50").split(","))
            .mapToInt(f -> Integer.parseInt(f.trim()))
            .toArray();
    Path work =
        opts.containsKey("--work-dir")
            ? Files.createDirectories(Path.of(opts.get("--work-dir")).toAbsolutePath())
            : Files.createTempDirectory("monitor-bench");
    System.out.printf(
        Locale.ROOT,
        "monitoring benchmark: %,d predictions per run, windows of %,d predictions (%s), label"
            + " TTL %d windows, labels %d predictions late, parallelism 1, %d rounds, %d cores,"
            + " work dir %s%n",
        n,
        windowRows,
        Duration.ofMillis(windowRows * SPACING_MILLIS),
        ttlWindows,
        windowRows / 2,
        rounds,
        Runtime.getRuntime().availableProcessors(),
        work);
    try {
      List<String> table = new ArrayList<>();
      table.add(
          String.format(
              Locale.ROOT,
              "%8s  %10s  %14s  %20s  %8s  %12s  %12s",
              "features",
              "statistics",
              "events/s",
              "rounds",
              "on/off",
              "best",
              "best on/off"));
      for (int f : featureCounts) {
        table.addAll(jobBenchmark(work, f, n, windowRows, ttlWindows, rounds));
      }
      List<String> micro = new ArrayList<>();
      micro.add(
          String.format(
              Locale.ROOT,
              "%8s  %12s  %14s  %14s  %14s  %16s",
              "features",
              "window rows",
              "fill µs",
              "statistics µs",
              "total µs",
              "all features µs"));
      for (int f : featureCounts) {
        micro.add(microBenchmark(f, windowRows, microBatches, microWindows));
      }
      System.out.println();
      System.out.println(
          "monitoring job throughput (predictions/s: median of the rounds, their range, median of"
              + " the per-round ratios; the best round of each mode and their ratio):");
      table.forEach(System.out::println);
      System.out.println();
      System.out.println(
          "one window's drift statistics, per numeric feature per window (median of "
              + microBatches
              + " batches):");
      micro.forEach(System.out::println);
    } finally {
      if (!keep) {
        delete(work);
      }
    }
  }

  /** The job part for one feature count: the table's two lines. */
  static List<String> jobBenchmark(
      Path work, int features, long n, int windowRows, int ttlWindows, int rounds)
      throws Exception {
    MonitorData data = new MonitorData(features);
    Path dir = work.resolve("f" + features);
    String log = dir.resolve("predictions").toString();
    long t0 = System.nanoTime();
    data.writeLog(log, n, START, SPACING_MILLIS, ROWS_PER_FILE);
    ReferenceProfile profile = data.profile(REFERENCE_ROWS);
    Path artifact = dir.resolve("artifact");
    System.out.printf(
        Locale.ROOT,
        "%d features: prediction log of %,d rows written in %.1f s (untimed)%n",
        features,
        n,
        (System.nanoTime() - t0) / 1e9);
    int[] run = {0};
    Runner runner =
        on -> {
          Path root = dir.resolve("run-" + run[0]++);
          try {
            return runJob(root, log, artifact, profile, on, windowRows, ttlWindows);
          } finally {
            delete(root);
          }
        };
    // warm-up: JIT, class loading; what it wrote is checked (untimed): per window 8 statistics
    // per numeric feature and for the probability, 5 for the prediction (categorical), 9
    // performance statistics; nothing late
    for (boolean on : new boolean[] {true, false}) {
      Result r = runner.run(on);
      System.out.printf(
          Locale.ROOT,
          "  warm-up   statistics %-3s %,10.0f predictions/s; drift rows %,d, performance rows"
              + " %,d, late or rejected %,d%n",
          on ? "on" : "off",
          n * 1000.0 / r.millis(),
          r.driftRows(),
          r.performanceRows(),
          r.deadLetters());
      long windows = (n + windowRows - 1) / windowRows; // the first starts at START
      check(r.deadLetters() == 0, "late or rejected records: " + r.deadLetters());
      check(
          r.driftRows() == (on ? windows * (8L * features + 8 + 5) : 0),
          "drift rows " + r.driftRows() + " for " + windows + " windows, statistics " + on);
      check(
          r.performanceRows() == (on ? windows * 9 : 0),
          "performance rows " + r.performanceRows() + " for " + windows + " windows");
    }
    double[] onRates = new double[rounds];
    double[] offRates = new double[rounds];
    double[] ratios = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      boolean[] order = i % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true};
      for (boolean on : order) {
        Result r = runner.run(on);
        double rate = n * 1000.0 / r.millis();
        (on ? onRates : offRates)[i] = rate;
        System.out.printf(
            Locale.ROOT,
            "  round %d   statistics %-3s %,10.0f predictions/s (%.1f s)%n",
            i + 1,
            on ? "on" : "off",
            rate,
            r.millis() / 1000.0);
      }
      ratios[i] = onRates[i] / offRates[i];
    }
    delete(dir);
    double bestOn = Arrays.stream(onRates).max().orElseThrow();
    double bestOff = Arrays.stream(offRates).max().orElseThrow();
    return List.of(
        String.format(
            Locale.ROOT,
            "%8d  %10s  %,14.0f  %20s  %8s  %,12.0f  %12s",
            features,
            "on",
            Stats.median(onRates),
            Stats.range(onRates),
            "",
            bestOn,
            ""),
        String.format(
            Locale.ROOT,
            "%8d  %10s  %,14.0f  %20s  %8.2f  %,12.0f  %12.2f",
            features,
            "off",
            Stats.median(offRates),
            Stats.range(offRates),
            Stats.median(ratios),
            bestOff,
            bestOn / bestOff));
  }

  interface Runner {
    Result run(boolean on) throws Exception;
  }

  /** One run: net runtime, and (untimed) what it wrote. */
  record Result(long millis, long driftRows, long performanceRows, long deadLetters) {}

  static Result runJob(
      Path root,
      String log,
      Path artifact,
      ReferenceProfile profile,
      boolean statistics,
      int windowRows,
      int ttlWindows)
      throws Exception {
    Warehouse warehouse = new Warehouse(root.toString(), MonitorData.DATABASE);
    MonitorData.register(warehouse, artifact, profile);
    Duration window = Duration.ofMillis(windowRows * SPACING_MILLIS);
    MonitorSettings s =
        MonitorSettings.builder()
            .model(MonitorData.MODEL)
            .warehouse(root.toString(), MonitorData.DATABASE)
            .predictionLog(log)
            .labelDir(root.resolve("labels").toString()) // not read: labels come in-stream
            .window(window)
            .labelTtl(window.multipliedBy(ttlWindows))
            .once(true)
            .parallelism(1)
            .computeStatistics(statistics)
            .build();
    Configuration conf = MonitorJob.flinkConfig(s);
    conf.setString("rest.bind-port", "0");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
    SingleOutputStreamOperator<MonitorInput> inputs =
        env.fromSource(
                LogInCommitOrder.of(s.predictionLog()),
                WatermarkStrategy.noWatermarks(),
                "prediction-log")
            .process(new DelayedLabels(windowRows / 2), TypeInformation.of(MonitorInput.class))
            .name("predictions-and-labels");
    MonitorJob.attach(inputs, inputs.getSideOutput(Parsers.REJECTED), s);
    JobExecutionResult result = env.execute("monitor-benchmark");
    KernelTables tables = new KernelTables();
    return new Result(
        result.getNetRuntime(),
        tables.readAll(s.warehouse().drift(MonitorData.MODEL).path()).size(),
        tables.readAll(s.warehouse().performance(MonitorData.MODEL).path()).size(),
        lines(Path.of(s.deadLetterDir())));
  }

  /**
   * The statistics part for one feature count: fill + compute of every feature's window, timed
   * apart; returns the table line (µs per feature per window, and for all features).
   */
  static String microBenchmark(int features, int windowRows, int batches, int windowsPerBatch) {
    MonitorData data = new MonitorData(features);
    ReferenceProfile profile = data.profile(REFERENCE_ROWS);
    ReferenceColumn[] references = new ReferenceColumn[features];
    for (int j = 1; j <= features; j++) {
      references[j - 1] = ReferenceColumn.of(profile, MonitorData.name(j));
    }
    SplittableRandom random = new SplittableRandom(7);
    double[][] values = new double[features][windowRows];
    for (int i = 0; i < windowRows; i++) {
      double[] x = data.row(random, true);
      for (int j = 0; j < features; j++) {
        values[j][i] = x[j];
      }
    }
    double[] fill = new double[batches];
    double[] stats = new double[batches];
    double sink = 0;
    for (int b = -batches; b < batches; b++) { // the first half warms up
      long fillNanos = 0;
      long statNanos = 0;
      for (int w = 0; w < windowsPerBatch; w++) {
        for (int j = 0; j < features; j++) {
          long a = System.nanoTime();
          FeatureWindow window = references[j].newWindow();
          for (double v : values[j]) {
            if (Double.isNaN(v)) {
              window.addMissing();
            } else {
              window.add(v);
            }
          }
          long m = System.nanoTime();
          Map<?, Double> out = DriftStatistics.compute(references[j], window);
          long e = System.nanoTime();
          for (Double d : out.values()) {
            sink += d;
          }
          fillNanos += m - a;
          statNanos += e - m;
        }
      }
      if (b >= 0) {
        fill[b] = fillNanos / 1e3 / windowsPerBatch / features;
        stats[b] = statNanos / 1e3 / windowsPerBatch / features;
      }
    }
    if (sink == 42.4242) {
      System.out.println(); // keeps the statistics from being optimized away
    }
    double[] total = new double[batches];
    for (int b = 0; b < batches; b++) {
      total[b] = fill[b] + stats[b];
    }
    double t = Stats.median(total);
    return String.format(
        Locale.ROOT,
        "%8d  %,12d  %14.1f  %14.1f  %14.1f  %,16.0f",
        features,
        windowRows,
        Stats.median(fill),
        Stats.median(stats),
        t,
        t * features);
  }

  /** Non-blank lines in the files under {@code dir} (0 when it does not exist). */
  public static long lines(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    long count = 0;
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        try (Stream<String> l = Files.lines(f)) {
          count += l.filter(x -> !x.isBlank()).count();
        }
      }
    }
    return count;
  }

  /** Stops the benchmark when a run did not do the work it is timed for. */
  public static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException("VERIFICATION FAILED: " + message);
    }
  }

  /** Deletes a directory tree (Flink's {@code FileUtils}); nothing when it does not exist. */
  public static void delete(Path dir) {
    try {
      org.apache.flink.util.FileUtils.deleteDirectory(dir.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
