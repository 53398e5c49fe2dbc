package dev.lakeops.common.online;

import java.util.Map;

/**
 * The feature values of one entity in one feature view: as a read at a time {@code t} answers them
 * ({@link OnlineStore#read}), or as a row written as is ({@link OnlineStore#write}).
 *
 * @param entityKey the entity's key value (the view's entity key column, as text)
 * @param eventTimeMillis the event time (epoch milliseconds, UTC) of the entity's latest event at
 *     or before the read time (never later): the row whose TTL was checked
 * @param values feature name to value, in the view's feature order: {@code Double}, {@code Long},
 *     {@code String}, {@code Boolean} or {@code null}; window features aggregated over {@code (t −
 *     window, t]}
 */
public record FeatureRow(String entityKey, long eventTimeMillis, Map<String, Object> values) {}
