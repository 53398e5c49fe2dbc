package dev.lakeops.common.events;

import java.util.List;

/**
 * Everything {@link SourceDecoder} found in one record, for engines that keep rejected rows as rows
 * (the Spark pipeline's quarantine): the typed values, the entity key, the event time and every
 * rule broken, in order.
 *
 * @param skipped why the record is not data (blank or comment line), or null for a data record
 * @param keys the normalised keys ({@link EntityKeys}) of the source's entities, in the order of
 *     its {@code keys}, each null when it could not be derived; null for a skipped record
 * @param eventTimeMicros epoch microseconds, or null when it could not be derived
 * @param values typed values in schema order (see {@link SourceEvent}); null when not typed
 * @param violations the broken rules; empty for a clean record
 */
public record Validated(
    String skipped,
    List<String> keys,
    Long eventTimeMicros,
    Object[] values,
    List<Violation> violations) {

  /** One broken rule: its name and the reason, e.g. {@code range}, "column 'x' = 5 is ...". */
  public record Violation(String rule, String reason) implements java.io.Serializable {}

  /** The key of the source's own entity (the first of {@link #keys}), or null. */
  public String entityKey() {
    return keys == null ? null : keys.get(0);
  }

  public boolean clean() {
    return skipped == null && violations.isEmpty();
  }
}
