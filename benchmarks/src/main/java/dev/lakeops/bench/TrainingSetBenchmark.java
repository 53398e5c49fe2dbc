package dev.lakeops.bench;

import static dev.lakeops.bench.SyntheticData.KEY;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.metadata.RunRecord;
import dev.lakeops.spark.store.DeltaTables;
import dev.lakeops.spark.training.LabelBuilder;
import dev.lakeops.spark.training.PointInTimeJoin;
import dev.lakeops.spark.training.TrainingSetBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * {@code training-set}: our {@link TrainingSetBuilder#build} (labels from one source's events, the
 * point-in-time join of three feature views computed from another source's events, Delta write,
 * read-back count, run log) against a naive but correct hand-written join: per view, the label rows
 * joined on the key with the feature source's events at times in [label time - ttl, label time],
 * then per label row the latest such event time and each feature's mean of {@code amount} over the
 * events in (label time - window, label time].
 */
final class TrainingSetBenchmark {
  private static final long DAY_MICROS = 86_400L * 1_000_000L;

  private final SparkSession spark;
  private final Benchmarks.Options options;
  private final Path projectDir;
  private final String warehouseRoot;
  private final String baselineTable;

  TrainingSetBenchmark(SparkSession spark, Benchmarks.Options options) {
    this.spark = spark;
    this.options = options;
    Path dir = options.workDir().resolve("training-set");
    this.projectDir = dir.resolve("project");
    this.warehouseRoot = dir.resolve("warehouse").toString();
    this.baselineTable =
        dir.resolve("warehouse-baseline").resolve(SyntheticData.TRAINING_SET).toString();
  }

  String run() {
    Outcome o = measure();
    return o.result().line()
        + " [load "
        + FeaturePipelineBenchmark.loadAverage()
        + "]\n"
        + o.heapLine();
  }

  /** Writes the inputs, then times ours against the naive join, with each side's peak heap. */
  Outcome measure() {
    long t0 = System.nanoTime();
    SyntheticData.writeTrainingProject(projectDir);
    ProjectConfig project = ProjectLoader.load(projectDir);
    Warehouse warehouse = Warehouse.of(warehouseRoot, project);
    DeltaTables tables = new DeltaTables(spark);
    tables.overwrite(
        warehouse.events(SyntheticData.FEATURE_SOURCE),
        SyntheticData.sourceEvents(spark, options.rows(), options.entities(), 11));
    tables.overwrite(
        warehouse.events(SyntheticData.LABEL_SOURCE),
        SyntheticData.sourceEvents(spark, options.rows(), options.entities(), 7));
    System.out.printf(
        "training-set: wrote %,d feature source events (%d views over them) and %,d label events"
            + " (%,d entities) in %.1f s%n",
        options.rows(),
        SyntheticData.VIEWS.size(),
        options.rows(),
        options.entities(),
        (System.nanoTime() - t0) / 1e9);

    HeapTracked ours = new HeapTracked(this::ours);
    HeapTracked bare = new HeapTracked(this::baseline);
    Benchmarks.Result r =
        Benchmarks.sideBySide(
            "training-set", "naive join", options.rounds(), ours, bare, () -> verify(false));
    if (options.fullCheck()) {
      verify(true);
    }
    Outcome out = new Outcome(r, ours, bare);
    System.out.println(out.heapLine() + " [load " + FeaturePipelineBenchmark.loadAverage() + "]");
    return out;
  }

  /** Ours: the whole training-set command, Delta write and run record included. */
  private void ours() {
    ProjectConfig project = ProjectLoader.load(projectDir);
    RunRecord r =
        new TrainingSetBuilder(spark, project, Warehouse.of(warehouseRoot, project))
            .build(SyntheticData.TRAINING_SET);
    Benchmarks.check(
        r.status().equals("succeeded") && r.rowsWritten() == options.rows(),
        () -> "our training-set run: " + r);
  }

