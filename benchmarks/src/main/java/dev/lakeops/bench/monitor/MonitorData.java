package dev.lakeops.bench.monitor;

import dev.lakeops.common.monitoring.drift.DecileBins;
import dev.lakeops.common.monitoring.drift.QuantileSketches;
import dev.lakeops.common.registry.RegistryColumns;
import dev.lakeops.common.training.ReferenceProfile;
import dev.lakeops.common.training.ReferenceProfile.ColumnProfile;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.serving.Prediction;
import dev.lakeops.flink.serving.PredictionLog;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * The monitoring benchmark's data, generated from a seed (the same every run): a binary
 * classifier's predictions with {@code features} numeric inputs {@code f01}, {@code f02}, ... in
 * the serving job's Delta prediction log, the model's reference profile ({@code profile.json} as
 * training writes it: moments, 101 exact percentiles and a KLL sketch per numeric column, value
 * counts of the prediction) and a registry row pointing at it.
 *
 * <p>Feature j is {@code mean_j + sd_j * z} with z standard normal ({@code mean_j = 10 (j - 1)},
 * {@code sd_j = 1 + j / 10}), missing (null) in 1% of the rows; in the second half of the stream
 * every third feature is shifted by half a standard deviation (so some windows drift). The class-1
 * probability is {@code sigmoid} of the standardized first (up to) six features' weighted sum, the
 * prediction is 1 when it is above 0.5, and the label (see {@link #label}) is drawn from that
 * probability, so the model is calibrated.
 */
public final class MonitorData {
  /** The benchmark model's registry name. */
  public static final String MODEL = "m";

  /** The benchmark warehouse's database. */
  public static final String DATABASE = "bench";

  private static final long SEED = 20261201L;

  private final int features;

  public MonitorData(int features) {
    this.features = features;
  }

  /** The feature's name: {@code f01}, {@code f02}, ... */
  public static String name(int j) {
    return String.format("f%02d", j);
  }

  static double mean(int j) {
    return 10.0 * (j - 1);
  }

  static double sd(int j) {
    return 1.0 + j / 10.0;
  }

  /** One row's feature values (NaN where missing), in feature order, drawn from {@code random}. */
  double[] row(SplittableRandom random, boolean shifted) {
    double[] x = new double[features];
    for (int j = 1; j <= features; j++) {
      double z = gaussian(random);
      double shift = shifted && j % 3 == 0 ? 0.5 : 0.0;
      x[j - 1] = random.nextDouble() < 0.01 ? Double.NaN : mean(j) + sd(j) * (z + shift);
    }
    return x;
  }

  /** The class-1 probability of a row. */
  double positiveProbability(double[] x) {
    double s = -0.2;
    double[] w = {0.9, -0.7, 0.5, 0.8, -0.4, 0.3};
    for (int j = 1; j <= Math.min(6, features); j++) {
      double v = x[j - 1];
      if (!Double.isNaN(v)) {
        s += w[j - 1] * (v - mean(j)) / sd(j);
      }
    }
    return 1.0 / (1.0 + Math.exp(-s));
  }

  private static double gaussian(SplittableRandom r) {
    double u = 1.0 - r.nextDouble(); // (0, 1]
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  /**
   * The label of the prediction {@code eventId} with class-1 probability {@code p1}: 1 when a
   * uniform number drawn from the event id is below {@code p1}; null for the 1% of events whose
   * label never comes.
   */
  public static Double label(String eventId, double p1) {
    SplittableRandom r = new SplittableRandom(eventId.hashCode() * 0x9E3779B97F4A7C15L);
    double never = r.nextDouble();
    if (never < 0.01) {
      return null;
    }
    return r.nextDouble() < p1 ? 1.0 : 0.0;
  }

  /**
   * Writes {@code n} predictions, {@code spacingMillis} apart in event time from {@code start},
   * into the Delta prediction log at {@code path}, one commit (one data file) of {@code perFile}
   * rows at a time as the serving job commits per checkpoint.
   */
  public void writeLog(String path, long n, long start, long spacingMillis, int perFile) {
    KernelTables t = new KernelTables();
    PredictionLog.Rows rows = new PredictionLog.Rows();
    t.createIfMissing(path, rows.schema());
    SplittableRandom random = new SplittableRandom(SEED);
    long version = 1;
    List<Object[]> batch = new ArrayList<>(perFile);
    for (long i = 0; i < n; i++) {
      double[] x = row(random, i >= n / 2);
      Map<String, Double> f = new LinkedHashMap<>();
      for (int j = 1; j <= features; j++) {
        f.put(name(j), Double.isNaN(x[j - 1]) ? null : x[j - 1]);
      }
      double p1 = positiveProbability(x);
      long t0 = start + i * spacingMillis;
      batch.add(
          rows.toRow(
              new Prediction(
                  "e-" + i,
                  "k-" + (i % 1000),
                  t0,
                  MODEL,
                  1,
                  f,
                  Map.of(),
                  p1 > 0.5 ? 1.0 : 0.0,
                  new double[] {1 - p1, p1},
                  t0,
                  List.of())));
      if (batch.size() == perFile || i == n - 1) {
        t.commitOnce(path, "bench-serve", version++, t.writeFiles(path, rows.schema(), batch));
        batch = new ArrayList<>(perFile);
      }
    }
  }

  /**
   * The reference profile of {@code rows} training rows drawn from the unshifted distribution: the
   * numeric features and the class-1 probability with moments, exact percentiles and a KLL sketch;
   * the prediction with its value counts.
   */
  public ReferenceProfile profile(int rows) {
    SplittableRandom random = new SplittableRandom(SEED ^ 0x5DEECE66DL);
    double[][] columns = new double[features + 1][rows];
    long ones = 0;
    for (int i = 0; i < rows; i++) {
      double[] x = row(random, false);
      for (int j = 0; j < features; j++) {
        columns[j][i] = x[j];
      }
      double p1 = positiveProbability(x);
      columns[features][i] = p1;
      ones += p1 > 0.5 ? 1 : 0;
    }
    Map<String, ColumnProfile> out = new LinkedHashMap<>();
    for (int j = 1; j <= features; j++) {
      out.put(name(j), numeric(columns[j - 1]));
    }
    out.put(ReferenceProfile.POSITIVE_PROBABILITY, numeric(columns[features]));
    Map<String, Long> counts = new LinkedHashMap<>(); // most frequent first
    if (ones > rows - ones) {
      counts.put("1.0", ones);
      counts.put("0.0", rows - ones);
    } else {
      counts.put("0.0", rows - ones);
      counts.put("1.0", ones);
    }
    out.put(ReferenceProfile.PREDICTION, ColumnProfile.categorical(rows, 0, counts, 0, 2));
    return new ReferenceProfile(rows, true, out);
  }

  /** A numeric column's profile as training writes it (NaN = missing). */
  static ColumnProfile numeric(double[] values) {
    double[] present = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
    KllDoublesSketch sketch = QuantileSketches.newSketch();
    double sum = 0;
    for (double v : present) {
      sketch.update(v);
      sum += v;
    }
    double mean = sum / present.length;
    double ss = 0;
    for (double v : present) {
      ss += (v - mean) * (v - mean);
    }
    DecileBins bins = DecileBins.ofSorted(present);
    List<Double> quantiles = new ArrayList<>(ReferenceProfile.QUANTILES);
    for (int q = 0; q < ReferenceProfile.QUANTILES; q++) {
      quantiles.add(percentile(present, q));
    }
    return ColumnProfile.numeric(
            values.length,
            values.length - present.length,
            mean,
            Math.sqrt(ss / (present.length - 1)),
            present[0],
            present[present.length - 1],
            quantiles)
        .withSketch(QuantileSketches.toBase64(sketch))
        .withBins(
            Arrays.stream(bins.edges()).boxed().toList(),
            Arrays.stream(bins.counts(present)).boxed().toList());
  }

  /**
   * The {@code percent}-th percentile (0 to 100) of ascending {@code sorted} values, linear between
   * the closest ranks (Spark's {@code percentile}, the profile's exact form): at position {@code p
   * / 100 * (n - 1)}.
   *
   * @throws IllegalArgumentException for no values or a percent outside [0, 100]
   */
  static double percentile(double[] sorted, int percent) {
    if (sorted.length == 0 || percent < 0 || percent > 100) {
      throw new IllegalArgumentException(
          "percentile " + percent + " of " + sorted.length + " values");
    }
    double pos = percent / 100.0 * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  /**
   * Writes {@code profile} as {@code <artifact>/profile.json} and registers it as version 1 of
   * {@link #MODEL} (production) in the registry table of {@code warehouse}.
   */
  public static void register(Warehouse warehouse, Path artifact, ReferenceProfile profile)
      throws IOException {
    Files.createDirectories(artifact);
    Path file = artifact.resolve("profile.json");
    if (!Files.exists(file)) {
      Files.writeString(file, profile.toJson());
    }
    StructType schema =
        new StructType()
            .add(RegistryColumns.MODEL, StringType.STRING)
            .add(RegistryColumns.VERSION, IntegerType.INTEGER)
            .add(RegistryColumns.STAGE, StringType.STRING)
            .add(RegistryColumns.EPOCH, LongType.LONG)
            .add(RegistryColumns.ARTIFACT, StringType.STRING)
            .add(RegistryColumns.SIGNATURE, StringType.STRING);
    String path = warehouse.modelVersions().path();
    KernelTables t = new KernelTables();
    t.createIfMissing(path, schema);
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {MODEL, 1, "production", 1L, artifact.toString(), "{}"});
    t.commitOnce(path, "bench-registry", 1, t.writeFiles(path, schema, rows));
  }
}
