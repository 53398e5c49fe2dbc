package dev.lakeops.flink.features;

import dev.lakeops.common.online.FeatureRow;
import dev.lakeops.common.online.StoredHistory;
import java.util.Map;

/**
 * One feature row of a view: the entity, the event time (epoch microseconds, as the offline table)
 * and the values in the view's feature order; the last row of a view that one watermark advance
 * made due also carries the entity's stored history for the online store.
 *
 * @param values the view's values at the time, in feature order; empty when the job computes no
 *     values (no feature log: the store needs only the history)
 * @param history the view's history as of {@code eventTimeMicros} ({@link
 *     dev.lakeops.common.features.IncrementalFeatures#encodeView}), or null on rows the store does
 *     not need (a later row of the same advance carries it)
 */
public record ViewRow(
    String view,
    String entityKey,
    long eventTimeMicros,
    Map<String, Object> values,
    byte[] history) {

  public ViewRow(String view, String entityKey, long eventTimeMicros, Map<String, Object> values) {
    this(view, entityKey, eventTimeMicros, values, null);
  }

  /** The row's values in the online store's row form (event time in milliseconds). */
  public FeatureRow toFeatureRow() {
    return new FeatureRow(entityKey, Math.floorDiv(eventTimeMicros, 1000L), values);
  }

  /** The online store's entry, or null when the row carries no history. */
  public StoredHistory toStoredHistory() {
    return history == null ? null : new StoredHistory(entityKey, eventTimeMicros, history);
  }
}
