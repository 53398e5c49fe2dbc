package dev.lakeops.common.features;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints the duration form used for windows, TTLs and intervals: 30s, 30m, 24h, 7d, 90d,
 * and milliseconds (200ms) for short intervals.
 */
public final class Durations {
  public static final String ACCEPTED_FORMS =
      "a whole number followed by s, m, h or d (or ms), such as 30m, 24h, 7d or 90d";
  private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(ms|[smhd])");

  private Durations() {}

  /** Returns the duration, or empty if {@code text} is not of the accepted form or is zero. */
  public static Optional<Duration> parse(String text) {
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (n <= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          });
    } catch (ArithmeticException e) {
      return Optional.empty(); // too long to represent
    }
  }

  /**
   * Prints a duration in the largest unit that divides it: 24h → "1d", 90m → "90m", 1500 ms →
   * "1500ms".
   */
  public static String format(Duration d) {
    if (d.getNano() % 1_000_000 == 0 && d.getNano() != 0) {
      return d.toMillis() + "ms";
    }
    long s = d.getSeconds();
    if (s % 86400 == 0) {
      return s / 86400 + "d";
    }
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
