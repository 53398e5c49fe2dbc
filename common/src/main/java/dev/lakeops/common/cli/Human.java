package dev.lakeops.common.cli;

import dev.lakeops.common.features.Durations;
import java.time.Duration;
import java.util.Locale;

/** Formats numbers for people in command output: "1 key", "2 keys", "365d", "3.2 s". */
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
   * A duration in the form feature windows and TTLs are written: "365d", "24h" → "1d", "90m",
   * "30s"; a duration of a fraction of a second as milliseconds ("250ms"). Never ISO-8601's
   * "PT8760H".
   */
  public static String duration(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    if (d.getNano() != 0 || d.isNegative()) {
      return d.toMillis() + "ms";
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
}
