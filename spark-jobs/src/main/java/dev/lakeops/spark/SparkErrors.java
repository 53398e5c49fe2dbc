package dev.lakeops.spark;

import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.TrainingPreflight;
import java.util.List;

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

  /** The registry has no such version of the model; the message lists the ones it has. */
  public static LakeOpsException unknownVersion(String model, int version, List<Integer> versions) {
    return new LakeOpsException(
        "Model '" + model + "' has no version " + version + "; its versions are " + versions + ".");
  }
}
