package dev.lakeops.common.scoring;

import dev.lakeops.common.error.LakeOpsException;

/** What every model stage shares: its features column and its output columns. */
final class Models {
  private Models() {}

  /** The features slot: a vector of {@code numFeatures} values made by an earlier stage. */
  static int features(SavedStage s, Layout layout, int numFeatures) {
    String name = s.string("featuresCol", "features");
    int slot = layout.read(name);
    if (!layout.isVector(slot) || layout.size(slot) != numFeatures) {
      throw new LakeOpsException(
          "The saved "
              + s.simpleName()
              + " stage "
              + s.dir
              + " reads features column '"
              + name
              + "', which is not a vector of "
              + numFeatures
              + " values made by an earlier stage of the pipeline"
              + (layout.isVector(slot) ? " (it has " + layout.size(slot) + ")" : "")
              + ".");
    }
    return slot;
  }

  /** Registers the model's output columns, so a later stage reading them would be resolved. */
  static void outputs(SavedStage s, Layout layout) {
    layout.defineScalar(s.string("predictionCol", "prediction"));
  }

  static void requireFeatures(Frame f, int slot, String model) {
    if (f.nul[slot]) {
      throw new InvalidRowException(model, "features", "null features vector", false);
    }
  }
}
