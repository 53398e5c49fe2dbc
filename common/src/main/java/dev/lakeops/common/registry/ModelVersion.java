package dev.lakeops.common.registry;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A registered model version.
 *
 * @param artifact the directory holding the saved MLlib PipelineModel ({@code model/}), its
 *     reference profile, signature and the configuration it was trained from
 * @param metrics holdout metrics of the training run
 * @param params the trained estimator's parameters
 * @param signature JSON: input features with types, label, outputs
 * @param profile JSON: reference distributions of the inputs and the prediction
 * @param history this version's transitions, oldest first
 */
public record ModelVersion(
    String model,
    int version,
    String artifact,
    Instant createdAt,
    Stage stage,
    Map<String, Double> metrics,
    Map<String, String> params,
    String signature,
    String profile,
    Lineage lineage,
    List<Transition> history) {

  public ModelVersion withStage(Stage newStage, Transition t) {
    List<Transition> h = new java.util.ArrayList<>(history);
    h.add(t);
    return new ModelVersion(
        model,
        version,
        artifact,
        createdAt,
        newStage,
        metrics,
        params,
        signature,
        profile,
        lineage,
        List.copyOf(h));
  }

  public ModelVersion withHistory(Transition t) {
    return withStage(stage, t);
  }
}
