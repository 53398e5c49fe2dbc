package dev.lakeops.common.training;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The distribution of a model's inputs and outputs on its training split, the reference that drift
 * monitoring compares live traffic with (PSI, Kolmogorov-Smirnov).
 *
 * <p>One {@link ColumnProfile} per input feature, one for {@value #PREDICTION} and, for binary
 * classification, one for {@value #POSITIVE_PROBABILITY} (the probability of class 1). Numeric
 * columns have moments, extremes and 101 quantiles (the 0th to the 100th percentile); categorical
 * columns (text, booleans, one-hot encoded features and class predictions) have the counts of their
 * most frequent values.
 *
 * @param rows the rows profiled
 * @param exactQuantiles true when the quantiles are exact (linear interpolation between the closest
 *     ranks, as Spark's {@code percentile}); false when they are approximate with a rank error of
 *     at most {@code rows / 100000}, for large training sets
 */
public record ReferenceProfile(
    long rows, boolean exactQuantiles, Map<String, ColumnProfile> columns) {

  /** The profile key of the model's prediction. */
  public static final String PREDICTION = "prediction";

  /** The profile key of the probability of class 1, for binary classification. */
  public static final String POSITIVE_PROBABILITY = "positive_probability";

  /** The number of quantiles of a numeric column: the 0th to the 100th percentile. */
  public static final int QUANTILES = 101;

  /** How many of the most frequent values a categorical column keeps; the rest are "other". */
  public static final int TOP_VALUES = 100;

  public ReferenceProfile {
    columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
  }

  public Optional<ColumnProfile> column(String name) {
    return Optional.ofNullable(columns.get(name));
  }

  public String toJson() {
    return TrainingJson.write(this);
  }

  public static ReferenceProfile fromJson(String json) {
    return TrainingJson.read(json, ReferenceProfile.class);
  }

  /** How a column is profiled. */
  public enum Kind {
    NUMERIC,
    CATEGORICAL
  }

  /**
   * One column's distribution. Null and NaN values are missing: they are counted in {@code
   * nullCount} and take no part in the other statistics.
   *
   * @param count the rows profiled (missing values included)
   * @param nullCount the rows whose value is null or NaN
   * @param mean numeric: the mean of the present values; null if none
   * @param stddev numeric: their sample standard deviation; null with fewer than two values
   * @param min numeric: the smallest present value
   * @param max numeric: the largest present value
   * @param quantiles numeric: the 0th, 1st, ... 100th percentile of the present values (101 values;
   *     empty if none)
   * @param frequencies categorical: the {@value ReferenceProfile#TOP_VALUES} most frequent present
   *     values (as text) with their row counts, most frequent first, ties by value
   * @param otherCount categorical: the present rows whose value is not in {@code frequencies}
   * @param distinctCount categorical: the number of distinct present values
   * @param sketch numeric: the present values' KLL quantile sketch ({@code
   *     dev.lakeops.common.monitoring.drift.QuantileSketches}: k = 200, DataSketches' serialized
   *     form, base64), built at training so drift monitoring never re-reads the training data; null
   *     for categorical columns and in profiles written before it existed (monitoring then falls
   *     back to {@code quantiles})
   * @param binEdges numeric: the edges e_1 < ... < e_k of the drift bins (−∞, e_1], (e_1, e_2],
   *     ..., (e_k, +∞): the present values' inverted-CDF deciles (e_i the smallest value v with
   *     F(v) ≥ i/10), equal ones merged ({@code dev.lakeops.common.monitoring.drift.DecileBins});
   *     null for categorical columns, with no present value, and in profiles written before bins
   *     existed (monitoring then bins by the sketch's quantiles)
   * @param binCounts numeric: the present training values in each of those k + 1 bins, counted
   *     exactly; null when {@code binEdges} is
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ColumnProfile(
      Kind kind,
      long count,
      long nullCount,
      Double mean,
      Double stddev,
      Double min,
      Double max,
      List<Double> quantiles,
      Map<String, Long> frequencies,
      long otherCount,
      long distinctCount,
      String sketch,
      List<Double> binEdges,
      List<Long> binCounts) {

    public ColumnProfile {
      quantiles = quantiles == null ? null : List.copyOf(quantiles);
      binEdges = binEdges == null ? null : List.copyOf(binEdges);
      binCounts = binCounts == null ? null : List.copyOf(binCounts);
      if ((binEdges == null) != (binCounts == null)
          || (binEdges != null && binCounts.size() != binEdges.size() + 1)) {
        throw new IllegalArgumentException(
            "a column's drift bins need k edges and k + 1 counts, got "
                + binEdges
                + " and "
                + binCounts);
      }
      frequencies =
          frequencies == null
              ? null
              : Collections.unmodifiableMap(new LinkedHashMap<>(frequencies));
    }

    public static ColumnProfile numeric(
        long count,
        long nullCount,
        Double mean,
        Double stddev,
        Double min,
        Double max,
        List<Double> quantiles) {
      return new ColumnProfile(
          Kind.NUMERIC,
          count,
          nullCount,
          mean,
          stddev,
          min,
          max,
          quantiles,
          null,
          0,
          0,
          null,
          null,
          null);
    }

    public static ColumnProfile categorical(
        long count,
        long nullCount,
        Map<String, Long> frequencies,
        long otherCount,
        long distinctCount) {
      return new ColumnProfile(
          Kind.CATEGORICAL,
          count,
          nullCount,
          null,
          null,
          null,
          null,
          null,
          frequencies,
          otherCount,
          distinctCount,
          null,
          null,
          null);
    }

    /** This profile with the present values' serialized KLL sketch (base64; null for none). */
    public ColumnProfile withSketch(String base64Sketch) {
      return with(base64Sketch, binEdges, binCounts);
    }

    /**
     * This profile with its drift bins: {@code edges} (ascending, distinct) and the exact count of
     * present values in each of the {@code edges.size() + 1} bins (see {@code binEdges}).
     *
     * @throws IllegalArgumentException when the counts are not one more than the edges
     */
    public ColumnProfile withBins(List<Double> edges, List<Long> counts) {
      return with(sketch, edges, counts);
    }

    private ColumnProfile with(String sketch, List<Double> edges, List<Long> counts) {
      return new ColumnProfile(
          kind,
          count,
          nullCount,
          mean,
          stddev,
          min,
          max,
          quantiles,
          frequencies,
          otherCount,
          distinctCount,
          sketch,
          edges,
          counts);
    }

    /** The {@code percent}-th percentile (0 to 100) of a numeric column. */
    public double quantile(int percent) {
      if (quantiles == null || quantiles.isEmpty()) {
        throw new IllegalStateException("the column has no quantiles (no present values)");
      }
      return quantiles.get(percent);
    }

    /** The number of present values. */
    public long presentCount() {
      return count - nullCount;
    }

    /** The share of present rows that have {@code value}, for a categorical column. */
    public double share(String value) {
      long present = presentCount();
      if (frequencies == null || present == 0) {
        return 0.0;
      }
      return frequencies.getOrDefault(value, 0L) / (double) present;
    }
  }
}
