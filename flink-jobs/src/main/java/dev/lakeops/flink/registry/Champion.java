package dev.lakeops.flink.registry;

import dev.lakeops.common.training.Signature;
import dev.lakeops.common.warehouse.Warehouse;
import java.io.Serializable;

/**
 * The production version of a model as the registry holds it.
 *
 * @param artifact the version's artifact directory
 * @param signature the signature JSON (inputs with types, label, outputs)
 * @param epoch the registry epoch of the model when read (grows with every change of the model)
 */
public record Champion(String model, int version, String artifact, String signature, long epoch)
    implements Serializable {

  /** Where the saved MLlib PipelineModel lives inside the artifact ({@link Warehouse}). */
  public String modelDir() {
    return Warehouse.artifactModel(artifact);
  }

  public Signature parsedSignature() {
    return Signature.fromJson(signature);
  }
}
