package dev.lakeops.common.scoring;

/** What every model stage shares: its features column and its output columns. */
final class Models {
  private Models() {}

  /** The features slot: a vector of {@code numFeatures} values made by an earlier stage. */
  static int features(SavedStage s, Layout layout, int numFeatures) {
    return layout.readVector(s, s.string("featuresCol", "features"), numFeatures);
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
