package dev.lakeops.flink.serving;

import dev.lakeops.common.training.ModelSpec;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What each scoring task needs, resolved once from the project on the client: the model, the entity
 * key field of the events, the feature views of the model's training set with their features, where
 * to find the production version and the online store, and how often to poll.
 *
 * @param views view name to the features of that view the training set takes, in the training set's
 *     order
 * @param onMissingFeatures the model's policy for events whose views have no row ({@code
 *     models.yaml}: {@code serving.on_missing_features})
 */
public record ServingPlan(
    String model,
    String keyField,
    Map<String, List<String>> views,
    ChampionSource champions,
    ModelLoader loader,
    StoreOpener store,
    Duration pollInterval,
    ModelSpec.MissingFeatures onMissingFeatures)
    implements Serializable {}
