package dev.lakeops.spark;

import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.TrainingPreflight;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The user-facing errors of the Spark jobs, built in one place (as Delta Kernel's {@code
 * DeltaErrors}): one static method per error, whose message says the problem, its cause and the
 * fix. Each returns the exception for the caller to throw.
 */
public final class SparkErrors {
  private SparkErrors() {}

  // ---- training ---------------------------------------------------------------------------

  /** The training set has no rows; it was not built, or its label source is empty. */
  public static LakeOpsException emptyTrainingSet(ModelSpec spec) {
    return new LakeOpsException(
        "The training set '"
            + spec.trainingSet()
            + "' of model '"
            + spec.name()
            + "' is empty: there is nothing to train on. Build it with 'mlops training-set"
            + " --name "
            + spec.trainingSet()
            + "' after 'mlops features', and check that its label source has rows.");
  }

  /** Every row's label is null: nothing to learn from; the label definition is the cause. */
  public static LakeOpsException allLabelsNull(ModelSpec spec, long rows) {
    return new LakeOpsException(
        "Every one of the "
            + rows
            + " rows of training set '"
            + spec.trainingSet()
            + "' has a null label '"
            + spec.label()
            + "', so model '"
            + spec.name()
            + "' has nothing to learn from. Check the label definition in labels.yaml"
            + " (a next_event_within label is unknown for rows near the end of the data).");
  }

  /** MLlib would refuse the spec on these columns (checked before any Spark job). */
  public static LakeOpsException preflightRefused(
      ModelSpec spec, List<TrainingPreflight.Finding> findings) {
    return new LakeOpsException(TrainingPreflight.describe(spec, findings));
  }

  /** MLlib would refuse the labels or values found in the training set's rows, before fitting. */
  public static LakeOpsException valuesRefused(
      ModelSpec spec, List<TrainingPreflight.Finding> refused, long labeledRows) {
    return new LakeOpsException(
        TrainingPreflight.describe(spec, refused)
            + System.lineSeparator()
            + "(found in the "
            + labeledRows
            + " labeled rows of training set '"
            + spec.trainingSet()
            + "', before any fitting)");
  }

  /** A random split hashes the entity key, but the spec names no key column. */
  public static LakeOpsException randomSplitWithoutKey(ModelSpec spec) {
    return new LakeOpsException(
        "Model '"
            + spec.name()
            + "' uses a random split, which hashes the entity key, but the spec names no key"
            + " column. Set keyColumn (the loader sets it from the training set's entity).");
  }

  /** The spec lists no features. */
  public static LakeOpsException noFeatures(ModelSpec spec) {
    return new LakeOpsException("Model '" + spec.name() + "' has no features. List some.");
  }

  /** The training set lacks columns the model needs: it was built from another definition. */
  public static LakeOpsException trainingSetLacksColumns(
      ModelSpec spec, List<String> absent, List<String> have) {
    return new LakeOpsException(
        "The training set of model '"
            + spec.name()
            + "' lacks the columns "
            + absent
            + "; it has "
            + have
            + ". Rebuild the training set with 'mlops training-set' after changing"
            + " training_sets.yaml, or fix the model's features in models.yaml.");
  }

  /** A feature's column has a type a model cannot take. */
  public static LakeOpsException unsupportedFeatureType(
      ModelSpec spec, String feature, String type) {
    return new LakeOpsException(
        "Feature '"
            + feature
            + "' of model '"
            + spec.name()
            + "' has type "
            + type
            + "; a model takes numbers, booleans and text only.");
  }

  /** The split put every labeled row in the holdout ({@code how}: the split, in words). */
  public static LakeOpsException emptyTrainingSplit(ModelSpec spec, String how, long labeled) {
    return new LakeOpsException(
        "The training split of model '"
            + spec.name()
            + "' is empty: "
            + how
            + " put all "
            + labeled
            + " labeled rows in the holdout. Lower split.holdout in models.yaml, or add rows.");
  }

  /** The split kept every labeled row for training ({@code how}: the split, in words). */
  public static LakeOpsException emptyHoldout(ModelSpec spec, String how, long labeled) {
    return new LakeOpsException(
        "The holdout of model '"
            + spec.name()
            + "' is empty: "
            + how
            + " kept all "
            + labeled
            + " labeled rows for training"
            + (spec.split().method() == ModelSpec.SplitMethod.TIME
                ? " (they share too few distinct event times)"
                : "")
            + ". Raise split.holdout in models.yaml, use 'split: {method: random}', or add"
            + " rows.");
  }

