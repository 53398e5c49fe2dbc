package dev.lakeops.common.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeops.common.config.ColumnType;
import java.time.DateTimeException;
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

/**
 * Event times as epoch microseconds (UTC, the session time zone of the offline pipeline), derived
 * the way the offline pipeline derives them.
 */
public final class EventTimes {
  private EventTimes() {}

  /** Turns a typed column value into event-time microseconds, or null when it cannot. */
  @FunctionalInterface
  public interface Parser {
    Long micros(Object value);
  }

  /**
   * The parser for a column: text with a pattern ({@code to_timestamp(x, pattern)}), text without
   * one (a cast to timestamp), long (epoch milliseconds), int or double (epoch seconds), date or
   * timestamp.
   */
  public static Parser parser(ColumnType type, String format) {
    return switch (type) {
      case STRING -> {
        if (format == null) {
          yield v -> timestampMicros(((String) v).trim());
        }
        DateTimeFormatter f = formatter(format);
        yield v -> withPattern(f, (String) v);
      }
      case LONG -> v -> Math.multiplyExact((Long) v, 1000L);
      case INT -> v -> ((Integer) v) * 1_000_000L;
      case DOUBLE -> v -> (long) Math.floor((Double) v * 1_000_000d);
      case DATE, TIMESTAMP -> v -> (Long) v;
      case BOOLEAN -> v -> null;
    };
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
      return ChronoUnit.MICROS.between(Instant.EPOCH, i);
    } catch (DateTimeException | ArithmeticException e) {
      return null;
    }
  }

  /** A date ({@code yyyy-MM-dd}) as the microseconds of its midnight UTC; null if not a date. */
  static Long dateMicros(String t) {
    try {
      return ChronoUnit.MICROS.between(
          Instant.EPOCH, LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC));
    } catch (DateTimeException e) {
      return null;
    }
  }

  /**
   * A timestamp in ISO-8601 form, with a 'T' or a blank between date and time, with or without an
   * offset (UTC when absent), or a bare date; null if none of these.
   */
  static Long timestampMicros(String t) {
    try {
      return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(t));
    } catch (DateTimeException e) {
      // not an instant with Z
    }
    String iso =
        t.length() > 10 && t.charAt(10) == ' ' ? t.substring(0, 10) + 'T' + t.substring(11) : t;
    try {
      return ChronoUnit.MICROS.between(
          Instant.EPOCH, java.time.OffsetDateTime.parse(iso).toInstant());
    } catch (DateTimeException e) {
      // no offset
    }
    try {
      return ChronoUnit.MICROS.between(
          Instant.EPOCH, LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC));
    } catch (DateTimeException e) {
      return dateMicros(t);
    }
  }

  /** An explicit event time: ISO-8601 text, or a JSON number of epoch milliseconds. */
  static Long explicit(String text, JsonNode number) {
    if (number != null) {
      return number.canConvertToLong() && number.isIntegralNumber()
          ? Math.multiplyExact(number.longValue(), 1000L)
          : null;
    }
    return timestampMicros(text.trim());
  }

  /** Microseconds as an ISO-8601 instant, e.g. {@code 1996-05-07T00:30:00Z}. */
  public static String format(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).toString();
  }
}
