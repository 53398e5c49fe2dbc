package dev.lakeops.common.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeops.common.features.Durations;
import dev.lakeops.common.types.ColumnType;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one parser of event-time text, and the one rule on event times, for every reader: the Spark
 * feature pipeline, the Flink online-store job and the serving job all call this class. Times are
 * epoch microseconds (UTC).
 *
 * <p><b>Accepted event-time text</b> (without a {@code format} pattern), surrounding blanks
 * ignored:
 *
 * <ul>
 *   <li>a date {@code yyyy-MM-dd}: its midnight UTC;
 *   <li>a date and time {@code yyyy-MM-ddTHH:mm}, {@code ...:ss} or {@code ...:ss.f} with 1 to 9
 *       fraction digits (truncated to microseconds); {@code T}, {@code t} or one blank between date
 *       and time;
 *   <li>followed by an optional zone: {@code Z} (or {@code z}), {@code ±HH}, {@code ±HHmm} or
 *       {@code ±HH:mm} (up to ±18:00); without one the time is UTC.
 * </ul>
 *
 * Anything else (other separators, week dates, zone names such as {@code UTC} or {@code
 * Europe/Paris}, impossible dates such as 2021-02-30, 24:00) is not an event time. A JSON number
 * given as an explicit event time is integral epoch milliseconds.
 *
 * <p><b>The future bound</b> ({@link #futureViolation}): an event more than the source's {@code
 * max_future_skew} after the processing (wall-clock) time at which it is read is rejected with rule
 * {@value #FUTURE_RULE}, before it reaches any watermark.
 */
public final class EventTimes {
  private EventTimes() {}

  /** The rule name of an event too far in the future. */
  public static final String FUTURE_RULE = "future_time";

  private static final Pattern ISO =
      Pattern.compile(
          "(\\d{4})-(\\d{2})-(\\d{2})"
              + "(?:[Tt ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?"
              + "(Z|z|[+-]\\d{2}(?::?\\d{2})?)?)?");

  /** Turns a typed column value into event-time microseconds, or null when it cannot. */
  @FunctionalInterface
  public interface Parser {
    Long micros(Object value);
  }

  /**
   * The parser for a column (or an expression's value): text with a pattern (a Spark datetime
   * pattern, strictly), text without one ({@link #parseText}), a number of epoch time in {@code
   * unit} ({@link EpochUnit#toMicros}: int and long exactly, double rounded down to the
   * microsecond; null when out of range), date or timestamp (already microseconds).
   *
   * @param unit the epoch unit of a numeric type (required for int, long, double; ignored else)
   * @throws IllegalArgumentException for a numeric type without a unit (the loader refuses it)
   */
  public static Parser parser(ColumnType type, String format, EpochUnit unit) {
    if ((type == ColumnType.LONG || type == ColumnType.INT || type == ColumnType.DOUBLE)
        && unit == null) {
      throw new IllegalArgumentException("a numeric event time needs its epoch unit");
    }
    return switch (type) {
      case STRING -> {
        if (format == null) {
          yield v -> parseText((String) v);
        }
        DateTimeFormatter f = formatter(format);
        yield v -> withPattern(f, ((String) v).trim());
      }
      case LONG -> v -> unit.toMicros((long) (Long) v);
      case INT -> v -> unit.toMicros((long) (Integer) v);
      case DOUBLE -> v -> unit.toMicros((double) (Double) v);
      case DATE, TIMESTAMP -> v -> (Long) v;
      case BOOLEAN, VECTOR -> v -> null;
    };
  }

  /**
   * Event-time text in one of the accepted forms (see the class comment) as epoch microseconds.
   *
   * @return null when the text is null or not in an accepted form
   */
  public static Long parseText(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = ISO.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    try {
      LocalDate date =
          LocalDate.of(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)));
      LocalTime time = LocalTime.MIDNIGHT;
      ZoneOffset offset = ZoneOffset.UTC;
      if (m.group(4) != null) {
        int nanos = 0;
        if (m.group(7) != null) {
          String f = (m.group(7) + "00000000").substring(0, 9);
          nanos = Integer.parseInt(f);
        }
        time =
            LocalTime.of(
                Integer.parseInt(m.group(4)),
                Integer.parseInt(m.group(5)),
                m.group(6) == null ? 0 : Integer.parseInt(m.group(6)),
                nanos);
        String z = m.group(8);
        if (z != null && !z.equalsIgnoreCase("Z")) {
          int sign = z.charAt(0) == '-' ? -1 : 1;
          String digits = z.substring(1).replace(":", "");
          int h = Integer.parseInt(digits.substring(0, 2));
          int min = digits.length() > 2 ? Integer.parseInt(digits.substring(2, 4)) : 0;
          if (min > 59) {
            return null;
          }
          offset = ZoneOffset.ofHoursMinutes(sign * h, sign * min);
        }
      }
      Instant i = LocalDateTime.of(date, time).toInstant(offset);
      return micros(i);
    } catch (DateTimeException | ArithmeticException e) {
      return null;
    }
  }

  /**
   * A date {@code yyyy-MM-dd} (and nothing else) as the microseconds of its midnight UTC; null if
   * not a date.
   */
  public static Long parseDate(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    if (t.length() != 10) {
      return null;
    }
    return parseText(t);
  }

  /**
   * A Spark datetime pattern as a strict Java formatter: {@code y} (year of era) becomes {@code u}
   * (proleptic year) so that strict resolution rejects impossible dates such as 19970230.
   */
  static DateTimeFormatter formatter(String pattern) {
    StringBuilder p = new StringBuilder();
    boolean quoted = false;
    for (char c : pattern.toCharArray()) {
      if (c == '\'') {
        quoted = !quoted;
      }
      p.append(!quoted && c == 'y' ? 'u' : c);
    }
    return new DateTimeFormatterBuilder()
        .parseCaseInsensitive()
        .appendPattern(p.toString())
        .toFormatter()
        .withResolverStyle(ResolverStyle.STRICT);
  }

  /** Whether a datetime pattern is valid (for validation at load). */
  public static boolean validPattern(String pattern) {
    try {
      formatter(pattern);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Long withPattern(DateTimeFormatter f, String text) {
    try {
      TemporalAccessor t = f.parse(text);
      LocalDate date = t.query(TemporalQueries.localDate());
      if (date == null) {
        return null;
      }
      LocalTime time = t.query(TemporalQueries.localTime());
      ZoneOffset offset = t.query(TemporalQueries.offset());
      Instant i =
          LocalDateTime.of(date, time == null ? LocalTime.MIDNIGHT : time)
              .toInstant(offset == null ? ZoneOffset.UTC : offset);
      return micros(i);
    } catch (DateTimeException | ArithmeticException e) {
      return null;
    }
  }

  /**
   * An explicit event time of a JSON record: accepted text ({@link #parseText}), or an integral
   * JSON number of epoch milliseconds.
   *
   * @return microseconds, or null when the node is neither
   */
  public static Long fromJson(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isNumber()) {
      if (!n.isIntegralNumber() || !n.canConvertToLong()) {
        return null;
      }
      try {
        return Math.multiplyExact(n.longValue(), 1000L);
      } catch (ArithmeticException e) {
        return null;
      }
    }
    return n.isTextual() ? parseText(n.asText()) : null;
  }

  /**
   * The future bound, the one rule of both engines: an event whose time is more than {@code
   * maxSkew} after {@code nowMicros} (the processing wall clock when the record is read) is
   * rejected; exactly {@code now + maxSkew} is accepted.
   *
   * @param maxSkew the source's {@code max_future_skew}; null means no bound
   * @return the reason of the rejection (rule {@value #FUTURE_RULE}), or null when the event is
   *     within the bound
   */
  public static String futureViolation(long eventMicros, long nowMicros, Duration maxSkew) {
    if (maxSkew == null) {
      return null;
    }
    long bound;
    try {
      bound = Math.addExact(nowMicros, Math.multiplyExact(maxSkew.toSeconds(), 1_000_000L));
    } catch (ArithmeticException e) {
      return null;
    }
    if (eventMicros <= bound) {
      return null;
    }
    return "event time "
        + format(eventMicros)
        + " is more than "
        + Durations.format(maxSkew)
        + " (the source's max_future_skew) after the processing time; it is not used and does"
        + " not advance the watermark";
  }

  /** Microseconds since the epoch of an instant (throws ArithmeticException out of range). */
  public static long micros(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
  }

  /** Microseconds as an ISO-8601 instant, e.g. {@code 1996-05-07T00:30:00Z}. */
  public static String format(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).toString();
  }

  /** Microseconds of a date column as its text {@code yyyy-MM-dd}. */
  public static String formatDate(long micros) {
    return LocalDate.ofEpochDay(Math.floorDiv(micros, 86_400_000_000L)).toString();
  }
}