  /** A training set column has a type no signature records (features are checked before). */
  public static LakeOpsException unrecordableType(String type) {
    return new LakeOpsException(
        "A training set column has type "
            + type
            + ", which a model signature cannot record; features and labels are numbers,"
            + " booleans or text.");
  }

  // ---- promotion --------------------------------------------------------------------------

  /** The version to promote already serves: nothing to do. */
  public static LakeOpsException alreadyChampion(String model, int version) {
    return new LakeOpsException(
        "Model '" + model + "' version " + version + " is already the champion; nothing to do.");
  }

  /** Other promotions kept landing while the gate evaluated (10 attempts): run it again. */
  public static LakeOpsException championKeptChanging(String model) {
    return new LakeOpsException(
        "Model '" + model + "': the champion kept changing during the gate; try again.");
  }

  /** {@code --force} skips the gate, so the audit trail needs the reason. */
  public static LakeOpsException forcedWithoutReason() {
    return new LakeOpsException(
        "A forced stage change needs a reason: pass --reason \"...\"; it goes into the audit"
            + " trail.");
  }

  /** The version's lineage lacks its training set's Delta version, so its holdout is lost. */
  public static LakeOpsException noTrainingSetVersion(String model, int version, String table) {
    return new LakeOpsException(
        "Model '"
            + model
            + "' version "
            + version
            + " records no version of "
            + table
            + "; it cannot be evaluated again.");
  }

  /** The artifact's copy of the project configuration could not be restored. */
  public static LakeOpsException configNotRestored(String artifact, java.io.IOException cause) {
    return new LakeOpsException(
        "Cannot restore the configuration of " + artifact + ": " + cause.getMessage(), cause);
  }

  // ---- model artifacts --------------------------------------------------------------------

  /** MLlib cannot save the fitted pipeline into the artifact directory. */
  public static LakeOpsException cannotSaveModel(String artifact, Exception cause) {
    return new LakeOpsException(
        "Cannot save the model to "
            + artifact
            + ": "
            + cause.getMessage()
            + ". Check that the warehouse is writable (--warehouse).",
        cause);
  }

  /** A file of a model artifact cannot be written. */
  public static LakeOpsException cannotWriteArtifact(Object file, Exception cause) {
    return new LakeOpsException(
        "Cannot write "
            + file
            + ": "
            + cause.getMessage()
            + ". Check that the warehouse is writable (--warehouse).",
        cause);
  }

  /** A file of a model artifact cannot be read: the artifact is incomplete or was moved. */
  public static LakeOpsException cannotReadArtifact(Object file, Exception cause) {
    return new LakeOpsException(
        "Cannot read "
            + file
            + ": "
            + cause.getMessage()
            + ". The model artifact is incomplete or was moved; train the model again.",
        cause);
  }

  /** The project's YAML files cannot be copied into the artifact. */
  public static LakeOpsException cannotCopyConfig(Object projectDir, Exception cause) {
    return new LakeOpsException(
        "Cannot copy the configuration of "
            + projectDir
            + ": "
            + cause.getMessage()
            + ". Check that the project directory (--project) is readable.",
        cause);
  }

  /** The model gave a holdout row no raw prediction, so its AUC cannot be computed. */
  public static LakeOpsException nullRawPrediction() {
    return new LakeOpsException(
        "A model scored a holdout row with a null raw prediction, so its AUC cannot be"
            + " computed. Check the model's features for values the model cannot use"
            + " (impute nulls in models.yaml).");
  }

  // ---- registry ---------------------------------------------------------------------------

  /** Other writers kept changing the registry: every retry of a change lost the race. */
  public static LakeOpsException registryKeptChanging(String model, int attempts) {
    return new LakeOpsException(
        "Model '"
            + model
            + "': could not commit a registry change after "
            + attempts
            + " attempts because other writers kept changing it. Try again.");
  }

  /** Writing the registry table failed for another reason than a concurrent writer. */
  public static LakeOpsException cannotWriteRegistry(String table, Exception cause) {
    return new LakeOpsException(
        "Cannot write the model registry "
            + table
            + ": "
            + cause.getMessage()
            + ". Check that the warehouse is writable (--warehouse).",
        cause);
  }

  /** The thread was interrupted while waiting to retry a registry change. */
  public static LakeOpsException interruptedRegistryRetry(InterruptedException cause) {
    return new LakeOpsException(
        "interrupted while retrying a registry change; the change was not made. Run the"
            + " command again.",
        cause);
  }

