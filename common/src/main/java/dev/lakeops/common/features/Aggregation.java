package dev.lakeops.common.features;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The time-window aggregations a feature can use. Each is defined over the events of one entity
 * whose event time lies in the window {@code (t - window, t]}; null values of the expression are
 * skipped.
 */
public enum Aggregation {
  /** Number of events (or of non-null values when an expression is given). */
  COUNT,
  SUM,
  MEAN,
  MIN,
  MAX,
  /** Sample standard deviation; null below two values. */
  STDDEV,
  /**
   * The value of the latest event. Events at the same time are ordered by value, and the greatest
   * wins, so both engines pick the same one.
   */
  LAST;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean needsNumbers() {
    return this != COUNT && this != LAST;
  }

  public static Optional<Aggregation> parse(String s) {
    return Arrays.stream(values())
        .filter(a -> a.key().equals(s.toLowerCase(Locale.ROOT)))
        .findFirst();
  }

  public static List<String> keys() {
    return Arrays.stream(values()).map(Aggregation::key).toList();
  }
}
