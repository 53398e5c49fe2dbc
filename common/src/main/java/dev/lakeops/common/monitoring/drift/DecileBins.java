package dev.lakeops.common.monitoring.drift;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * The bins of a numeric column's binned drift statistics (PSI, Jensen-Shannon): edges e_1 < ... <
 * e_k cut the line into k + 1 bins (−∞, e_1], (e_1, e_2], ..., (e_k, +∞). The edges are the
 * reference's inverted-CDF deciles (e_i the smallest training value v with F(v) ≥ i/10, NumPy's
 * {@code method='inverted_cdf'}, SQL's {@code percentile_disc}), equal ones merged, so k ≤ 9; the
 * training job computes them and counts its values per bin ({@code
 * ReferenceProfile.ColumnProfile#binEdges()}), and every monitoring window counts its values in the
 * same bins ({@link FeatureWindow}): both sides' counts are exact, so PSI does not depend on a
 * sketch's randomness and is the same in every run.
 *
 * <p>{@link #index} is the one bin rule both engines apply. Immutable.
 */
public final class DecileBins implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] edges;

  private DecileBins(double[] edges) {
    this.edges = edges;
  }

  /**
   * Bins with these edges.
   *
   * @throws IllegalArgumentException when an edge is not finite or the edges are not strictly
   *     ascending
   */
  public static DecileBins of(double[] edges) {
    for (int i = 0; i < edges.length; i++) {
      if (!Double.isFinite(edges[i]) || (i > 0 && !(edges[i - 1] < edges[i]))) {
        throw new IllegalArgumentException(
            "drift bin edges must be finite and strictly ascending, got " + Arrays.toString(edges));
      }
    }
    return new DecileBins(edges.clone());
  }

  /** Bins with these edges (as {@link #of(double[])}). */
  public static DecileBins of(List<Double> edges) {
    return of(edges.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * Bins from deciles as computed (ascending, equal ones allowed): equal ones are merged.
   *
   * @throws IllegalArgumentException when a decile is not finite or they descend
   */
  public static DecileBins ofDeciles(double[] deciles) {
    double[] e = new double[deciles.length];
    int k = 0;
    for (double v : deciles) {
      if (k == 0 || e[k - 1] != v) {
        e[k++] = v;
      }
    }
    return of(Arrays.copyOf(e, k));
  }

  /**
   * The inverted-CDF deciles of {@code sorted} (ascending, no NaN), equal ones merged: e_i = {@code
   * sorted[ceil(i n / 10) − 1]} for i = 1..9. No edge (one bin) for an empty sample.
   */
  public static DecileBins ofSorted(double[] sorted) {
    int n = sorted.length;
    if (n == 0) {
      return new DecileBins(new double[0]);
    }
    double[] d = new double[9];
    for (int i = 1; i <= 9; i++) {
      d[i - 1] = sorted[(int) ((i * (long) n + 9) / 10) - 1];
    }
    return ofDeciles(d);
  }

  /**
   * The bin of a present value: the number of edges strictly below it (0 for v ≤ e_1, k for v >
   * e_k).
   *
   * @param v a present value (not NaN)
   */
  public int index(double v) {
    int lo = 0;
    int hi = edges.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (edges[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The number of bins: edges + 1. */
  public int count() {
    return edges.length + 1;
  }

  /** The edges (a copy). */
  public double[] edges() {
    return edges.clone();
  }

  /** The exact count of each bin of {@code values} (NaN values skipped). */
  public long[] counts(double[] values) {
    long[] c = new long[count()];
    for (double v : values) {
      if (!Double.isNaN(v)) {
        c[index(v)]++;
      }
    }
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DecileBins b && Arrays.equals(edges, b.edges);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(edges);
  }

  @Override
  public String toString() {
    return "DecileBins" + Arrays.toString(edges);
  }
}
