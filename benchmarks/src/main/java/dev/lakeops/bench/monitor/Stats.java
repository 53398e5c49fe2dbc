package dev.lakeops.bench.monitor;

import java.util.Arrays;
import java.util.Locale;

/** Summaries of repeated measurements. */
public final class Stats {
  private Stats() {}

  /**
   * The median: the middle value, or the mean of the two middle values for an even count.
   *
   * @throws IllegalArgumentException for no values
   */
  public static double median(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("the median of no values");
    }
    double[] s = values.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  /** The smallest and largest value, rounded, as {@code min-max} (thousands grouped). */
  public static String range(double[] values) {
    double lo = Arrays.stream(values).min().orElse(Double.NaN);
    double hi = Arrays.stream(values).max().orElse(Double.NaN);
    return String.format(Locale.ROOT, "%,.0f-%,.0f", lo, hi);
  }
}
