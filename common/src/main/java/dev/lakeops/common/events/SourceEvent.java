package dev.lakeops.common.events;

import java.util.Arrays;

/**
 * A valid event of a source: its entity key, event time and the typed values of the declared
 * columns, in schema order ({@code String}, {@code Integer}, {@code Long}, {@code Double}, {@code
 * Boolean}, or {@code Long} epoch microseconds for dates and timestamps; null when empty).
 *
 * @param origin where the record came from (file:line or topic-partition@offset), for logs
 * @param raw the record as read, for a dead letter further on (e.g. a late event)
 */
public record SourceEvent(
    String entityKey, long eventTimeMicros, Object[] values, String origin, String raw)
    implements Decoded {

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceEvent e
        && e.entityKey.equals(entityKey)
        && e.eventTimeMicros == eventTimeMicros
        && Arrays.equals(e.values, values)
        && java.util.Objects.equals(e.origin, origin);
  }

  @Override
  public int hashCode() {
    return entityKey.hashCode() * 31 + Long.hashCode(eventTimeMicros);
  }

  @Override
  public String toString() {
    return "SourceEvent["
        + entityKey
        + " @"
        + eventTimeMicros
        + " "
        + Arrays.toString(values)
        + "]";
  }
}