  // ---- command line (usage errors: exit 2) ------------------------------------------------

  /** {@code models --version} or {@code --compare} without {@code --model}. */
  public static UsageException versionNeedsModel() {
    return new UsageException("models", "--version and --compare need --model <name>.");
  }

  /** {@code models --compare} with other than two versions. */
  public static UsageException compareNeedsTwoVersions() {
    return new UsageException("models", "--compare takes two versions, e.g. --compare 1,2.");
  }

  /** {@code models --compare} with a version that is not a number. */
  public static UsageException compareNotANumber(String text) {
    return new UsageException(
        "models", "--compare takes two version numbers, e.g. --compare 1,2; got '" + text + "'.");
  }

  /** The registry has no such model; the message lists the ones it has. */
  public static UsageException noSuchModel(String command, String model, List<String> models) {
    return new UsageException(
        command,
        "no model '"
            + model
            + "' in the registry; "
            + (models.isEmpty()
                ? "no model is registered yet (train one with 'mlops train --model <name>')"
                : "registered models are " + String.join(", ", models))
            + ".");
  }

  /** The model has no such version, named on the command line; lists the ones it has. */
  public static UsageException noSuchVersion(
      String command, String model, int version, List<Integer> versions) {
    return new UsageException(
        command,
        "model '"
            + model
            + "' has no version "
            + version
            + "; its versions are "
            + versions.stream().map(String::valueOf).collect(Collectors.joining(", "))
            + ".");
  }

  /** The run table has no run with this id. */
  public static UsageException noSuchRun(String command, String runId) {
    return new UsageException(command, "no run '" + runId + "'; list runs with 'mlops runs'.");
  }

  /** Only a succeeded training run can be reproduced. */
  public static UsageException notReproducible(
      String command, String runId, Object status, Object runCommand) {
    return new UsageException(
        command,
        "run '"
            + runId
            + "' is a "
            + status
            + " '"
            + runCommand
            + "' run; only succeeded training runs can be reproduced (see 'mlops runs').");
  }

  /** The training run registered no version of its model (its registration failed). */
  public static LakeOpsException runRegisteredNoVersion(String runId, String model) {
    return new LakeOpsException(
        "Run '"
            + runId
            + "' registered no version of model '"
            + model
            + "', so there is nothing to reproduce; see 'mlops models --model "
            + model
            + "'.");
  }

  /** {@code --to} names no stage ({@code champion}: whether "champion" is also taken). */
  public static UsageException unknownStage(String command, List<String> stages, boolean champion) {
    return new UsageException(
        command, "--to takes one of " + stages + (champion ? " (or champion)." : "."));
  }

  // ---- project names given on the command line or in a run --------------------------------

  /** The project defines no such training set. */
  public static LakeOpsException unknownTrainingSet(String name, Collection<String> defined) {
    return new LakeOpsException(
        "Unknown training set '"
            + name
            + "'; the project defines "
            + defined
            + " in training_sets.yaml. Pass one of them with --name.");
  }

  /** The project defines no such model. */
  public static LakeOpsException unknownModel(String model, Collection<String> defined) {
    return new dev.lakeops.common.cli.CliArgs.UsageException(
        "train",
        "unknown model '"
            + model
            + "'; the project defines "
            + defined
            + " in models.yaml. Pass one of them with --model.");
  }

  /**
   * The project defines no such feature view ({@code command}'s {@code --view}); the command line
   * check and the job both throw it.
   */
  public static UsageException unknownFeatureView(
      String command, String view, Collection<String> defined) {
    return new UsageException(
        command, "unknown feature view '" + view + "'; the project has " + defined + ".");
  }

  /** The project defines no such source ({@code features --source}). */
  public static UsageException unknownSource(String source, Collection<String> defined) {
    return new UsageException(
        "features", "unknown source '" + source + "'; the project has " + defined + ".");
  }

  /** {@code training-set} without {@code --name} in a project that defines none. */
  public static UsageException noTrainingSets() {
    return new UsageException(
        "training-set",
        "the project defines no training sets; add training_sets.yaml (see conf/examples/cdnow).");
  }

  /** {@code sql}: the query does not parse or cannot run; lists the tables when one is unknown. */
  public static UsageException badQuery(boolean parse, String why, List<String> tables) {
    return new UsageException(
        "sql",
        (parse ? "the query does not parse: " : "the query cannot run: ")
            + why
            + (why.contains("TABLE_OR_VIEW_NOT_FOUND")
                ? "; the tables that exist now are " + String.join(", ", tables)
                : ""));
  }

