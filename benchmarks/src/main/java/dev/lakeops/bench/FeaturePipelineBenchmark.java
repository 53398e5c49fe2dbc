package dev.lakeops.bench;

import static dev.lakeops.bench.SyntheticData.FEATURES;
import static dev.lakeops.bench.SyntheticData.KEY;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.unix_micros;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.features.FeaturePipeline;
import dev.lakeops.spark.metadata.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code features}: our {@link FeaturePipeline} (full refresh: read, validate, quarantine, events
 * table, feature view table, ingest and run logs) against a hand-written Spark job computing the
 * same feature view from the same CSV (typed read, window functions, Delta write); then our
 * incremental run over a new file of 1% later rows against our full refresh.
 */
final class FeaturePipelineBenchmark {
  /** Relative tolerance for doubles: sums and means may add in another order. */
  static final double TOLERANCE = 1e-9;

  /** The incremental run's new rows, as a share of the full refresh's. */
  static final double NEW_SHARE = 0.01;

  /** The incremental run's new events: the week after the year of the full refresh's. */
  static final long LATER_DAYS = 7;

  private final SparkSession spark;
  private final Benchmarks.Options options;
  private final Path input;
  private final Path csv;
  private final Path laterStaged;
  private final Path later;
  private final Path projectDir;
  private final String warehouseA;
  private final String baselineTable;

  FeaturePipelineBenchmark(SparkSession spark, Benchmarks.Options options) {
    this.spark = spark;
    this.options = options;
    Path dir = options.workDir().resolve("features");
    this.input = dir.resolve("input");
    this.csv = input.resolve("part-00000.csv");
    this.laterStaged = dir.resolve("later.csv");
    this.later = input.resolve("part-00001.csv");
    this.projectDir = dir.resolve("project");
    this.warehouseA = dir.resolve("warehouse-ours").toString();
    this.baselineTable = dir.resolve("warehouse-baseline").resolve(SyntheticData.VIEW).toString();
  }

  /** The full refresh side by side with bare Spark, then the incremental case; summary lines. */
  String run() throws Exception {
    Outcome full = fullRefresh();
    return full.result().line()
        + " [load "
        + loadAverage()
        + "]\n"
        + full.heapLine()
        + "\n"
        + incremental();
  }

  /** Writes the data, then times our full refresh against bare Spark (the source: one file). */
  Outcome fullRefresh() throws Exception {
    long t0 = System.nanoTime();
    Files.createDirectories(input);
    SyntheticData.writeTransactionsCsv(csv, options.rows(), options.entities(), 42);
    SyntheticData.writeFeaturesProject(projectDir, input);
    System.out.printf(
        "features: wrote %,d rows (%,d entities, %.1f MB CSV) and the project in %.1f s%n",
        options.rows(), options.entities(), Files.size(csv) / 1e6, (System.nanoTime() - t0) / 1e9);

    HeapTracked ours = new HeapTracked(this::ours);
    HeapTracked bare = new HeapTracked(this::baseline);
    Benchmarks.Result r =
        Benchmarks.sideBySide(
            "features", "bare Spark", options.rounds(), ours, bare, () -> verify(false));
    if (options.fullCheck()) {
      verify(true);
    }
    Outcome out = new Outcome(r, ours, bare);
    System.out.println(out.heapLine() + " [load " + loadAverage() + "]");
    return out;
  }

