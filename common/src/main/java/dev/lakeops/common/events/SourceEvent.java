package dev.lakeops.common.events;

import java.util.Arrays;

/**
 * A valid event of a source: its entity key, event time and the typed values of the declared
 * columns, in schema order ({@code String}, {@code Integer}, {@code Long}, {@code Double}, {@code
 * Boolean}, or {@code Long} epoch microseconds for dates and timestamps; null when empty).
 *
 * @param entityKey the key the event is processed under: the source's own entity's, or another
 *     entity's after {@link #forEntity}
 * @param origin where the record came from (file:line or topic-partition@offset), for logs
 * @param raw the record as read, for a dead letter further on (e.g. a late event)
 * @param keys the keys of every entity the source's rows carry, in the order of its {@code keys}
 *     (one element, {@code entityKey}, for a source of one entity)
 */
public record SourceEvent(
    String entityKey,
    long eventTimeMicros,
    Object[] values,
    String origin,
    String raw,
    String[] keys)
    implements Decoded {

  public SourceEvent {
    keys = keys == null ? new String[] {entityKey} : keys;
  }

  /** An event of a source of one entity. */
  public SourceEvent(
      String entityKey, long eventTimeMicros, Object[] values, String origin, String raw) {
    this(entityKey, eventTimeMicros, values, origin, raw, null);
  }

  /** The same event processed under the key of the source's {@code i}-th entity. */
  public SourceEvent forEntity(int i) {
    return i == 0 && keys[0].equals(entityKey)
        ? this
        : new SourceEvent(keys[i], eventTimeMicros, values, origin, raw, keys);
  }

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
