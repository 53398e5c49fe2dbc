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
 * table, feature view table, run log) against a hand-written Spark job computing the same feature
 * view from the same CSV (typed read, window functions, Delta write).
 */
final class FeaturePipelineBenchmark {
  /** Relative tolerance for doubles: sums and means may add in another order. */
  static final double TOLERANCE = 1e-9;

  private final SparkSession spark;
  private final Benchmarks.Options options;
  private final Path csv;
  private final Path projectDir;
  private final String warehouseA;
  private final String baselineTable;

  FeaturePipelineBenchmark(SparkSession spark, Benchmarks.Options options) {
    this.spark = spark;
    this.options = options;
    Path dir = options.workDir().resolve("features");
    this.csv = dir.resolve("transactions.csv");
    this.projectDir = dir.resolve("project");
    this.warehouseA = dir.resolve("warehouse-ours").toString();
    this.baselineTable = dir.resolve("warehouse-baseline").resolve(SyntheticData.VIEW).toString();
  }

  String run() throws Exception {
    long t0 = System.nanoTime();
    Files.createDirectories(csv.getParent());
    SyntheticData.writeTransactionsCsv(csv, options.rows(), options.entities(), 42);
    SyntheticData.writeFeaturesProject(projectDir, csv);
    System.out.printf(
        "features: wrote %,d rows (%,d entities, %.1f MB CSV) and the project in %.1f s%n",
        options.rows(), options.entities(), Files.size(csv) / 1e6, (System.nanoTime() - t0) / 1e9);

    Benchmarks.Result r =
        Benchmarks.sideBySide(
            "features",
            "bare Spark",
            options.rounds(),
            this::ours,
            this::baseline,
            () -> verify(false));
    if (options.fullCheck()) {
      verify(true);
    }
    return r.line();
  }

  /** (a) Our pipeline, full refresh. */
  private void ours() {
    ProjectConfig project = ProjectLoader.load(projectDir);
    RunRecord r =
        new FeaturePipeline(spark, project, Warehouse.of(warehouseA, project))
            .run(project.sources().get(SyntheticData.SOURCE), true);
    Benchmarks.check(
        r.status().equals("succeeded")
            && r.rowsWritten() == options.rows()
            && r.rowsQuarantined() == 0,
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
            .csv(csv.toString())
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
