package dev.lakeops.spark.ingest;

import static org.apache.spark.sql.functions.col;

import dev.lakeops.common.config.ColumnSpec;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.types.ColumnType;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/**
 * The one reading of an events table's rows as the events the Flink job decodes ({@link
 * SourceEvent}), for every Spark path that folds events with common's {@code IncrementalFeatures}
 * (the point-in-time join, {@code materialize}): so a value reaches the feature code in the same
 * Java type from a file, from Kafka and from the events table.
 *
 * <p>A selection is {@code (key, event_time, the source's declared columns in schema order)}; a
 * declared column named like one of the source's key columns holds the key's text (as {@code
 * SourceDecoder} gives it), every other column its declared type: {@code String}, {@code Integer},
 * {@code Long}, {@code Double}, {@code Boolean}, or {@code Long} epoch microseconds for dates and
 * timestamps; null stays null.
 */
public final class EventRows {
  private EventRows() {}

  /** The columns to select from the events table for events keyed by {@code keyColumn}. */
  public static Column[] select(SourceConfig source, String keyColumn) {
    List<Column> cols = new ArrayList<>();
    cols.add(col("`" + keyColumn + "`"));
    cols.add(col(RowValidator.EVENT_TIME));
    for (ColumnSpec c : source.schema()) {
      cols.add(col("`" + c.name() + "`"));
    }
    return cols.toArray(Column[]::new);
  }

  /** A selected row ({@link #select}) as the event of {@code key}. */
  public static SourceEvent toEvent(SourceConfig source, String key, Row r) {
    List<ColumnSpec> schema = source.schema();
    List<String> keyColumns = source.keyColumns();
    Object[] values = new Object[schema.size()];
    for (int i = 0; i < values.length; i++) {
      ColumnSpec c = schema.get(i);
      Object v = r.get(i + 2);
      values[i] = keyColumns.contains(c.name()) || v == null ? v : value(c.type(), v);
    }
    return new SourceEvent(key, micros(r.get(1)), values, "events table", null);
  }

  /** A Spark value of a declared column in the decoder's type. */
  static Object value(ColumnType type, Object v) {
    return switch (type) {
      case STRING -> v.toString();
      case INT -> ((Number) v).intValue();
      case LONG -> ((Number) v).longValue();
      case DOUBLE -> ((Number) v).doubleValue();
      case BOOLEAN -> (Boolean) v;
      case DATE, TIMESTAMP -> micros(v);
      case VECTOR -> v; // no source declares one (ColumnType.parse)
    };
  }

  /** Epoch microseconds of a Spark date or timestamp value (either Java API). */
  public static long micros(Object v) {
    if (v instanceof Timestamp ts) {
      return exact(ts.toInstant());
    }
    if (v instanceof Instant i) {
      return exact(i);
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate().toEpochDay() * 86_400_000_000L;
    }
    if (v instanceof LocalDate d) {
      return d.toEpochDay() * 86_400_000_000L;
    }
    throw new IllegalArgumentException("not a date or timestamp: " + v);
  }

  private static long exact(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
  }
}