  // ---- tables and inputs ------------------------------------------------------------------

  /** A job reads an offline table that the features job has not written yet. */
  public static LakeOpsException offlineTableMissing(String what, String path, Object projectDir) {
    return new LakeOpsException(
        "The offline table of "
            + what
            + " does not exist yet at "
            + path
            + ". Run 'mlops features --project "
            + projectDir
            + "' with the same --warehouse first.");
  }

  /** Materialize reads a view's events table that the features job has not written yet. */
  public static LakeOpsException noEventsTable(String view, String source, String path) {
    return new LakeOpsException(
        "feature view '"
            + view
            + "' has no events table of source '"
            + source
            + "' at "
            + path
            + ". Fix: run 'mlops features' first (or check --warehouse).");
  }

  /** An input file was rewritten after it was ingested; input files are append-only. */
  public static LakeOpsException inputFileChanged(
      String source, String path, long sizeBefore, long sizeNow) {
    return new LakeOpsException(
        "Source '"
            + source
            + "': the input file "
            + path
            + " changed after it was ingested (size "
            + sizeBefore
            + " -> "
            + sizeNow
            + "). Input files are append-only: put new rows in a new file, or run"
            + " 'features --full-refresh' to rebuild the source's tables from all files.");
  }

  /** A source's input path does not exist. */
  public static LakeOpsException inputPathMissing(String source, Object location) {
    return new LakeOpsException(
        "Source '"
            + source
            + "': the input path "
            + location
            + " does not exist. Fix the source's 'path' in sources.yaml (relative paths are"
            + " relative to the project directory) or create the input.");
  }

  /** A source's input path cannot be listed. */
  public static LakeOpsException cannotListInput(String source, Object location, Exception cause) {
    return new LakeOpsException(
        "Source '"
            + source
            + "': cannot list "
            + location
            + ": "
            + cause.getMessage()
            + ". Check that the input is readable.",
        cause);
  }

  /** An input file's header line could not be read. */
  public static LakeOpsException cannotReadInput(String source, Object file, Exception cause) {
    return new LakeOpsException(
        "Source '"
            + source
            + "': cannot read "
            + file
            + ": "
            + cause.getMessage()
            + ". Check that the file is readable and, when compressed, complete.",
        cause);
  }

  /** The input lacks columns the source's schema declares. */
  public static LakeOpsException inputLacksColumns(
      String source, List<String> missing, Collection<String> have) {
    return new LakeOpsException(
        "Source '"
            + source
            + "': the input has no column(s) "
            + missing
            + "; its columns are "
            + have
            + ". Fix the schema in sources.yaml to match the input.");
  }

  // ---- training parameters ----------------------------------------------------------------

  /** MLlib refused the data or parameters while tuning. */
  public static LakeOpsException mllibCouldNotTrain(ModelSpec spec, Exception cause) {
    return new LakeOpsException(
        "MLlib could not train model '" + spec.name() + "': " + cause.getMessage(), cause);
  }

  /** A binary-only tuning metric on labels with more than two classes. */
  public static LakeOpsException binaryMetricOnMulticlass(
      ModelSpec spec, String metric, int numClasses) {
    return new LakeOpsException(
        "Model '"
            + spec.name()
            + "' is tuned on "
            + metric
            + ", which needs binary labels, but the labels have "
            + numClasses
            + " classes. Tune on accuracy, f1 or log_loss instead.");
  }

  /** The algorithm does not do the model's task. */
  public static LakeOpsException algorithmWithoutTask(
      ModelSpec spec, String algorithm, String task, List<String> algorithms) {
    return new LakeOpsException(
        "Model '"
            + spec.name()
            + "': algorithm '"
            + algorithm
            + "' does not do "
            + task
            + "; use one of "
            + algorithms
            + ".");
  }

  /** Hyperparameters the algorithm does not take or whose values it refuses. */
  public static LakeOpsException invalidHyperparameters(ModelSpec spec, List<String> problems) {
    return new LakeOpsException(
        "Model '" + spec.name() + "' has invalid hyperparameters: " + String.join(" ", problems));
  }

  /** MLlib's own validator refuses a parameter's value. */
  public static LakeOpsException mllibRejectsParam(
      ModelSpec spec, String param, Object value, String doc) {
    return new LakeOpsException(
        "Model '" + spec.name() + "': MLlib rejects " + param + " = " + value + " (" + doc + ").");
  }

