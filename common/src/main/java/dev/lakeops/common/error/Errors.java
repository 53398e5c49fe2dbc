package dev.lakeops.common.error;

import java.nio.file.Path;
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

  /** An MLlib stage's metadata file is empty: the save was interrupted. */
  public static LakeOpsException emptyStageMetadata(Object metadataFile) {
    return new LakeOpsException(
        "The MLlib metadata file "
            + metadataFile
            + " is empty: the model was not saved completely. Train the model again.");
  }

  /** An MLlib stage's metadata cannot be read: the directory is not a saved pipeline. */
  public static LakeOpsException cannotReadStageMetadata(Object metadataFile, Exception cause) {
    return new LakeOpsException(
        "Cannot read the MLlib metadata "
            + metadataFile
            + " ("
            + cause.getMessage()
            + "): is this a saved PipelineModel directory?",
        cause);
  }

  /** A saved stage lacks a param the scorer needs: the stage was saved by another Spark. */
  public static LakeOpsException stageParamMissing(String stage, Object dir, String param) {
    return new LakeOpsException(
        "The saved " + stage + " stage " + dir + " has no '" + param + "' param.");
  }

  /** A saved stage sets neither the single- nor the multi-column form of a param. */
  public static LakeOpsException stageParamsMissing(
      String stage, Object dir, String single, String multi) {
    return new LakeOpsException(
        "The saved "
            + stage
            + " stage "
            + dir
            + " sets neither '"
            + single
            + "' nor '"
            + multi
            + "'.");
  }

  /** A saved stage's data directory has no rows: the save was interrupted. */
  public static LakeOpsException stageDataEmpty(String stage, Object dir, String sub) {
    return new LakeOpsException(
        "The saved " + stage + " stage " + dir + " has no rows under " + sub + "/.");
  }

  /** A saved stage's data files cannot be read. */
  public static LakeOpsException cannotReadStageData(String stage, Object data, Exception cause) {
    return new LakeOpsException(
        "Cannot read the data of the saved " + stage + " stage " + data + ": " + cause, cause);
  }

  /** A saved stage lacks a metadata field the scorer needs. */
  public static LakeOpsException stageMetadataMissing(String stage, Object dir, String field) {
    return new LakeOpsException(
        "The saved " + stage + " stage " + dir + " has no " + field + " metadata.");
  }

  /** A saved tree is not a tree: a child refers to no node, or there is no root. */
  public static LakeOpsException damagedTree(String where, String what) {
    return new LakeOpsException("A saved tree in " + where + " " + what + ".");
  }

  /** A saved tree splits on a feature outside the model's feature vector. */
  public static LakeOpsException treeFeatureOutOfRange(String where, int feature, int numFeatures) {
    return new LakeOpsException(
        "A saved tree in " + where + " splits on feature " + feature + " of " + numFeatures);
  }

  /** A saved ensemble's data has other columns than MLlib writes ({@code part}: the data set). */
  public static LakeOpsException unexpectedEnsembleColumns(
      Object dir, String part, Object columns) {
    return new LakeOpsException(
        "The saved ensemble " + dir + " has unexpected " + part + " columns " + columns);
  }

  /** A saved ensemble lacks one of its trees (or its weight). */
  public static LakeOpsException ensembleLacksTree(Object dir, int tree) {
    return new LakeOpsException("The saved ensemble " + dir + " lacks tree " + tree + ".");
  }

  /** The pipeline's metadata names a stage whose directory is missing. */
  public static LakeOpsException noStageDirectory(Object pipeline, Object uid) {
    return new LakeOpsException("The pipeline " + pipeline + " has no stage directory for " + uid);
  }

  /** The pipeline's stage directories cannot be listed. */
  public static LakeOpsException cannotListStages(Object pipeline, Exception cause) {
    return new LakeOpsException(
        "Cannot list the stages of the pipeline " + pipeline + ": " + cause, cause);
  }

  // ---- project ----------------------------------------------------------------------------

  /** The project's YAML files cannot be read to fingerprint a run. */
  public static LakeOpsException cannotHashProject(Path dir, Exception cause) {
    return new LakeOpsException(
        "Cannot hash the project configuration in "
            + dir
            + ": "
            + cause
            + ". Check that the directory and its .yaml files are readable.",
        cause);
  }

  // ---- online store -----------------------------------------------------------------------

  /** The embedded online store's directory cannot be created. */
  public static LakeOpsException cannotCreateEmbeddedStore(Object file, Exception cause) {
    return new LakeOpsException(
        "cannot create the directory of the embedded online store "
            + file
            + ": "
            + cause.getMessage()
            + ". Fix: choose a writable path (online_store: {type: embedded, path: ...}).",
        cause);
  }

  /**
   * An embedded online store operation failed ({@code what}: e.g. "write"); {@code busyFor}, when
   * not null, is how long another process held the write lock.
   */
  public static LakeOpsException embeddedStoreFailed(
      String what, Object file, Exception cause, java.time.Duration busyFor) {
    String fix =
        busyFor != null
            ? " Fix: another process held a write lock on the file for more than "
                + busyFor.toSeconds()
                + " s; retry, or stop the other writer."
            : "";
    return new LakeOpsException(
        "cannot "
            + what
            + " the embedded online store "
            + file
            + ": "
            + cause.getMessage()
            + "."
            + fix,
        cause);
  }

  /** The Redis online store does not answer when opened. */
  public static LakeOpsException redisUnreachable(String host, int port, Exception cause) {
    return new LakeOpsException(
        "cannot reach the Redis online store at "
            + host
            + ":"
            + port
            + ": "
            + cause.getMessage()
            + ". Fix: start it (redis-server --daemonize yes) or point online_store /"
            + " --online-store at a running server.",
        cause);
  }

  /** A Redis online store operation failed ({@code what}: e.g. "read from"). */
  public static LakeOpsException redisFailed(String what, String host, int port, Exception cause) {
    return new LakeOpsException(
        "cannot "
            + what
            + " the Redis online store at "
            + host
            + ":"
            + port
            + ": "
            + cause.getMessage()
            + ". Fix: check that the server is running (redis-server --daemonize yes) and"
            + " reachable.",
        cause);
  }

  /** A feature's value has a type the online store cannot keep. */
  public static LakeOpsException unstorableFeatureValue(String feature, Class<?> type) {
    return new LakeOpsException(
        "feature '"
            + feature
            + "' has a value of type "
            + type.getName()
            + "; the online store keeps Double, Long, String, Boolean or null. Give the"
            + " feature one of those types in feature_views.yaml.");
  }

  /** A stored online row or value cannot be decoded: damaged, or written by another version. */
  public static LakeOpsException corruptOnlineValue(String detail) {
    return new LakeOpsException(
        "corrupt online "
            + detail
            + ". The online store holds a value this build cannot read; rebuild it with"
            + " 'mlops materialize' (or the online-store job).");
  }

  /** A stored feature history has another format version than this build reads. */
  public static LakeOpsException featureHistoryVersion(String found, int reads) {
    return new LakeOpsException(
        "a stored feature history has format version "
            + found
            + "; this build reads version "
            + reads
            + ". Fix: re-run 'mlops materialize' (or the online-store job) with this build.");
  }

  /** A stored feature history cannot be decoded. */
  public static LakeOpsException corruptFeatureHistory(String detail) {
    return new LakeOpsException(
        "corrupt feature history: "
            + detail
            + ". Fix: re-run 'mlops materialize' (or the online-store job) to rewrite it.");
  }

  // ---- monitoring -------------------------------------------------------------------------

  /** A feature window in the monitoring job's state cannot be read. */
  public static LakeOpsException notASerializedFeatureWindow(String detail, Throwable cause) {
    return new LakeOpsException(
        "not a serialized FeatureWindow: "
            + detail
            + ". The monitoring job's state was written by an incompatible LakeOps version or is"
            + " damaged; start the job without restoring that checkpoint or savepoint.",
        cause);
  }

  // ---- Delta tables and the registry ------------------------------------------------------

  /** A Delta table's log or data cannot be read with Delta Kernel. */
  public static LakeOpsException cannotReadDeltaTable(String path, Exception cause) {
    return new LakeOpsException(
        "Cannot read the Delta table "
            + path
            + ": "
            + cause.getMessage()
            + ". Check that the warehouse is reachable and readable (--warehouse).",
        cause);
  }

  /** A Delta table has a column type LakeOps' tables do not use. */
  public static LakeOpsException unsupportedDeltaType(Object type) {
    return new LakeOpsException(
        "A Delta table has a column of type "
            + type
            + ", which LakeOps' tables do not use: the table was not written by LakeOps.");
  }

  /** The registry names a stage this build does not know: a newer LakeOps wrote it. */
  public static LakeOpsException unknownRegistryStage(Object key, List<String> known) {
    return new LakeOpsException(
        "unknown stage '"
            + key
            + "' in the registry; this build knows "
            + known
            + ". The registry was written by a newer LakeOps: use that version.");
  }
}