  /**
   * The incremental case: per round (after a warm-up round), a full refresh over the first file,
   * then a run that finds one new file of {@link #NEW_SHARE} new rows, all later than the first
   * file's; the ratio is the incremental run's time over the full refresh's. Afterwards the view is
   * compared with bare Spark's over both files (a full refresh would give those rows).
   */
  private String incremental() throws Exception {
    long newRows = Math.max(1, Math.round(options.rows() * NEW_SHARE));
    SyntheticData.writeTransactionsCsv(
        laterStaged,
        newRows,
        options.entities(),
        43,
        SyntheticData.START_SECOND + SyntheticData.YEAR_SECONDS,
        LATER_DAYS * 86_400);
    List<Double> full = new ArrayList<>();
    List<Double> inc = new ArrayList<>();
    HeapTracked fullHeap = new HeapTracked(() -> runOurs(true, options.rows()));
    HeapTracked incHeap = new HeapTracked(() -> runOurs(false, newRows));
    for (int r = 0; r <= options.rounds(); r++) {
      Files.deleteIfExists(later);
      double tf = Benchmarks.time(fullHeap);
      Files.copy(laterStaged, later);
      double ti = Benchmarks.time(incHeap);
      String round = r == 0 ? "warm-up" : "round " + r + "/" + options.rounds();
      System.out.printf(
          "features incremental: %s: full refresh %.1f s, then +%,d rows in a new file %.2f s,"
              + " ratio %.3f [load %s]%n",
          round, tf, newRows, ti, ti / tf, loadAverage());
      if (r > 0) {
        full.add(tf);
        inc.add(ti);
      }
    }
    baseline(); // over both files now
    verify(options.fullCheck());
    Benchmarks.Result res =
        new Benchmarks.Result("features incremental", "full refresh", inc, full);
    return String.format(
        java.util.Locale.ROOT,
        "features incremental (+%,d rows, %.0f%%): incremental %.2f s, full refresh %.1f s, ratio"
            + " %.3f (median of %d) [load %s]%n%s",
        newRows,
        NEW_SHARE * 100,
        Benchmarks.median(inc),
        Benchmarks.median(full),
        res.ratio(),
        inc.size(),
        loadAverage(),
        HeapTracked.line("features incremental", "incremental", "full refresh", incHeap, fullHeap));
  }

  /** The load average over 1, 5 and 15 minutes ({@code /proc/loadavg}), or "?" elsewhere. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "?";
    }
  }

  /** (a) Our pipeline, full refresh. */
  private void ours() {
    runOurs(true, options.rows());
  }

  /** One run of our pipeline; checks it succeeded with {@code rows} new rows, none quarantined. */
  private void runOurs(boolean fullRefresh, long rows) {
    ProjectConfig project = ProjectLoader.load(projectDir);
    RunRecord r =
        new FeaturePipeline(spark, project, Warehouse.of(warehouseA, project))
            .run(project.sources().get(SyntheticData.SOURCE), fullRefresh);
    Benchmarks.check(
        r.status().equals("succeeded") && r.rowsWritten() == rows && r.rowsQuarantined() == 0,
        () -> "our pipeline's run: " + r);
  }

  /** (b) Bare Spark, written by hand: the same aggregates with plain window functions. */
  private void baseline() {
    StructType schema =
        new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("ts", DataTypes.StringType)
            .add("amount", DataTypes.DoubleType)
            .add("quantity", DataTypes.IntegerType);
    Dataset<Row> events =
        spark
            .read()
            .option("header", "true")
            .schema(schema)
            .csv(input.toString())
            .withColumn("event_time", to_timestamp(col("ts"), SyntheticData.TS_FORMAT))
            .withColumn("ts_us", unix_micros(col("event_time")));
    List<Column> out = new ArrayList<>(List.of(col(KEY), col("event_time")));
    for (SyntheticData.Feature f : FEATURES) {
      long micros = f.days() * 86_400L * 1_000_000L;
      WindowSpec w =
          Window.partitionBy(col(KEY)).orderBy(col("ts_us")).rangeBetween(-(micros - 1), 0);
      Column v = f.column() == null ? null : col(f.column()).cast(DataTypes.DoubleType);
      Column agg =
          switch (f.agg()) {
            case "count" -> count(lit(1)).over(w);
            case "sum" -> sum(v).over(w);
            case "mean" -> avg(v).over(w);
            case "max" -> max(v).over(w);
            default -> throw new IllegalStateException(f.agg());
          };
      out.add(agg.as(f.name()));
    }
    // One row per customer and event time, as in the feature view table (peers share values).
    events
        .select(out.toArray(Column[]::new))
        .dropDuplicates(KEY, "event_time")
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .option("overwriteSchema", "true")
        .save(baselineTable);
  }

  /** Same row count, same columns, same values for a few entities (or all, when full). */
  private void verify(boolean full) {
    ProjectConfig project = ProjectLoader.load(projectDir);
    Dataset<Row> ours =
        spark
            .read()
            .format("delta")
            .load(Warehouse.of(warehouseA, project).featureView(SyntheticData.VIEW).path());
    Dataset<Row> bare = spark.read().format("delta").load(baselineTable);
    List<String> values = FEATURES.stream().map(SyntheticData.Feature::name).toList();
    Benchmarks.compare(
        "features",
        ours,
        bare,
        List.of(KEY, "event_time"),
        values,
        TOLERANCE,
        options.entities(),
        full);
  }
}
