package dev.lakeops.common.error;

import java.nio.file.Path;
import java.util.List;

/**
 * The user-facing errors of {@code common}, built in one place (as Delta Kernel's {@code
 * DeltaErrors}): one static method per error, whose message says the problem, its cause and the
 * fix. Each returns the exception for the caller to throw: a {@link LakeOpsException} (the command
 * exits 1) or, for configuration met outside the loaders, a {@link ConfigException} (exit 2; see
 * {@code cli/CliFailures}). The loaders collect their problems as {@link ConfigProblem}s instead
 * (see {@code config/Problems}). Command-line value errors stay in {@code cli/SharedOptions}:
 * picocli's {@code TypeConversionException}, which only the cli packages may use.
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

  /** A saved SQLTransformer runs another statement than the casts the training job writes. */
  public static LakeOpsException unsupportedSqlStatement(Object dir, String sql) {
    return new LakeOpsException(
        "The saved SQLTransformer stage "
            + dir
            + " has the statement '"
            + sql
            + "', which the Spark-free scorer cannot run: it supports only"
            + " 'SELECT *, CAST(`col` AS DOUBLE) AS `out`, ... FROM __THIS__' (the boolean casts"
            + " the training job writes).");
  }

  /** The pipeline has a stage class the Spark-free scorer has no loader for. */
  public static LakeOpsException unsupportedStage(
      String className, String uid, java.util.Collection<String> supported) {
    return new LakeOpsException(
        "The pipeline stage "
            + className
            + " (uid "
            + uid
            + ") is not supported by the Spark-free scorer; it supports "
            + supported
            + ". Score this model with Spark, or train it without that stage.");
  }

  /** A saved stage's handleInvalid is a mode the scorer does not implement for it. */
  public static LakeOpsException unsupportedHandleInvalid(
      String stage, Object dir, String mode, List<String> supported) {
    return new LakeOpsException(
        "The saved "
            + stage
            + " stage "
            + dir
            + " has handleInvalid = '"
            + mode
            + "'; the scorer supports "
            + supported
            + ".");
  }

  /** A stage reads a vector column no earlier stage made with that size. */
  public static LakeOpsException notAVectorOfSize(
      String stage, Object dir, String column, int size, Integer actual) {
    return new LakeOpsException(
        "The saved "
            + stage
            + " stage "
            + dir
            + " reads column '"
            + column
            + "', which is not a vector of "
            + size
            + " values made by an earlier stage of the pipeline"
            + (actual != null ? " (it has " + actual + ")" : "")
            + ".");
  }

  /** A saved Imputer has no surrogate (fill value) for one of its columns. */
  public static LakeOpsException noImputerSurrogate(Object dir, String column) {
    return new LakeOpsException(
        "The saved Imputer stage " + dir + " has no surrogate for column '" + column + "'.");
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

  /** A lookup names an entity the project does not define. */
  public static LakeOpsException unknownEntity(String entity, java.util.Collection<String> known) {
    return new LakeOpsException(
        "unknown entity '" + entity + "'; the project has " + known + ". Fix: pass one of them.");
  }

  /**
   * {@code online-store get} was given a key that does not fit the entity's key: several parts
   * without a composite {@code --entity}, another number of parts than its join keys, or one value
   * that is not a composite key's JSON array.
   *
   * @param entity the entity named with {@code --entity}, or null
   * @param joinKeys its join keys (empty for a simple entity or none)
   */
  public static LakeOpsException compositeKeyParts(
      String entity, java.util.List<String> joinKeys, java.util.List<String> typed) {
    if (entity == null) {
      return new LakeOpsException(
          "several key values "
              + typed
              + " but no --entity: the parts of a composite key need"
              + " the entity they belong to. Fix: add --entity <name> (an entity with join_keys in"
              + " entities.yaml), or pass the key as one value.");
    }
    if (joinKeys.isEmpty()) {
      return new LakeOpsException(
          "entity '"
              + entity
              + "' has a one-part key, but "
              + typed.size()
              + " values were given "
              + typed
              + ". Fix: pass the key as one value.");
    }
    return new LakeOpsException(
        "entity '"
            + entity
            + "' has a composite key of "
            + joinKeys.size()
            + " parts "
            + joinKeys
            + ", but "
            + typed
            + " was given. Fix: pass the parts in that order, e.g. `online-store"
            + " get --entity "
            + entity
            + " "
            + String.join(" ", joinKeys.stream().map(k -> "<" + k + ">").toList())
            + "`, or the stored key text, a JSON array such as [\"S1\",\"7\"].");
  }

  /** The project's embedded online store path is not a local file. */
  public static ConfigException embeddedStoreNotLocal(String projectFile, String path) {
    return new ConfigException(
        new ConfigProblem(
            projectFile,
            "online_store.path",
            0,
            "the embedded online store is a local file, but the path is '" + path + "'.",
            "give a local file path, e.g. online_store: {type: embedded, path:"
                + " /data/online/features.db}, or use Redis (online_store: {type: redis,"
                + " host: ..., port: 6379})."));
  }

  /** The embedded online store defaults to the warehouse, which is not local. */
  public static ConfigException embeddedStoreWarehouseNotLocal(
      String projectFile, String projectFileName, String warehouse) {
    return new ConfigException(
        new ConfigProblem(
            projectFile,
            "online_store",
            0,
            "the embedded online store lives under the warehouse by default, but the warehouse '"
                + warehouse
                + "' is not a local path.",
            "set online_store: {type: embedded, path: /local/dir/features.db} in "
                + projectFileName
                + ", or pass --online-store embedded:/local/dir/features.db or"
                + " --online-store redis://host:6379."));
  }

  /** An {@code --online-store} value that is no store URI ({@code problem}: what is wrong). */
  public static ConfigException badOnlineStoreUri(String option, String problem) {
    return new ConfigException(
        new ConfigProblem(
            "command line",
            option,
            0,
            problem,
            "write e.g. "
                + option
                + " redis://127.0.0.1:6379/myproject: or "
                + option
                + " embedded:/data/online/features.db, or leave it out to use project.yaml's"
                + " online_store."));
  }

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
  public static LakeOpsException featureHistoryVersion(String found, int oldest, int newest) {
    return new LakeOpsException(
        "a stored feature history has format version "
            + found
            + "; this build reads versions "
            + oldest
            + " to "
            + newest
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

  /** A quantile sketch (of a reference profile or of monitoring state) cannot be read. */
  public static LakeOpsException notASerializedSketch(int length, Exception cause) {
    return new LakeOpsException(
        "not a serialized KLL doubles sketch ("
            + length
            + " bytes): "
            + cause.getMessage()
            + ". The model's reference profile or the monitoring job's state is damaged or was"
            + " written by an incompatible version; retrain the model, or start the job without"
            + " restoring its state.",
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

  /** The version already has the stage it is moved to. */
  public static LakeOpsException alreadyInStage(String model, int version, String stage) {
    return new LakeOpsException(
        "Model '"
            + model
            + "' version "
            + version
            + " is already in "
            + stage
            + "; nothing to do.");
  }

  /** The model has no such version; lists the versions it has and where to see them. */
  public static LakeOpsException noSuchModelVersion(
      String model, int version, List<Integer> versions) {
    return new LakeOpsException(
        "Model '"
            + model
            + "' has no version "
            + version
            + "; its versions are "
            + versions
            + ". See 'mlops models --model "
            + model
            + "'.");
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
