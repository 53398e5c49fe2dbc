package dev.lakeops.flink.serving;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What each scoring task needs, resolved once from the project on the client: the model, the entity
 * key field of the events, the feature views of the model's training set with their features, where
 * to find the production version and the online store, and how often to poll.
 *
 * @param views view name to the features of that view the training set takes, in order
 */
public record ServingPlan(
    String model,
    String keyField,
    Map<String, List<String>> views,
    ChampionSource champions,
    ModelLoader loader,
    StoreOpener store,
    Duration pollInterval)
    implements Serializable {}
