package dev.lakeops.common.online;

import java.util.Map;

/**
 * The latest feature values of one entity in one feature view, as the online store keeps them.
 *
 * @param entityKey the entity's key value (the view's entity key column, as text)
 * @param eventTimeMillis the event time (epoch milliseconds, UTC) the values were computed at
 * @param values feature name to value, in the view's feature order: {@code Double}, {@code Long},
 *     {@code String}, {@code Boolean} or {@code null}
 */
public record FeatureRow(String entityKey, long eventTimeMillis, Map<String, Object> values) {}
