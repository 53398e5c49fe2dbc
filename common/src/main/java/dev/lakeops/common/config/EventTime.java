package dev.lakeops.common.config;

import java.time.Duration;
import java.time.Instant;

/** How a source row gets its event time. */
public sealed interface EventTime extends java.io.Serializable {

  /**
   * From a column: a timestamp or date column, or a text column parsed with a pattern.
   *
   * @param format a date-time pattern (e.g. {@code yyyyMMdd}) for text columns, or null
   */
  record FromColumn(String column, String format) implements EventTime {}

  /** From the row's position in the input: {@code start + index * step} (for sampled streams). */
  record FromRowIndex(Instant start, Duration step) implements EventTime {}
}
