package dev.lakeops.common.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A model to train, as declared in a project's {@code models.yaml}: which training set, which
 * columns, how they are prepared, which algorithm with which hyperparameters, how it is tuned and
 * evaluated. Engine-neutral: the Spark trainer turns it into an MLlib pipeline.
 *
 * <p>The loader resolves every default, so a loaded spec is complete: {@code features} lists the
 * training set's feature columns when the file names none, and {@code categorical} includes every
 * text feature.
 *
 * @param name the model name (a valid table-like name)
 * @param trainingSet the training set it learns from
 * @param keyColumn the training set's entity key column (the random split hashes it)
 * @param label the label column, {@code label} by default
 * @param features the input features, in order
 * @param categorical the features encoded one-hot (string index, then one-hot); a subset of
 *     features
 * @param params fixed MLlib hyperparameters: Integer, Double, Boolean or String values
 * @param grid hyperparameter values to search, in file order; empty for no tuning
 * @param tuning how the grid is searched; null when the grid is empty
 * @param seed the seed of the estimator, the tuning and (by default) the random split
 * @param gate the registry's promotion gate
 * @param onMissingFeatures what serving does with an event whose feature views have no row as of
 *     its time ({@code serving: {on_missing_features: ...}}); {@link
 *     MissingFeatures#DEAD_LETTER_ALL_MISSING} by default
 */
public record ModelSpec(
    String name,
    String trainingSet,
    String keyColumn,
    Task task,
    String label,
    List<String> features,
    List<String> categorical,
    Imputation impute,
    Scaling scale,
    Algorithm algorithm,
    Map<String, Object> params,
    Map<String, List<Object>> grid,
    Tuning tuning,
    Split split,
    long seed,
    Gate gate,
    MissingFeatures onMissingFeatures) {

  /** The default label column of a training set. */
  public static final String DEFAULT_LABEL = "label";

  /** The event time column of every training set. */
  public static final String EVENT_TIME = "event_time";

  public static final long DEFAULT_SEED = 42L;

  public ModelSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(algorithm, "algorithm");
    label = label == null ? DEFAULT_LABEL : label;
    features = List.copyOf(features == null ? List.of() : features);
    categorical = List.copyOf(categorical == null ? List.of() : categorical);
    impute = impute == null ? Imputation.MEAN : impute;
    scale = scale == null ? Scaling.defaultFor(algorithm) : scale;
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params == null ? Map.of() : params));
    Map<String, List<Object>> g = new LinkedHashMap<>();
    if (grid != null) {
      grid.forEach((k, v) -> g.put(k, List.copyOf(v)));
    }
    grid = Collections.unmodifiableMap(g);
    if (grid.isEmpty()) {
      tuning = null; // nothing to search
    } else if (tuning == null) {
      tuning = Tuning.defaults(task);
    }
    split = split == null ? new Split(SplitMethod.TIME, Split.DEFAULT_HOLDOUT, seed) : split;
    gate =
        gate == null
            ? new Gate(tuning == null ? task.defaultMetric() : tuning.metric(), 0.0)
            : gate;
    onMissingFeatures = onMissingFeatures == null ? MissingFeatures.DEFAULT : onMissingFeatures;
  }

  /** A spec with serving's default policy for missing features. */
  public ModelSpec(
      String name,
      String trainingSet,
      String keyColumn,
      Task task,
      String label,
      List<String> features,
      List<String> categorical,
      Imputation impute,
      Scaling scale,
      Algorithm algorithm,
      Map<String, Object> params,
      Map<String, List<Object>> grid,
      Tuning tuning,
      Split split,
      long seed,
      Gate gate) {
    this(
        name,
        trainingSet,
        keyColumn,
        task,
        label,
        features,
        categorical,
        impute,
        scale,
        algorithm,
        params,
        grid,
        tuning,
        split,
        seed,
        gate,
        null);
  }

  /**
   * What streaming serving does with an event for which some of the model's feature views have no
   * row as of the event's time (an unknown entity, rows expired by their TTL, or only rows later
   * than the event). Every prediction records the views that had no row ({@code missing_views}).
   */
  public enum MissingFeatures {
    /**
     * The default: an event with no row in any of the model's views goes to the dead letter (its
     * prediction would come from imputed values only: the same score for every unknown entity); an
     * event missing only some views is scored and flagged.
     */
    DEAD_LETTER_ALL_MISSING,
    /** An event missing any view goes to the dead letter. */
    DEAD_LETTER_ANY_MISSING,
    /** Every event is scored (missing values imputed as in training) and flagged. */
    SCORE_AND_FLAG;

    public static final MissingFeatures DEFAULT = DEAD_LETTER_ALL_MISSING;

    public String key() {
      return Keys.key(this);
    }

    public static Optional<MissingFeatures> parse(String text) {
      return Keys.parse(MissingFeatures.class, text);
    }

    public static List<String> keys() {
      return Keys.keys(MissingFeatures.class);
    }

    /**
     * Whether an event goes to the dead letter.
     *
     * @param missing how many of the model's looked-up views had no row
     * @param views how many views were looked up (0 when no view was needed)
     */
    public boolean deadLetters(int missing, int views) {
      return switch (this) {
        case DEAD_LETTER_ALL_MISSING -> views > 0 && missing == views;
        case DEAD_LETTER_ANY_MISSING -> missing > 0;
        case SCORE_AND_FLAG -> false;
      };
    }
  }

  /** Whether training searches a hyperparameter grid. */
  public boolean tuned() {
    return !grid.isEmpty();
  }

  /** The features that are not categorical (numbers and booleans), in order. */
  public List<String> numericFeatures() {
    return features.stream().filter(f -> !categorical.contains(f)).toList();
  }

  /** The number of models the grid describes (1 without a grid). */
  public int gridSize() {
    int n = 1;
    for (List<Object> values : grid.values()) {
      n *= Math.max(1, values.size());
    }
    return n;
  }

  /** A builder with every default, for code and tests that build specs without a project. */
  public static Builder builder(String name, Task task, Algorithm algorithm) {
    return new Builder(name, task, algorithm);
  }

  /** How missing numeric feature values are filled before training and scoring. */
  public enum Imputation {
    MEAN,
    MEDIAN,
    NONE;

    public String key() {
      return Keys.key(this);
    }

    public static Optional<Imputation> parse(String text) {
      return Keys.parse(Imputation.class, text);
    }

    public static List<String> keys() {
      return Keys.keys(Imputation.class);
    }
  }

  /** How numeric features are scaled: to zero mean and unit variance, to [0, 1], or not. */
  public enum Scaling {
    STANDARD,
    MINMAX,
    NONE;

    public String key() {
      return Keys.key(this);
    }

    /** standard for linear models, none for trees. */
    public static Scaling defaultFor(Algorithm algorithm) {
      return algorithm != null && algorithm.isLinear() ? STANDARD : NONE;
    }

    public static Optional<Scaling> parse(String text) {
      return Keys.parse(Scaling.class, text);
    }

    public static List<String> keys() {
      return Keys.keys(Scaling.class);
    }
  }

  /** How the holdout is chosen. */
  public enum SplitMethod {
    /** The latest rows by event time. */
    TIME,
    /** A reproducible pseudo-random share, from a hash of key, event time and seed. */
    RANDOM;

    public String key() {
      return Keys.key(this);
    }

    public static Optional<SplitMethod> parse(String text) {
      return Keys.parse(SplitMethod.class, text);
    }

    public static List<String> keys() {
      return Keys.keys(SplitMethod.class);
    }
  }

  /**
   * The train/holdout split.
   *
   * @param holdout the share of rows held out, in (0, 1)
   * @param seed the hash seed of a random split
   */
  public record Split(SplitMethod method, double holdout, long seed) {
    public static final double DEFAULT_HOLDOUT = 0.2;
  }

  /** How the grid is searched. */
  public enum TuningMethod {
    TRAIN_VALIDATION_SPLIT,
    CROSS_VALIDATION;

    public String key() {
      return Keys.key(this);
    }

    public static Optional<TuningMethod> parse(String text) {
      return Keys.parse(TuningMethod.class, text);
    }

    public static List<String> keys() {
      return Keys.keys(TuningMethod.class);
    }
  }

  /**
   * The hyperparameter search, on the training split only (the holdout never takes part).
   *
   * @param trainRatio the share of the training split fitted on, for train_validation_split
   * @param folds the number of folds, for cross_validation
   * @param parallelism how many models are fitted at once
   * @param metric the metric the best parameters maximize (or minimize)
   */
  public record Tuning(
      TuningMethod method, double trainRatio, int folds, int parallelism, Metric metric) {
    public static final double DEFAULT_TRAIN_RATIO = 0.8;
    public static final int DEFAULT_FOLDS = 3;

    public static Tuning defaults(Task task) {
      return new Tuning(
          TuningMethod.TRAIN_VALIDATION_SPLIT,
          DEFAULT_TRAIN_RATIO,
          DEFAULT_FOLDS,
          1,
          task == null ? Metric.AUC_ROC : task.defaultMetric());
    }
  }

  /**
   * The registry's promotion gate: a challenger replaces the champion when it improves {@code
   * metric} on the same holdout by at least {@code minImprovement} (in the metric's good direction;
   * negative values tolerate a small loss). The comparison is {@code >=}: with 0, a challenger that
   * ties the champion exactly (e.g. the same config retrained on the same data) is accepted; a
   * positive margin requires a strict gain.
   */
  public record Gate(Metric metric, double minImprovement) {
    public boolean passes(double champion, double challenger) {
      return metric.improvement(champion, challenger) >= minImprovement;
    }
  }

  /** Builds a {@link ModelSpec}; unset fields get the loader's defaults. */
  public static final class Builder {
    private final String name;
    private final Task task;
    private final Algorithm algorithm;
    private String trainingSet;
    private String keyColumn;
    private String label = DEFAULT_LABEL;
    private List<String> features = new ArrayList<>();
    private List<String> categorical = new ArrayList<>();
    private Imputation impute;
    private Scaling scale;
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final Map<String, List<Object>> grid = new LinkedHashMap<>();
    private Tuning tuning;
    private Split split;
    private long seed = DEFAULT_SEED;
    private Gate gate;
    private MissingFeatures onMissingFeatures;

    private Builder(String name, Task task, Algorithm algorithm) {
      this.name = name;
      this.task = task;
      this.algorithm = algorithm;
      this.trainingSet = name;
    }

    public Builder trainingSet(String trainingSet) {
      this.trainingSet = trainingSet;
      return this;
    }

    public Builder keyColumn(String keyColumn) {
      this.keyColumn = keyColumn;
      return this;
    }

    public Builder label(String label) {
      this.label = label;
      return this;
    }

    public Builder features(List<String> features) {
      this.features = new ArrayList<>(features);
      return this;
    }

    public Builder categorical(List<String> categorical) {
      this.categorical = new ArrayList<>(categorical);
      return this;
    }

    public Builder impute(Imputation impute) {
      this.impute = impute;
      return this;
    }

    public Builder scale(Scaling scale) {
      this.scale = scale;
      return this;
    }

    public Builder param(String name, Object value) {
      params.put(name, value);
      return this;
    }

    public Builder grid(String name, List<?> values) {
      grid.put(name, new ArrayList<>(values));
      return this;
    }

    public Builder tuning(Tuning tuning) {
      this.tuning = tuning;
      return this;
    }

    public Builder split(Split split) {
      this.split = split;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder gate(Gate gate) {
      this.gate = gate;
      return this;
    }

    public Builder onMissingFeatures(MissingFeatures onMissingFeatures) {
      this.onMissingFeatures = onMissingFeatures;
      return this;
    }

    public ModelSpec build() {
      return new ModelSpec(
          name,
          trainingSet,
          keyColumn,
          task,
          label,
          features,
          categorical,
          impute,
          scale,
          algorithm,
          params,
          grid,
          tuning,
          split,
          seed,
          gate,
          onMissingFeatures);
    }
  }
}
