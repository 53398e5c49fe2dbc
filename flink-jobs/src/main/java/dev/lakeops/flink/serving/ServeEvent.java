package dev.lakeops.flink.serving;

import java.util.Map;

/**
 * One input event, parsed.
 *
 * @param entityKey the key of the model's entity (the first of {@code keys})
 * @param eventTimeMillis the event time, epoch milliseconds (UTC)
 * @param fields the event's other scalar fields (request-time values): Double, Long, String,
 *     Boolean or null; fields holding objects or arrays map to {@link #NOT_SCALAR}
 * @param keys every entity key the event carries: key column to canonical text ({@code
 *     EntityKeys}); a composite key is built from its parts' fields
 */
public record ServeEvent(
    String eventId,
    String entityKey,
    long eventTimeMillis,
    Map<String, Object> fields,
    Map<String, String> keys) {

  /** An event of one entity key. */
  public ServeEvent(
      String eventId, String entityKey, long eventTimeMillis, Map<String, Object> fields) {
    this(eventId, entityKey, eventTimeMillis, fields, null);
  }

  /** The key of the entity whose key column is {@code column}, or {@link #entityKey}. */
  public String key(String column) {
    return keys == null ? entityKey : keys.getOrDefault(column, entityKey);
  }

  /** Marks a field whose JSON value is an object or an array. */
  public static final Object NOT_SCALAR = new Object();
}