  /** Naive but correct: one range join and aggregation per view, on the same inputs. */
  private void baseline() {
    ProjectConfig project = ProjectLoader.load(projectDir);
    Warehouse warehouse = Warehouse.of(warehouseRoot, project);
    Dataset<Row> events =
        spark.read().format("delta").load(warehouse.events(SyntheticData.LABEL_SOURCE).path());
    Dataset<Row> rows =
        events
            .groupBy(col(KEY), col("event_time"))
            .agg(
                max(when(col("amount").gt(lit(250.0)), lit(1.0)).otherwise(lit(0.0)))
                    .as(LabelBuilder.LABEL));
    Dataset<Row> source =
        spark
            .read()
            .format("delta")
            .load(warehouse.events(SyntheticData.FEATURE_SOURCE).path())
            .select(col(KEY).as("_f_key"), col("event_time").as("_f_time"), col("amount"));
    Column labelMicros = unix_micros(col("event_time"));
    Column featureMicros = unix_micros(col("_f_time"));
    for (SyntheticData.View v : SyntheticData.VIEWS) {
      Column on =
          col(KEY)
              .equalTo(col("_f_key"))
              .and(featureMicros.leq(labelMicros))
              .and(featureMicros.geq(labelMicros.minus(lit(v.ttlDays() * DAY_MICROS))));
      List<Column> aggs = new ArrayList<>();
      for (int i = 0; i < v.features().size(); i++) {
        long window = SyntheticData.View.windowDays(i) * DAY_MICROS;
        aggs.add(
            avg(when(featureMicros.gt(labelMicros.minus(lit(window))), col("amount")))
                .as(v.features().get(i)));
      }
      aggs.add(max(col("_f_time")).as(PointInTimeJoin.viewTimeColumn(v.name())));
      List<Column> group = new ArrayList<>();
      for (String c : rows.columns()) {
        group.add(col(c));
      }
      rows =
          rows.join(source, on, "left")
              .groupBy(group.toArray(Column[]::new))
              .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    }
    rows.write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .option("overwriteSchema", "true")
        .save(baselineTable);
  }

  /** Same rows and values (copied, so exactly equal) in both outputs. */
  private void verify(boolean full) {
    ProjectConfig project = ProjectLoader.load(projectDir);
    Dataset<Row> ours =
        spark
            .read()
            .format("delta")
            .load(
                Warehouse.of(warehouseRoot, project).trainingSet(SyntheticData.TRAINING_SET).path())
            // the audit column of one row per label row; the label events are unique per key and
            // time, so the baseline's one row per (key, time) is the same set of rows
            .drop(LabelBuilder.LABEL_ID);
    Dataset<Row> bare = spark.read().format("delta").load(baselineTable);
    List<String> values = new ArrayList<>(List.of(LabelBuilder.LABEL));
    List<Column> reach = new ArrayList<>();
    for (SyntheticData.View v : SyntheticData.VIEWS) {
      values.addAll(v.features());
      values.add(PointInTimeJoin.viewTimeColumn(v.name()));
      reach.add(count(col(PointInTimeJoin.viewTimeColumn(v.name()))));
    }
    Benchmarks.compare(
        "training-set",
        ours,
        bare,
        List.of(KEY, "event_time"),
        values,
        0.0,
        options.entities(),
        full);
    Row r = ours.agg(reach.get(0), reach.subList(1, reach.size()).toArray(Column[]::new)).head();
    StringBuilder s = new StringBuilder("training-set: label rows with a feature row in reach:");
    for (int i = 0; i < SyntheticData.VIEWS.size(); i++) {
      SyntheticData.View v = SyntheticData.VIEWS.get(i);
      s.append(
          String.format(
              " %s (ttl %dd) %.0f%%",
              v.name(), v.ttlDays(), 100.0 * r.getLong(i) / options.rows()));
    }
    System.out.println(s);
  }
}
