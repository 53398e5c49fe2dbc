package dev.lakeops.common.cli;

import dev.lakeops.common.features.Durations;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * Formats values for people in command output: "1 key", "2 keys", "365d", "3.2 s", rounded floating
 * point, collections as {@code [a, b]} and {@code {k=v}}, times in UTC.
 */
public final class Human {
  private Human() {}

  /**
   * {@code n} and the noun, singular for exactly one: {@code count(1, "key")} is "1 key", {@code
   * count(2, "key")} "2 keys". Nouns whose plural is not noun + "s" use {@link #count(long, String,
   * String)}.
   */
  public static String count(long n, String singular) {
    return count(n, singular, singular + "s");
  }

  /** {@code n} and the singular or the plural noun. */
  public static String count(long n, String singular, String plural) {
    return n + " " + (n == 1 ? singular : plural);
  }

  /**
   * A duration in the form feature windows and TTLs are written in the configuration: "365d", "7d",
   * "24h", "36h", "90m", "30s"; whole days from two days up, else whole hours, minutes or seconds
   * (so a day is "24h", as windows of a day are usually written); a fraction of a second as
   * milliseconds ("250ms"). Never ISO-8601's "PT8760H".
   */
  public static String duration(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    if (d.getNano() != 0 || d.isNegative()) {
      return d.toMillis() + "ms";
    }
    long s = d.getSeconds();
    if (s % 86_400 == 0 && s >= 2 * 86_400) {
      return s / 86_400 + "d";
    }
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    return Durations.format(d);
  }

  /**
   * How long something took, {@code ms} milliseconds, rounded for reading: "850 ms", "3.2 s", "2
   * min 05 s", "1 h 02 min".
   */
  public static String elapsed(long ms) {
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    long s = Math.round(ms / 1000.0);
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    long m = Math.round(s / 60.0);
    return String.format(Locale.ROOT, "%d h %02d min", m / 60, m % 60);
  }

  /**
   * At most {@code digits} significant digits, without trailing zeros: with 12 (the default of
   * {@link #value}; enough to tell 1000000001 from 1000000002, few enough to hide binary rounding
   * noise) 0.1 + 0.2 → "0.3", 2.0 → "2.0", 95.39999999999999 → "95.4", 1.5e-7 → "1.5E-7"; NaN and
   * the infinities as Java writes them.
   */
  public static String number(double d, int digits) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return String.valueOf(d);
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return (long) d + ".0";
    }
    BigDecimal b = new BigDecimal(d).round(new MathContext(digits)).stripTrailingZeros();
    return Math.abs(d) >= 1e-4 && Math.abs(d) < 1e9 ? b.toPlainString() : b.toString();
  }

  /**
   * A metric or another measured value: 6 significant digits ({@code 0.723456789} → "0.723457"),
   * enough to compare two versions' metrics by eye; a whole number without a fraction (a row count
   * kept as a double, 61972.0 → "61972").
   */
  public static String metric(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return String.valueOf((long) d);
    }
    return number(d, 6);
  }

  /** Metrics by name, as {@code {auc=0.723457, rows=61972}} ({@link #metric} for each value). */
  public static String metrics(Map<?, ?> metrics) {
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<?, ?> e : metrics.entrySet()) {
      sb.append(first ? "" : ", ").append(e.getKey()).append('=');
      sb.append(e.getValue() instanceof Number n ? metric(n.doubleValue()) : value(e.getValue()));
      first = false;
    }
    return sb.append('}').toString();
  }

  /** An instant as "2026-12-01 03:51:42 UTC" (seconds, UTC); null as "-". */
  public static String time(Instant t) {
    return t == null ? "-" : TIME.format(t) + " UTC";
  }

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  /**
   * One value as a table cell or a line of output: null as "null", doubles with {@link
   * #number(double, int)} (12 digits; floats 7), instants with {@link #time}, durations with {@link
   * #duration}, lists and other collections as {@code [a, b]}, maps as {@code {k=v}} (values
   * formatted the same way, recursively), anything else with {@code toString()}.
   */
  public static String value(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Double d) {
      return number(d, 12);
    }
    if (v instanceof Float f) {
      return number(f.doubleValue(), 7);
    }
    if (v instanceof Instant t) {
      return time(t);
    }
    if (v instanceof Duration d) {
      return duration(d);
    }
    if (v instanceof Map<?, ?> m) {
      StringBuilder sb = new StringBuilder("{");
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(first ? "" : ", ")
            .append(value(e.getKey()))
            .append('=')
            .append(value(e.getValue()));
        first = false;
      }
      return sb.append('}').toString();
    }
    if (v instanceof Collection<?> c) {
      StringBuilder sb = new StringBuilder("[");
      boolean first = true;
      for (Object o : c) {
        sb.append(first ? "" : ", ").append(value(o));
        first = false;
      }
      return sb.append(']').toString();
    }
    return String.valueOf(v);
  }
}
