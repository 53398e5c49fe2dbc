package dev.lakeops.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code submit/bench score}: fits and saves the two pipelines of {@link ScoringModels} once, then
 * runs {@link ScoringBenchmark} with JMH (its Runner API) and prints one table: µs per row of each
 * way of scoring, and how many times slower than our scorer each is.
 */
final class ScoringBench {
  static final String USAGE =
      """
      usage: submit/bench score [--forks N] [--warmup N] [--iterations N] [--time SECONDS]
                                [--train-rows N] [--models lr,gbt] [--work-dir DIR]
        --forks N       JMH forks per benchmark (default 0: in this JVM, one Spark session;
                        1 isolates each benchmark in a fresh JVM but starts Spark 10 times)
        --warmup N      warm-up iterations (default 2)
        --iterations N  measured iterations (default 3)
        --time S        seconds per iteration, warm-up and measured (default 1)
        --train-rows N  rows the pipelines are fitted on (default 20000)
        --models M      which saved pipelines to measure (default lr,gbt)
      """;

  private ScoringBench() {}

  static void main(String[] args) throws Exception {
    int forks = 0;
    int warmup = 2;
    int iterations = 3;
    int seconds = 1;
    int trainRows = 20_000;
    String models = "lr,gbt";
    Path work = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--forks" -> forks = Integer.parseInt(need(v, a));
        case "--warmup" -> warmup = Integer.parseInt(need(v, a));
        case "--iterations" -> iterations = Integer.parseInt(need(v, a));
        case "--time" -> seconds = Integer.parseInt(need(v, a));
        case "--train-rows" -> trainRows = Integer.parseInt(need(v, a).replace("_", ""));
        case "--models" -> models = need(v, a);
        case "--work-dir" -> work = Path.of(need(v, a)).toAbsolutePath();
        case "--help", "-h" -> {
          System.out.print(USAGE);
          return;
        }
        default -> {
          System.err.println("unknown option '" + a + "'");
          System.err.print(USAGE);
          System.exit(2);
        }
      }
      if (!a.equals("--help")) {
        i++;
      }
    }
    boolean temp = work == null;
    if (temp) {
      work = Files.createTempDirectory("lakeops-bench-score-");
    }
    System.out.printf(
        "lakeops bench score: forks %d, warm-up %d x %d s, measured %d x %d s, %d cores, work dir"
            + " %s%n",
        forks,
        warmup,
        seconds,
        iterations,
        seconds,
        Runtime.getRuntime().availableProcessors(),
        work);
    SparkSession spark = Benchmarks.session(work);
    try {
      ScoringModels.fitAndSave(spark, work.resolve("models"), trainRows);
    } finally {
      if (forks > 0) {
        spark.stop(); // the forks start their own; in-process runs reuse this one
      }
    }

    ChainedOptionsBuilder o =
        new OptionsBuilder()
            .include(ScoringBenchmark.class.getName() + "\\.")
            .param("modelsDir", work.resolve("models").toString())
            .param("model", models.split(","))
            .forks(forks)
            .warmupIterations(warmup)
            .warmupTime(TimeValue.seconds(seconds))
            .measurementIterations(iterations)
            .measurementTime(TimeValue.seconds(seconds))
            .shouldDoGC(true);
    if (forks > 0) {
      List<String> jvm = new ArrayList<>();
      for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")) {
          jvm.add(arg);
        }
      }
      o = o.jvmArgs(jvm.toArray(String[]::new));
    }
    Collection<RunResult> results = new Runner(o.build()).run();
    table(results);
    if (temp) {
      Benchmarks.deleteRecursively(work);
    }
  }

  private static String need(String v, String option) {
    if (v == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return v;
  }

  /** One line per model: µs/row of every way, and each one's ratio to our scorer (map input). */
  static void table(Collection<RunResult> results) {
    Map<String, Map<String, double[]>> byModel = new TreeMap<>();
    for (RunResult r : results) {
      String method = r.getParams().getBenchmark();
      method = method.substring(method.lastIndexOf('.') + 1);
      String model = r.getParams().getParam("model");
      double score = r.getPrimaryResult().getScore();
      double error = r.getPrimaryResult().getScoreError();
      byModel.computeIfAbsent(model, k -> new TreeMap<>()).put(method, new double[] {score, error});
    }
    String[] cols = {
      "oursMap", "oursArray", "mllibPredict", "mllibPredictProbability", "sparkTransformOneRow"
    };
    String[] heads = {
      "ours (map)", "ours (array)", "MLlib predict*", "MLlib predictProb.*", "transform+collect"
    };
    System.out.println();
    System.out.println(
        "Per-row scoring latency, µs/row (JMH average time), and (x ours): the time relative to"
            + " our scorer with a map row");
    StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-6s", "model"));
    for (String head : heads) {
      h.append(String.format(Locale.ROOT, " | %22s", head));
    }
    System.out.println(h);
    List<String> errors = new ArrayList<>();
    for (var e : byModel.entrySet()) {
      double ours = e.getValue().getOrDefault("oursMap", new double[] {Double.NaN})[0];
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-6s", e.getKey()));
      for (int c = 0; c < cols.length; c++) {
        double[] v = e.getValue().get(cols[c]);
        if (v == null) {
          line.append(String.format(Locale.ROOT, " | %22s", "-"));
          continue;
        }
        line.append(String.format(Locale.ROOT, " | %11.3f (%8.2fx)", v[0], v[0] / ours));
        errors.add(
            String.format(
                Locale.ROOT, "%s %s ± %.3f", e.getKey(), heads[c], Double.isNaN(v[1]) ? 0 : v[1]));
      }
      System.out.println(line);
    }
    System.out.println("99.9% confidence half-widths (µs): " + String.join("; ", errors));
    System.out.println(
        "* MLlib's single-row path on the last stage only, with the features vector built before"
            + " the timed loop (Imputer, assembler and scaler not timed); ours and transform+collect"
            + " run the whole pipeline from raw values.");
  }
}
