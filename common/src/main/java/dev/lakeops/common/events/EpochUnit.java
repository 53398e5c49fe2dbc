package dev.lakeops.common.events;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The unit of a numeric event time: a count of seconds, milliseconds, microseconds or nanoseconds
 * since 1970-01-01T00:00Z (the Unix epoch, UTC). A numeric event-time column (or expression) must
 * say its unit ({@code unit: s}) in {@code sources.yaml}: read in the wrong unit, times land
 * decades off (seconds read as milliseconds fall in January 1970) and every window and TTL is then
 * wrong.
 *
 * <p>Conversion to the event-time microseconds both engines keep: {@link #toMicros(long)} and
 * {@link #toMicros(double)} round down (toward −∞) to the microsecond.
 */
public enum EpochUnit {
  /** Seconds (Unix time). */
  S(1_000_000L),
  /** Milliseconds (Java's and JavaScript's clocks, Kafka timestamps). */
  MS(1_000L),
  /** Microseconds (Spark's and Delta's timestamps). */
  US(1L),
  /** Nanoseconds (pandas' and Arrow's default). */
  NS(0L);

  private final long micros;

  EpochUnit(long micros) {
    this.micros = micros;
  }

  /** How the unit is written in {@code sources.yaml}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The unit written {@code key} (any case), if any. */
  public static Optional<EpochUnit> of(String key) {
    return Arrays.stream(values())
        .filter(u -> u.key().equals(key.trim().toLowerCase(Locale.ROOT)))
        .findFirst();
  }

  /** The keys of every unit, in order ({@code s, ms, us, ns}). */
  public static List<String> keys() {
    return Arrays.stream(values()).map(EpochUnit::key).toList();
  }

  /**
   * An integral count of this unit as epoch microseconds (nanoseconds rounded down).
   *
   * @return null when the result does not fit a long
   */
  public Long toMicros(long value) {
    if (this == NS) {
      return Math.floorDiv(value, 1000L);
    }
    try {
      return Math.multiplyExact(value, micros);
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /**
   * A count of this unit with a fraction as epoch microseconds, rounded down.
   *
   * @return null when the value is NaN, infinite, or beyond a long's range of microseconds
   */
  public Long toMicros(double value) {
    if (!Double.isFinite(value)) {
      return null;
    }
    double m = Math.floor(this == NS ? value / 1000d : value * micros);
    if (m < Long.MIN_VALUE || m >= 0x1p63) {
      return null;
    }
    return (long) m;
  }

  /** Epoch microseconds as a count of this unit (for messages): the inverse of toMicros. */
  public double fromMicros(long micros) {
    return this == NS ? micros * 1000d : micros / (double) this.micros;
  }
}
