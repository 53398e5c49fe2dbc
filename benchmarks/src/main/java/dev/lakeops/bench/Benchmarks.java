package dev.lakeops.bench;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import dev.lakeops.spark.session.SparkSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The benchmark command: {@code features}, {@code training-set}, {@code train} or {@code all}, each
 * timing our code against a hand-written Spark (or MLlib) baseline in the same JVM and the same
 * {@code local[2]} session.
 *
 * <pre>
 *   submit/bench features [--rows 1000000] [--entities N] [--rounds 3] [--work-dir DIR] [--keep]
 *   submit/bench training-set [--rows 1000000] [--entities N] [--rounds 3] [--full-check]
 *   submit/bench train [--rows 1000000] [--rounds 3] [--algorithm lr|gbt] [--split time|random]
 *   submit/bench all ...
 * </pre>
 */
public final class Benchmarks {
  static final String USAGE =
      """
      usage: submit/bench <features|training-set|train|materialize|all> [options]
             submit/bench score [options]   (per-row scoring latency; score --help lists them)
        --rows N        rows to generate (features: CSV rows; training-set: label rows and rows
                        per feature view; train: training set rows); default 1000000
        --entities N    distinct customer ids; default rows / 10 (100000 for 1M rows)
        --rounds N      measured rounds after one warm-up run of each side; default 3
        --work-dir DIR  where data, projects and warehouses go; default a new temp directory
        --keep          keep the work directory afterwards (a temp one is deleted by default)
        --full-check    also compare every row of both outputs (a full outer join), not only the
                  rows of a few sample entities
        --sizes A,B,C   features / training-set: a size curve instead, the full refresh (or the
                        training set) side by side at each of these row counts (entities: rows /
                        10), then a table of time and cost per row at each size
        --algorithm A   train: lr (logistic_regression: maxIter 20, regParam 0.01; the default) or
                        gbt (maxIter 10, maxDepth 4)
        --split S       train: time (the latest 20% by event_time are the holdout; the default)
                        or random (a hash of key, event_time and seed picks 20%)
      materialize (not in all): the features benchmark's events into SQLite and Redis
                        (127.0.0.1:6379, or LAKEOPS_REDIS_HOST / LAKEOPS_REDIS_PORT)
      """;

  private Benchmarks() {}

