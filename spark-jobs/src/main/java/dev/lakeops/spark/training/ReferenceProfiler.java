package dev.lakeops.spark.training;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.asc;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.lakeops.common.monitoring.drift.DecileBins;
import dev.lakeops.common.monitoring.drift.QuantileSketches;
import dev.lakeops.common.training.ReferenceProfile;
import dev.lakeops.common.training.ReferenceProfile.ColumnProfile;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Computes a {@link ReferenceProfile}: one aggregation pass for every numeric column's moments and
 * extremes (and every column's present count), one grouping of the categorical columns for their
 * value counts, and one pass for the numeric columns' percentiles, drift bins and sketches.
 *
 * <p>Up to {@value #EXACT_QUANTILE_MAX_ROWS} rows and {@value #EXACT_QUANTILE_MAX_VALUES} numeric
 * values (a trained model's profile, on its sample, unless it has more than 40 numeric columns),
 * the numeric columns' present values are collected to the driver and sorted: the 101 percentiles
 * are exact, by the rule of Spark SQL's {@code percentile} (linear interpolation between the
 * closest ranks), and the drift bins are the exact inverted-CDF deciles of the values ({@link
 * DecileBins#ofSorted}) with the count of present values in each bin by {@link DecileBins#index}:
 * the rules the monitoring windows bin and count by. Above that, the percentiles are {@code
 * percentile_approx}'s with accuracy {@value #APPROX_ACCURACY} (rank error at most rows /
 * accuracy), the bins its deciles, counted in the executors.
 *
 * <p>Every numeric column also gets the KLL quantile sketch of its present values ({@link
 * QuantileSketches}, the same sketch the monitoring windows keep), stored base64 in {@link
 * ColumnProfile#sketch()}, so drift monitoring compares live windows with it and never re-reads the
 * training data: built on the driver from the collected values, or above the limit one sketch per
 * column per partition, merged.
 */
public final class ReferenceProfiler {
  /**
   * Up to this many rows (and {@link #EXACT_QUANTILE_MAX_VALUES} values), percentiles are exact:
   * every numeric column's present values are collected to the driver and sorted there. A trained
   * model's profile is computed on at most about {@link ModelTrainer#PROFILE_SAMPLE_ROWS} sampled
   * rows.
   */
  public static final long EXACT_QUANTILE_MAX_ROWS = 250_000;

  /**
   * At most this many numeric values (rows times numeric columns) are collected to the driver for
   * exact percentiles (8 bytes each: 64 MB); a wider profile takes {@code percentile_approx}.
   */
  public static final long EXACT_QUANTILE_MAX_VALUES = 8_000_000;

  /** The accuracy of approximate percentiles (relative rank error 1 / accuracy). */
  public static final int APPROX_ACCURACY = 10_000;

  private static final double[] PERCENTAGES = percentages();

  private ReferenceProfiler() {}

  /**
   * Profiles columns of {@code rows}.
   *
   * @param columns profile key to column, in the order the profile lists them
   * @param categorical the keys profiled by value counts; the others must be numeric
   */
  public static ReferenceProfile profile(
      Dataset<Row> rows, Map<String, Column> columns, List<String> categorical) {
    Dataset<Row> data = project(rows, columns, categorical).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return profile(data, new ArrayList<>(columns.keySet()), categorical, data.count());
    } finally {
      data.unpersist();
    }
  }

  /** Profiles {@code rows}, whose row count is already known: one pass fewer. */
  static ReferenceProfile profile(
      Dataset<Row> rows, Map<String, Column> columns, List<String> categorical, long rowCount) {
    // Read more than once: statistics, then the numeric sketches and the categorical value counts.
    Dataset<Row> data = project(rows, columns, categorical).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return profile(data, new ArrayList<>(columns.keySet()), categorical, rowCount);
    } finally {
      data.unpersist();
    }
  }

  /** The profiled columns under aliases; numeric ones as doubles with NaN turned into null. */
  private static Dataset<Row> project(
      Dataset<Row> rows, Map<String, Column> columns, List<String> categorical) {
    List<String> keys = new ArrayList<>(columns.keySet());
    List<Column> projected = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      Column c = columns.get(keys.get(i));
      if (!categorical.contains(keys.get(i))) {
        Column d = c.cast(DataTypes.DoubleType);
        c = when(isnan(d), lit(null).cast(DataTypes.DoubleType)).otherwise(d);
      }
      projected.add(c.as(alias(i)));
    }
    return rows.select(projected.toArray(Column[]::new));
  }

  private static ReferenceProfile profile(
      Dataset<Row> data, List<String> keys, List<String> categorical, long rowCount) {
    boolean exact = exactQuantiles(rowCount, numeric(keys, categorical).size());
    List<Column> aggs = new ArrayList<>(List.of(count(lit(1))));
    for (int i = 0; i < keys.size(); i++) {
      Column v = col(alias(i));
      aggs.add(count(v));
      if (!categorical.contains(keys.get(i))) {
        aggs.add(avg(v));
        aggs.add(stddev_samp(v));
        aggs.add(min(v));
        aggs.add(max(v));
        if (!exact) {
          aggs.add(percentile_approx(v, lit(PERCENTAGES), lit(APPROX_ACCURACY)));
        }
      }
    }
    Row stats = data.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).head();
    long total = stats.getLong(0);

    Map<String, Map<String, Long>> tops = new LinkedHashMap<>();
    Map<String, Long> distinct = new LinkedHashMap<>();
    valueCounts(data, keys, categorical, tops, distinct);

    // Per numeric column: the 101 percentiles, the drift bins and their summary (sketch, counts).
    Map<String, List<Double>> quantilesOf = new LinkedHashMap<>();
    Map<String, DecileBins> bins = new LinkedHashMap<>();
    Map<String, Summary> summaries;
    if (exact) {
      summaries = new LinkedHashMap<>();
      presentValues(data, keys, categorical)
          .forEach(
              (key, sorted) -> {
                quantilesOf.put(key, percentiles(sorted));
                bins.put(key, DecileBins.ofSorted(sorted));
                summaries.put(key, summary(sorted, bins.get(key)));
              });
    } else {
      int at = 1;
      for (int i = 0; i < keys.size(); i++) {
        at++; // the present count
        if (categorical.contains(keys.get(i))) {
          continue;
        }
        at += 4; // mean, stddev, min, max
        List<Double> quantiles = new ArrayList<>();
        if (!stats.isNullAt(at)) {
          for (Object q : stats.getList(at)) {
            quantiles.add(((Number) q).doubleValue());
          }
        }
        quantilesOf.put(keys.get(i), quantiles);
        // percentile_approx's deciles are its percentiles 10, 20, .. 90 (the same sketch
        // queried at the same ranks): read from the 101 percentiles, not sketched twice.
        bins.put(keys.get(i), DecileBins.ofDeciles(deciles(quantiles)));
        at++;
      }
      summaries = summaries(data, keys, categorical, bins);
    }

    Map<String, ColumnProfile> out = new LinkedHashMap<>();
    int at = 1;
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      long present = stats.getLong(at++);
      if (categorical.contains(key)) {
        Map<String, Long> top = tops.getOrDefault(key, Map.of());
        long inTop = top.values().stream().mapToLong(Long::longValue).sum();
        out.put(
            key,
            ColumnProfile.categorical(
                total, total - present, top, present - inTop, distinct.getOrDefault(key, 0L)));
        continue;
      }
      Double mean = nullableDouble(stats, at++);
      Double stddev = nullableDouble(stats, at++);
      Double lo = nullableDouble(stats, at++);
      Double hi = nullableDouble(stats, at++);
      if (!exact) {
        at++; // the percentiles, read above
      }
      Summary summary = summaries.get(key);
      ColumnProfile column =
          ColumnProfile.numeric(total, total - present, mean, stddev, lo, hi, quantilesOf.get(key))
              .withSketch(summary.sketch());
      if (present > 0) {
        column =
            column.withBins(
                Arrays.stream(bins.get(key).edges()).boxed().toList(),
                Arrays.stream(summary.binCounts()).boxed().toList());
      }
      out.put(key, column);
    }
    return new ReferenceProfile(total, exact, out);
  }

  /**
   * Whether a profile of {@code rows} rows and {@code numericColumns} numeric columns has exact
   * percentiles (its values collected to the driver): at most {@value #EXACT_QUANTILE_MAX_ROWS}
   * rows and {@value #EXACT_QUANTILE_MAX_VALUES} values.
   */
  static boolean exactQuantiles(long rows, int numericColumns) {
    return rows <= EXACT_QUANTILE_MAX_ROWS
        && rows * Math.max(1, numericColumns) <= EXACT_QUANTILE_MAX_VALUES;
  }

  /**
   * Every numeric column's present values, sorted ascending, collected to the driver in one pass
   * (each partition sends one array per column): at most {@value #EXACT_QUANTILE_MAX_VALUES} values
   * ({@link #exactQuantiles}), 8 bytes each.
   */
  private static Map<String, double[]> presentValues(
      Dataset<Row> data, List<String> keys, List<String> categorical) {
    List<String> numeric = numeric(keys, categorical);
    Column[] selected = numericColumns(keys, categorical);
    Map<String, double[]> out = new LinkedHashMap<>();
    if (numeric.isEmpty()) {
      return out;
    }
    int n = numeric.size();
    List<double[][]> parts =
        data.select(selected)
            .javaRDD()
            .mapPartitions(rows -> Collections.singletonList(values(rows, n)).iterator())
            .collect();
    for (int i = 0; i < n; i++) {
      int size = 0;
      for (double[][] part : parts) {
        size += part[i].length;
      }
      double[] all = new double[size];
      int at = 0;
      for (double[][] part : parts) {
        System.arraycopy(part[i], 0, all, at, part[i].length);
        at += part[i].length;
      }
      Arrays.sort(all);
      out.put(numeric.get(i), all);
    }
    return out;
  }

  /** The numeric (not categorical) profile keys, in order. */
  private static List<String> numeric(List<String> keys, List<String> categorical) {
    return keys.stream().filter(k -> !categorical.contains(k)).toList();
  }

  /** The projected columns of the numeric keys, in order. */
  private static Column[] numericColumns(List<String> keys, List<String> categorical) {
    List<Column> out = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      if (!categorical.contains(keys.get(i))) {
        out.add(col(alias(i)));
      }
    }
    return out.toArray(Column[]::new);
  }

  /** One partition's present values per column (nulls skipped). */
  private static double[][] values(Iterator<Row> rows, int columns) {
    double[][] out = new double[columns][64];
    int[] sizes = new int[columns];
    while (rows.hasNext()) {
      Row r = rows.next();
      for (int i = 0; i < columns; i++) {
        if (!r.isNullAt(i)) {
          if (sizes[i] == out[i].length) {
            out[i] = Arrays.copyOf(out[i], out[i].length * 2);
          }
          out[i][sizes[i]++] = r.getDouble(i);
        }
      }
    }
    for (int i = 0; i < columns; i++) {
      out[i] = Arrays.copyOf(out[i], sizes[i]);
    }
    return out;
  }

  /**
   * The 101 percentiles of sorted values by the rule of Spark SQL's {@code percentile} ({@link
   * PercentileRule}); empty when there is no value.
   */
  static List<Double> percentiles(double[] sorted) {
    List<Double> out = new ArrayList<>(PERCENTAGES.length);
    if (sorted.length == 0) {
      return out;
    }
    for (double p : PERCENTAGES) {
      double position = PercentileRule.position(sorted.length, p);
      out.add(
          PercentileRule.value(
              position,
              sorted[(int) PercentileRule.lower(position)],
              sorted[(int) PercentileRule.higher(position)]));
    }
    return out;
  }

  /** The KLL sketch of sorted present values and their counts per bin of {@code bins}. */
  private static Summary summary(double[] sorted, DecileBins bins) {
    KllDoublesSketch sketch = QuantileSketches.newSketch();
    for (double v : sorted) {
      sketch.update(v);
    }
    return new Summary(
        Base64.getEncoder().encodeToString(QuantileSketches.toBytes(sketch)), bins.counts(sorted));
  }

  /**
   * The most frequent values of every categorical column and their number of distinct values, in
   * one job: the columns are unpivoted to (column, value) pairs, counted, and ranked per column.
   */
  private static void valueCounts(
      Dataset<Row> data,
      List<String> keys,
      List<String> categorical,
      Map<String, Map<String, Long>> tops,
      Map<String, Long> distinct) {
    List<Column> pairs = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      if (categorical.contains(keys.get(i))) {
        pairs.add(struct(lit(i).as("k"), col(alias(i)).cast(DataTypes.StringType).as("v")));
      }
    }
    if (pairs.isEmpty()) {
      return;
    }
    WindowSpec byColumn = Window.partitionBy("k");
    List<Row> rows =
        data.select(explode(array(pairs.toArray(Column[]::new))).as("p"))
            .select(col("p.k").as("k"), col("p.v").as("v"))
            .filter(col("v").isNotNull())
            .groupBy("k", "v")
            .count()
            .select(
                col("k"),
                col("v"),
                col("count"),
                row_number().over(byColumn.orderBy(desc("count"), asc("v"))).as("rank"),
                count(lit(1)).over(byColumn).as("distinct"))
            .filter(col("rank").leq(ReferenceProfile.TOP_VALUES))
            .orderBy("k", "rank")
            .collectAsList();
    for (Row r : rows) {
      String key = keys.get(r.getInt(0));
      tops.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(r.getString(1), r.getLong(2));
      distinct.put(key, r.getLong(4));
    }
  }

  /** The deciles among 101 percentiles (the 10th, 20th, .. 90th); none when there are none. */
  private static double[] deciles(List<Double> percentiles) {
    if (percentiles.isEmpty()) {
      return new double[0];
    }
    double[] out = new double[9];
    for (int i = 0; i < out.length; i++) {
      out[i] = percentiles.get((i + 1) * 10);
    }
    return out;
  }

  /** A numeric column's KLL sketch (base64) and its present values' count per drift bin. */
  private record Summary(String sketch, long[] binCounts) {}

  /** One partition's (or a merge's) serialized sketches and bin counts, per numeric column. */
  private record Partial(byte[][] sketches, long[][] counts) implements Serializable {}

  /**
   * The KLL sketch of every numeric column's present values and their exact counts in the column's
   * {@code bins}, in one pass: each partition updates one sketch and one count array per column,
   * the partitions' sketches are merged (KLL merges keep the error bound) and their counts added,
   * so no value reaches the driver.
   */
  private static Map<String, Summary> summaries(
      Dataset<Row> data,
      List<String> keys,
      List<String> categorical,
      Map<String, DecileBins> bins) {
    List<String> numeric = numeric(keys, categorical);
    Column[] selected = numericColumns(keys, categorical);
    Map<String, Summary> out = new LinkedHashMap<>();
    if (numeric.isEmpty()) {
      return out;
    }
    DecileBins[] binsOf = numeric.stream().map(bins::get).toArray(DecileBins[]::new);
    Partial merged =
        data.select(selected)
            .javaRDD()
            .mapPartitions(rows -> Collections.singletonList(partial(rows, binsOf)).iterator())
            .fold(partial(Collections.emptyIterator(), binsOf), ReferenceProfiler::merge);
    for (int i = 0; i < numeric.size(); i++) {
      out.put(
          numeric.get(i),
          new Summary(
              Base64.getEncoder().encodeToString(merged.sketches()[i]), merged.counts()[i]));
    }
    return out;
  }

  private static Partial partial(Iterator<Row> rows, DecileBins[] bins) {
    int n = bins.length;
    KllDoublesSketch[] sketches = new KllDoublesSketch[n];
    long[][] counts = new long[n][];
    for (int i = 0; i < n; i++) {
      sketches[i] = QuantileSketches.newSketch();
      counts[i] = new long[bins[i].count()];
    }
    while (rows.hasNext()) {
      Row r = rows.next();
      for (int i = 0; i < n; i++) {
        if (!r.isNullAt(i)) {
          double v = r.getDouble(i);
          sketches[i].update(v);
          counts[i][bins[i].index(v)]++;
        }
      }
    }
    byte[][] out = new byte[n][];
    for (int i = 0; i < n; i++) {
      out[i] = QuantileSketches.toBytes(sketches[i]);
    }
    return new Partial(out, counts);
  }

  private static Partial merge(Partial a, Partial b) {
    int n = a.sketches().length;
    byte[][] sketches = new byte[n][];
    long[][] counts = new long[n][];
    for (int i = 0; i < n; i++) {
      sketches[i] = QuantileSketches.merge(a.sketches()[i], b.sketches()[i]);
      counts[i] = a.counts()[i].clone();
      for (int j = 0; j < counts[i].length; j++) {
        counts[i][j] += b.counts()[i][j];
      }
    }
    return new Partial(sketches, counts);
  }

  private static Double nullableDouble(Row r, int i) {
    return r.isNullAt(i) ? null : ((Number) r.get(i)).doubleValue();
  }

  private static String alias(int i) {
    return "_lk_p" + i;
  }

  private static double[] percentages() {
    double[] p = new double[ReferenceProfile.QUANTILES];
    for (int i = 0; i < p.length; i++) {
      p[i] = i / 100.0;
    }
    return p;
  }
}
