package dev.lakeops.common.online;

/**
 * One entity's stored feature history of one view, as the writers (the online-store job, {@code
 * materialize}) hand it to a store.
 *
 * @param entityKey the entity's key (as text)
 * @param latestMicros the latest event time in the history (epoch µs): the replace rule compares it
 * @param history the encoded history ({@link
 *     dev.lakeops.common.features.IncrementalFeatures#encodeView}), or a values snapshot ({@link
 *     FeatureValues#encodeSnapshot})
 */
public record StoredHistory(String entityKey, long latestMicros, byte[] history) {}