  /** The parsed command line. */
  record Options(
      String command,
      long rows,
      int entities,
      int rounds,
      Path workDir,
      boolean tempWorkDir,
      boolean keep,
      boolean fullCheck,
      String algorithm,
      String split,
      List<Long> sizes) {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.print(USAGE);
      return;
    }
    if (args.length > 0 && args[0].equals("score")) {
      ScoringBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    Files.createDirectories(o.workDir());
    System.out.printf(
        "lakeops bench %s: rows %,d, entities %,d, rounds %d (after a warm-up), work dir %s,"
            + " %d cores, max heap %,d MB%n",
        o.command(),
        o.rows(),
        o.entities(),
        o.rounds(),
        o.workDir(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    List<String> summary = new ArrayList<>();
    SparkSession spark = session(o.workDir());
    try {
      if (!o.sizes().isEmpty()) {
        summary.addAll(SizeCurves.run(spark, o));
      } else if (o.command().equals("features") || o.command().equals("all")) {
        summary.add(new FeaturePipelineBenchmark(spark, o).run());
      }
      if (o.sizes().isEmpty()
          && (o.command().equals("training-set") || o.command().equals("all"))) {
        summary.add(new TrainingSetBenchmark(spark, o).run());
      }
      if (o.sizes().isEmpty() && (o.command().equals("train") || o.command().equals("all"))) {
        summary.add(new TrainingBenchmark(spark, o).run());
      }
      if (o.command().equals("materialize")) {
        summary.addAll(new MaterializeBenchmark(spark, o).run());
      }
    } finally {
      spark.stop();
      if (o.tempWorkDir() && !o.keep()) {
        deleteRecursively(o.workDir());
      }
    }
    System.out.println();
    summary.forEach(System.out::println);
  }

  static Options parse(String[] args) {
    if (args.length == 0) {
      throw new IllegalArgumentException("missing command");
    }
    String command = args[0];
    if (!List.of("features", "training-set", "train", "materialize", "all").contains(command)) {
      throw new IllegalArgumentException("unknown command '" + command + "'");
    }
    long rows = 1_000_000;
    Integer entities = null;
    int rounds = 3;
    Path work = null;
    boolean keep = false;
    boolean fullCheck = false;
    String algorithm = "lr";
    String split = "time";
    List<Long> sizes = List.of();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--rows" -> rows = Long.parseLong(value(args, ++i, a).replace("_", ""));
        case "--entities" -> entities = Integer.parseInt(value(args, ++i, a).replace("_", ""));
        case "--rounds" -> rounds = Integer.parseInt(value(args, ++i, a));
        case "--work-dir" -> work = Path.of(value(args, ++i, a)).toAbsolutePath();
        case "--keep" -> keep = true;
        case "--full-check" -> fullCheck = true;
        case "--algorithm" -> algorithm = value(args, ++i, a);
        case "--split" -> split = value(args, ++i, a);
        case "--sizes" ->
            sizes =
                java.util.Arrays.stream(value(args, ++i, a).replace("_", "").split(","))
                    .map(String::trim)
                    .map(Long::parseLong)
                    .toList();
        default -> throw new IllegalArgumentException("unknown option '" + a + "'");
      }
    }
    int e = entities != null ? entities : (int) Math.max(1, Math.min(Integer.MAX_VALUE, rows / 10));
    if (rows < 1 || e < 1 || rounds < 1) {
      throw new IllegalArgumentException("--rows, --entities and --rounds must be at least 1");
    }
    if (algorithm.equals("logistic_regression")) {
      algorithm = "lr";
    }
    if (!List.of("lr", "gbt").contains(algorithm)) {
      throw new IllegalArgumentException("--algorithm must be lr or gbt, not '" + algorithm + "'");
    }
    if (!List.of("time", "random").contains(split)) {
      throw new IllegalArgumentException("--split must be time or random, not '" + split + "'");
    }
    boolean temp = work == null;
    if (temp) {
      try {
        work = Files.createTempDirectory("lakeops-bench-");
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    }
    if (sizes.stream().anyMatch(n -> n < 10)) {
      throw new IllegalArgumentException(
          "--sizes takes row counts of at least 10, e.g. 250000,1000000");
    }
    if (!sizes.isEmpty() && command.equals("train")) {
      throw new IllegalArgumentException("--sizes is for features, training-set and all");
    }
    return new Options(
        command, rows, e, rounds, work, temp, keep, fullCheck, algorithm, split, sizes);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  /** One local[2] session for everything: UI off, 8 shuffle partitions, Delta, UTC. */
  static SparkSession session(Path workDir) {
    SparkSession.Builder builder =
        SparkSession.builder()
            .appName("lakeops-bench")
            .master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.debug.maxToStringFields", "200")
            .config("spark.sql.warehouse.dir", workDir.resolve("catalog").toString());
    return SparkSessions.withDelta(builder).getOrCreate();
  }

  /** Runs {@code body} and returns its wall time in seconds. */
  static double time(Runnable body) {
    System.gc();
    long start = System.nanoTime();
    body.run();
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * Warm-up of each side, then {@code rounds} measured pairs in ABBA order (A,B then B,A, ...) so
   * neither side always runs right after the other. Prints every time as it comes. {@code verify}
   * (untimed) checks both outputs after the warm-up and again after the last round.
   */
  static Result sideBySide(
      String name,
      String baselineName,
      int rounds,
      Runnable ours,
      Runnable baseline,
      Runnable verify) {
    System.out.printf("%s: warm-up ours %.1f s%n", name, time(ours));
    System.out.printf("%s: warm-up %s %.1f s%n", name, baselineName, time(baseline));
    verify.run();
    List<Double> a = new ArrayList<>();
    List<Double> b = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      double ta;
      double tb;
      if (r % 2 == 1) {
        ta = time(ours);
        tb = time(baseline);
      } else {
        tb = time(baseline);
        ta = time(ours);
      }
      a.add(ta);
      b.add(tb);
      System.out.printf(
          "%s: round %d/%d: ours %.1f s, %s %.1f s, ratio %.2f%n",
          name, r, rounds, ta, baselineName, tb, ta / tb);
    }
    verify.run();
    return new Result(name, baselineName, a, b);
  }

  /** Measured times of both sides; the ratio is the median of the per-round ratios. */
  record Result(String name, String baselineName, List<Double> ours, List<Double> baseline) {
    double ratio() {
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < ours.size(); i++) {
        ratios.add(ours.get(i) / baseline.get(i));
      }
      return median(ratios);
    }

    String line() {
      return String.format(
          Locale.ROOT,
          "%s: ours %.1f s, %s %.1f s, ratio %.2f (median of %d)",
          name,
          median(ours),
          baselineName,
          median(baseline),
          ratio(),
          ours.size());
    }
  }

  static double median(List<Double> xs) {
    List<Double> s = xs.stream().sorted().toList();
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  /**
   * Checks that two outputs are the same table: the same columns and types, the same row count, and
   * the same values (doubles within {@code tolerance}, relative) for every row of a few sample
   * entities, or of all rows when {@code full}. Throws when they differ.
   *
   * @param keys the columns identifying a row, the entity key first
   */
  static void compare(
      String name,
      Dataset<Row> ours,
      Dataset<Row> bare,
      List<String> keys,
      List<String> values,
      double tolerance,
      int entities,
      boolean full) {
    long start = System.nanoTime();
    List<String> ourSchema = describe(ours.schema());
    List<String> bareSchema = describe(bare.schema());
    check(
        ourSchema.equals(bareSchema),
        () -> name + ": the columns differ:\n  ours " + ourSchema + "\n  bare " + bareSchema);
    long n = ours.count();
    long m = bare.count();
    check(n == m && n > 0, () -> name + ": row counts differ: ours " + n + ", bare Spark " + m);

    // Sample entities spread over the id range; every row of each is compared.
    List<String> sample = new ArrayList<>();
    for (long i : new long[] {0, 1, entities / 7, entities / 3, entities / 2, entities - 1}) {
      String id = SyntheticData.customerId(Math.max(0, Math.min(entities - 1, i)), entities);
      if (!sample.contains(id)) {
        sample.add(id);
      }
    }
    Column[] order = keys.stream().map(functions::col).toArray(Column[]::new);
    Column inSample = col(keys.get(0)).isin(sample.toArray());
    List<Row> a = ours.filter(inSample).orderBy(order).collectAsList();
    List<Row> b = bare.filter(inSample).orderBy(order).collectAsList();
    check(
        a.size() == b.size() && !a.isEmpty(),
        () ->
            name
                + ": sample entities "
                + sample
                + " have "
                + a.size()
                + " rows in ours, "
                + b.size()
                + " in bare Spark");
    List<String> all = new ArrayList<>(keys);
    all.addAll(values);
    for (int i = 0; i < a.size(); i++) {
      Row x = a.get(i);
      Row y = b.get(i);
      for (String c : all) {
        Object u = x.getAs(c);
        Object v = y.getAs(c);
        check(
            same(u, v, tolerance),
            () -> name + ": column " + c + " differs:\n  ours " + x + "\n  bare " + y);
      }
    }
    long mismatches = full ? mismatches(ours, bare, keys, values, tolerance) : 0;
    check(mismatches == 0, () -> name + ": " + mismatches + " rows differ (full comparison)");
    System.out.printf(
        "%s: verified: %,d rows each, %d columns, every value of %d rows of %d sample entities"
            + " equal%s (%.1f s)%n",
        name,
        n,
        all.size(),
        a.size(),
        sample.size(),
        full ? "; full comparison: all rows equal" : "",
        (System.nanoTime() - start) / 1e9);
  }

  private static List<String> describe(StructType schema) {
    return java.util.Arrays.stream(schema.fields())
        .map(f -> f.name() + ":" + f.dataType().simpleString())
        .toList();
  }

  static boolean same(Object u, Object v, double tolerance) {
    if (u == null || v == null) {
      return u == v;
    }
    if (u instanceof Double || v instanceof Double) {
      double x = ((Number) u).doubleValue();
      double y = ((Number) v).doubleValue();
      return x == y || Math.abs(x - y) <= tolerance * Math.max(1.0, Math.abs(y));
    }
    return u.equals(v);
  }

  /** Rows present on one side only, or with a differing value, by a full outer join on keys. */
  private static long mismatches(
      Dataset<Row> ours, Dataset<Row> bare, List<String> keys, List<String> values, double tol) {
    Column on = lit(true);
    for (String k : keys) {
      on = on.and(col("a." + k).eqNullSafe(col("b." + k)));
    }
    // A row without a partner has a null key on the other side (keys are never null).
    Column bad = col("a." + keys.get(0)).isNull().or(col("b." + keys.get(0)).isNull());
    for (String c : values) {
      Column x = col("a." + c);
      Column y = col("b." + c);
      Column ok = x.eqNullSafe(y);
      if (ours.schema().apply(c).dataType().equals(DataTypes.DoubleType)) {
        ok =
            ok.or(
                coalesce(
                    abs(x.minus(y)).leq(greatest(lit(1.0), abs(y)).multiply(tol)), lit(false)));
      }
      bad = bad.or(not(ok));
    }
    return ours.as("a").join(bare.as("b"), on, "full_outer").filter(bad).count();
  }

  /** Fails the benchmark loudly: a fast wrong answer is not a result. */
  static void check(boolean ok, Supplier<String> message) {
    if (!ok) {
      throw new IllegalStateException("VERIFICATION FAILED: " + message.get());
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
