package dev.lakeops.flink;

import dev.lakeops.common.error.LakeOpsException;

/**
 * The user-facing errors of the Flink jobs, built in one place (as Delta Kernel's {@code
 * DeltaErrors}): one static method per error, whose message says the problem, its cause and the
 * fix. Each returns the exception for the caller to throw.
 */
public final class FlinkErrors {
  private FlinkErrors() {}

  /** Serving needs a production version of the model, and the registry has none. */
  public static LakeOpsException noProductionVersion(String model) {
    return new LakeOpsException(
        "Model '"
            + model
            + "' has no production version in the registry. Train one and"
            + " promote it (mlops train / mlops promote) before serving.");
  }

  /** A Delta table the job writes to does not exist (yet). */
  public static LakeOpsException noDeltaTable(String path) {
    return new LakeOpsException("no Delta table at " + path);
  }
}
