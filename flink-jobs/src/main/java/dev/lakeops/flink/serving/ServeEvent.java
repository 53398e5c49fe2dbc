package dev.lakeops.flink.serving;

import java.util.Map;

/**
 * One input event, parsed.
 *
 * @param eventTimeMillis the event time, epoch milliseconds (UTC)
 * @param fields the event's other scalar fields (request-time values): Double, Long, String,
 *     Boolean or null; fields holding objects or arrays map to {@link #NOT_SCALAR}
 */
public record ServeEvent(
    String eventId, String entityKey, long eventTimeMillis, Map<String, Object> fields) {
  /** Marks a field whose JSON value is an object or an array. */
  public static final Object NOT_SCALAR = new Object();
}
