package dev.lakeops.spark.training;

/**
 * The rule of Spark SQL's {@code percentile} (the exact, interpolated one), for the places that
 * compute it outside Spark's aggregate and must give its bits: the time split's cutoff ({@link
 * TimeCutoff}) and the reference profile's percentiles ({@link ReferenceProfiler}).
 *
 * <p>Of {@code n} sorted values, the percentile {@code p} sits at position {@code (n - 1) * p},
 * counted from 0; its value interpolates linearly between the values at the floor and the ceiling
 * of the position: {@code (higher - position) * v[lower] + (position - lower) * v[higher]}, each
 * factor a double, or is {@code v[lower]} when the two ranks or their values are equal (Spark 4.2,
 * {@code PercentileBase.getPercentile}).
 */
final class PercentileRule {
  private PercentileRule() {}

  /** The position of percentile {@code p} (in [0, 1]) among {@code n ≥ 1} sorted values. */
  static double position(long n, double p) {
    return (double) (n - 1) * p;
  }

  /** The 0-based rank below or at {@code position}. */
  static long lower(double position) {
    return (long) Math.floor(position);
  }

  /** The 0-based rank at or above {@code position}. */
  static long higher(double position) {
    return (long) Math.ceil(position);
  }

  /**
   * The percentile's value from the values at ranks {@link #lower} and {@link #higher} of {@code
   * position}.
   */
  static double value(double position, double atLower, double atHigher) {
    long lower = lower(position);
    long higher = higher(position);
    if (higher == lower || atLower == atHigher) {
      return atLower;
    }
    return ((double) higher - position) * atLower + (position - (double) lower) * atHigher;
  }
}
