package dev.lakeops.common.config;

import dev.lakeops.common.events.EpochUnit;
import dev.lakeops.common.expr.Expr;
import java.time.Duration;
import java.time.Instant;

/** How a source row gets its event time. */
public sealed interface EventTime extends java.io.Serializable {

  /**
   * From a column: a timestamp or date column, a text column (event-time text, or parsed with a
   * pattern), or a numeric column of epoch time in a stated unit.
   *
   * @param format a date-time pattern (e.g. {@code yyyyMMdd}) for text columns, or null
   * @param unit the epoch unit of a numeric (int, long, double) column; null for other types
   */
  record FromColumn(String column, String format, EpochUnit unit) implements EventTime {}

  /**
   * From an expression over the row (e.g. a day's epoch seconds plus an hour column times 3600): a
   * number of epoch time in {@code unit}, or text read as event-time text (or with {@code format}).
   *
   * @param expr the parsed expression (type number or text)
   * @param text the expression as written, for messages
   * @param format a date-time pattern for a text expression, or null
   * @param unit the epoch unit of a number expression; null for text
   */
  record FromExpression(Expr expr, String text, String format, EpochUnit unit)
      implements EventTime {}

  /**
   * The time from which the rows of a dimension source without an event time are valid: before any
   * event a project meets (1900-01-01T00:00:00Z, after the Julian-Gregorian switch, so every engine
   * reads it as the same instant).
   */
  Instant VALID_ALWAYS = Instant.parse("1900-01-01T00:00:00Z");

  /**
   * The event time of a dimension source's rows that are valid always ({@code dimension: true} with
   * no {@code event_time}): {@link #VALID_ALWAYS}, as a constant expression read by the one decoder
   * of every engine.
   */
  static EventTime validAlways() {
    return new FromExpression(
        new Expr.Literal(VALID_ALWAYS.toString()),
        "valid always (" + VALID_ALWAYS + ")",
        null,
        null);
  }

  /** From the row's position in the input: {@code start + index * step} (for sampled streams). */
  record FromRowIndex(Instant start, Duration step) implements EventTime {}
}
