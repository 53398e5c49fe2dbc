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
 * @param keyFields every entity key column the events carry (the label's entities: {@code keyField}
 *     first) to the event fields that make it: the column itself for a simple entity, its join keys
 *     for a composite one
 * @param viewKeys view name to the key column it is read by (its entity's)
 */
public record ServingPlan(
    String model,
    String keyField,
    Map<String, List<String>> views,
    ChampionSource champions,
    ModelLoader loader,
    StoreOpener store,
    Duration pollInterval,
    ModelSpec.MissingFeatures onMissingFeatures,
    Map<String, List<String>> keyFields,
    Map<String, String> viewKeys)
    implements Serializable {

  /** A plan whose events carry one simple entity key, {@code keyField}, that reads every view. */
  public ServingPlan(
      String model,
      String keyField,
      Map<String, List<String>> views,
      ChampionSource champions,
      ModelLoader loader,
      StoreOpener store,
      Duration pollInterval,
      ModelSpec.MissingFeatures onMissingFeatures) {
    this(
        model,
        keyField,
        views,
        champions,
        loader,
        store,
        pollInterval,
        onMissingFeatures,
        Map.of(keyField, List.of(keyField)),
        views.keySet().stream()
            .collect(java.util.stream.Collectors.toMap(v -> v, v -> keyField, (a, b) -> a)));
  }
}
