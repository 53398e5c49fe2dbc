package dev.lakeops.flink.serving;

import java.util.Map;

/**
 * One scored event: what the prediction log and the output topic hold.
 *
 * @param features the numeric feature values the model saw (booleans as 1.0/0.0, null when missing)
 * @param textFeatures the text feature values the model saw
 * @param probability class probabilities, or null for regressors
 * @param missingViews the model's feature views that had no row for the entity as of the event's
 *     time (unknown entity, expired by the TTL, or only later rows), in the training set's order;
 *     empty when every view had one (or no view needed reading: all its inputs came with the event)
 */
public record Prediction(
    String eventId,
    String entityKey,
    long eventTimeMillis,
    String model,
    int version,
    Map<String, Double> features,
    Map<String, String> textFeatures,
    double prediction,
    double[] probability,
    long scoredAtMillis,
    java.util.List<String> missingViews) {}