  // ---- batch inference (batch-score) ------------------------------------------------------

  /** {@code batch-score} needs exactly one input. */
  public static UsageException oneBatchInput(int given) {
    return new UsageException(
        "batch-score",
        (given == 0 ? "missing the input" : "more than one input")
            + ": give exactly one of --feature-view <name>, --training-set <name> or --table"
            + " <path|db.table>.");
  }

  /** The model has no production version and none was named. */
  public static UsageException noProductionVersion(String model, List<Integer> versions) {
    return new UsageException(
        "batch-score",
        "model '"
            + model
            + "' has no production version; promote one ('mlops promote --model "
            + model
            + " --version <n>') or pass --version (its versions are "
            + versions.stream().map(String::valueOf).collect(Collectors.joining(", "))
            + ").");
  }

  /**
   * The registered model is not (any more) in models.yaml: its missing-features policy is unknown.
   */
  public static UsageException modelNotInProject(String model, Collection<String> defined) {
    return new UsageException(
        "batch-score",
        "model '"
            + model
            + "' is registered but not defined in models.yaml (it defines "
            + defined
            + "); batch-score needs its training set and serving.on_missing_features from there.");
  }

  /** The project defines no such training set ({@code command}'s input). */
  public static UsageException unknownTrainingSetOf(
      String command, String name, java.util.Map<String, ?> defined) {
    return new UsageException(
        command, "unknown training set '" + name + "'; the project has " + defined.keySet() + ".");
  }

  /** The training set to score was not built yet. */
  public static UsageException trainingSetMissing(String name, String path, Object projectDir) {
    return new UsageException(
        "batch-score",
        "training set '"
            + name
            + "' does not exist yet at "
            + path
            + "; build it with 'mlops training-set --project "
            + projectDir
            + " --name "
            + name
            + "' (same --warehouse) first.");
  }

  /** The feature view to score holds none of the model's inputs. */
  public static UsageException viewHoldsNoInput(
      String view, String model, Collection<String> modelViews) {
    return new UsageException(
        "batch-score",
        "feature view '"
            + view
            + "' holds none of the inputs of model '"
            + model
            + "'; the model reads the views "
            + modelViews
            + ".");
  }

  /** {@code --table} names no Delta table (by path, or by a name the catalog does not know). */
  public static UsageException notADeltaTable(String table, String path) {
    return new UsageException(
        "batch-score",
        "no Delta table '"
            + table
            + "'"
            + (path != null && !path.equals(table) ? " at " + path : "")
            + "; --table takes a Delta table's path (or Hadoop URI) or a catalog name such as"
            + " <database>.training_<name>.");
  }

  /** {@code --input-version} is not a version of the input. */
  public static UsageException noInputVersion(String input, long version, long latest) {
    return new UsageException(
        "batch-score",
        "input "
            + input
            + " has no Delta version "
            + version
            + "; its versions are 0 to "
            + latest
            + ".");
  }

  /** The input lacks model input columns that no feature view of the model provides. */
  public static UsageException inputLacksModelColumns(
      String input, String model, int version, List<String> missing, List<String> columns) {
    return new UsageException(
        "batch-score",
        "input "
            + input
            + " lacks the columns "
            + missing
            + " that model '"
            + model
            + "' version "
            + version
            + " takes (its signature); the input has "
            + columns
            + ".");
  }

  /** An input column's type cannot be given to the model as its signature's type. */
  public static UsageException columnTypeMismatch(
      String input, String column, String type, String expected) {
    return new UsageException(
        "batch-score",
        "column '"
            + column
            + "' of input "
            + input
            + " is "
            + type
            + "; the model's signature takes "
            + expected
            + ". Cast it in the input table.");
  }

  // ---- cluster --------------------------------------------------------------------------

  /**
   * No Spark standalone master of {@code master} accepted a connection within the timeout: Spark
   * itself would retry for a minute and then fail with "All masters are unresponsive".
   */
  public static LakeOpsException sparkMasterUnreachable(
      String master, List<String> problems, long timeoutMillis) {
    return new LakeOpsException(
        "Cannot reach the Spark master "
            + master
            + " ("
            + String.join("; ", problems)
            + ", within "
            + timeoutMillis
            + " ms each). Start the master (sbin/start-master.sh on that host), check the host"
            + " and port in --master (the port of spark://, 7077 by default, not the web UI's"
            + " 8080), and that no firewall is in the way.");
  }
}
