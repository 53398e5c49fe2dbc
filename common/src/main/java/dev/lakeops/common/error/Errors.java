package dev.lakeops.common.error;

import java.util.List;

/**
 * The user-facing errors of {@code common}, built in one place (as Delta Kernel's {@code
 * DeltaErrors}): one static method per error, whose message says the problem, its cause and the
 * fix. Each returns the exception for the caller to throw. Configuration problems are collected as
 * {@link ConfigProblem}s instead (see {@code config/Problems}).
 */
public final class Errors {
  private Errors() {}

  // ---- model artifacts --------------------------------------------------------------------

  /** The directory holds another saved MLlib object than a whole pipeline. */
  public static LakeOpsException notAPipelineModel(String dir, String className) {
    return new LakeOpsException(
        dir
            + " holds a saved "
            + className
            + ", not a PipelineModel: the scorer loads whole pipelines (PipelineModel.save).");
  }

  /** The pipeline's last stage is not a model the Spark-free scorer supports. */
  public static LakeOpsException noSupportedModelLast(String dir, List<String> supportedModels) {
    return new LakeOpsException(
        "The pipeline "
            + dir
            + " does not end with a model the scorer supports: its last stage must be one of "
            + supportedModels
            + ".");
  }

  /** A model stage comes before the pipeline's last stage. */
  public static LakeOpsException modelBeforeLastStage(String dir) {
    return new LakeOpsException(
        "The pipeline "
            + dir
            + " has a model before its last stage; the scorer needs the"
            + " model to be the last stage.");
  }

  /** A signature names a column type LakeOps does not know: the artifact is not LakeOps'. */
  public static LakeOpsException unknownSignatureType(String name, List<String> known) {
    return new LakeOpsException(
        "A model signature names the column type '"
            + name
            + "', which LakeOps does not know; expected one of "
            + known
            + ". The artifact was not written by LakeOps' trainer; retrain the model.");
  }

  /** A training artifact (spec, signature, profile) cannot be written as JSON. */
  public static LakeOpsException cannotWriteJson(String type, Exception cause) {
    return new LakeOpsException("Cannot write " + type + " as JSON: " + cause.getMessage(), cause);
  }

  /** A training artifact cannot be read from its JSON: damaged, or from an incompatible version. */
  public static LakeOpsException cannotReadJson(String type, String detail, Exception cause) {
    return new LakeOpsException(
        "Cannot read a "
            + type
            + " from JSON: "
            + detail
            + ". The file is damaged or was written by an incompatible version.",
        cause);
  }
}
