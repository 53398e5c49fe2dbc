package dev.lakeops.common.monitoring.drift;

import java.util.Arrays;
import java.util.List;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.DoublesSortedView;

/**
 * A right-continuous step CDF over distinct sorted points with integer cumulative weights: F(v) =
 * (weight of points ≤ v) / total. From an exact KLL sketch it is the sample's empirical CDF.
 */
final class EmpiricalCdf {
  /** How many points discretize a reference known only by its 101 percentiles. */
  static final int QUANTILE_POINTS = 1000;

  final double[] points;
  final long[] cumulative;
  final long total;

  private EmpiricalCdf(double[] points, long[] cumulative) {
    this.points = points;
    this.cumulative = cumulative;
    this.total = cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
  }

  /** The sketch's sorted view, equal points collapsed; empty for an empty sketch. */
  static EmpiricalCdf of(KllDoublesSketch sketch) {
    if (sketch.isEmpty()) {
      return new EmpiricalCdf(new double[0], new long[0]);
    }
    DoublesSortedView view = sketch.getSortedView();
    return collapse(view.getQuantiles(), view.getCumulativeWeights());
  }

  /**
   * The distribution whose quantile function interpolates linearly between the 101 percentiles
   * (0th..100th), discretized at {@value #QUANTILE_POINTS} equally weighted points Q((j + 0.5) /
   * {@value #QUANTILE_POINTS}); empty when there are no percentiles.
   */
  static EmpiricalCdf ofPercentiles(List<Double> percentiles) {
    if (percentiles == null || percentiles.isEmpty()) {
      return new EmpiricalCdf(new double[0], new long[0]);
    }
    int last = percentiles.size() - 1;
    double[] points = new double[QUANTILE_POINTS];
    long[] cumulative = new long[QUANTILE_POINTS];
    for (int j = 0; j < QUANTILE_POINTS; j++) {
      double position = (j + 0.5) / QUANTILE_POINTS * last;
      int i = (int) Math.floor(position);
      double lo = percentiles.get(i);
      double hi = percentiles.get(Math.min(i + 1, last));
      points[j] = lo + (position - i) * (hi - lo);
      cumulative[j] = j + 1;
    }
    return collapse(points, cumulative);
  }

  private static EmpiricalCdf collapse(double[] sorted, long[] cumulative) {
    double[] p = new double[sorted.length];
    long[] c = new long[sorted.length];
    int n = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (n > 0 && p[n - 1] == sorted[i]) {
        c[n - 1] = cumulative[i];
      } else {
        p[n] = sorted[i];
        c[n] = cumulative[i];
        n++;
      }
    }
    return new EmpiricalCdf(Arrays.copyOf(p, n), Arrays.copyOf(c, n));
  }

  boolean isEmpty() {
    return total == 0;
  }

  /** The weight of points ≤ v. */
  long weightAtOrBelow(double v) {
    int lo = 0;
    int hi = points.length; // first index with points[i] > v
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (points[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == 0 ? 0 : cumulative[lo - 1];
  }

  /** F(v), in [0, 1]. */
  double cdf(double v) {
    return weightAtOrBelow(v) / (double) total;
  }

  /**
   * The inverted-CDF quantile of rank num/den: the smallest point whose cumulative weight w has w ·
   * den ≥ num · total (integer arithmetic, so ranks like 3/10 are not blurred by rounding).
   */
  double quantile(long num, long den) {
    for (int i = 0; i < points.length; i++) {
      if (cumulative[i] * den >= num * total) {
        return points[i];
      }
    }
    return points[points.length - 1];
  }
}
