package dev.lakeops.common.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What MLlib would refuse, found before any engine starts: one place for the rules, used by the
 * configuration loader (so {@code mlops validate} reports them with file, field and line) and by
 * the Spark trainer at its start (for specs built in code), and, for the rules that depend on the
 * data, by the trainer's first pass over the training set, before any fitting.
 *
 * <p>Sources of the rules (Spark 4.x MLlib): every predictor reads its rows through {@code
 * DatasetUtils.extractInstances}, which raises "Vector values MUST NOT be NaN or Infinity" for any
 * NaN or infinite feature value; classifiers accept labels 0, 1, 2, ... only, and tree classifiers
 * infer at most 100 classes from the data ({@code getNumClasses}); GBT classifies two classes;
 * {@code family: binomial} fits one or two classes; the Imputer cannot compute a surrogate for a
 * column whose values are all missing; {@code LinearRegression} with {@code loss: huber} takes L2
 * regularisation only and not the normal solver; parameter ranges are those of MLlib's {@code
 * ParamValidators} ({@link Algorithm#params}).
 */
public final class TrainingPreflight {
  /** Tree classifiers infer at most this many classes from the label values (MLlib's limit). */
  public static final int MAX_INFERRED_CLASSES = 100;

  private TrainingPreflight() {}

  /** The kind of a training-set column, as far as a model cares. */
  public enum ColumnKind {
    /** Integer or floating-point numbers. */
    NUMERIC,
    BOOLEAN,
    TEXT,
    /** Anything else (timestamps, dates, arrays, ...): no model input. */
    OTHER
  }

  /**
   * One thing MLlib would refuse.
   *
   * @param field the field of the model's entry in {@code models.yaml}, dotted for nested fields
   *     (e.g. {@code impute}, {@code params.minWeightFractionPerNode}, {@code grid.maxDepth})
   * @param problem what is wrong, with what was expected and what was found
   * @param fix what to change
   */
  public record Finding(String field, String problem, String fix) {
    /** One line: the model, the field, the problem and the fix. */
    public String describe(String model) {
      return "model '" + model + "' at '" + field + "': " + problem + " Fix: " + fix;
    }
  }

  /**
   * The checks that need only the spec and the training set's column kinds.
   *
   * @param columns the kind of each training-set column, by name (features and the label); a
   *     feature missing from it is reported as unknown
   * @return the findings, empty when MLlib would accept the spec; never null
   */
  public static List<Finding> check(ModelSpec spec, Map<String, ColumnKind> columns) {
    List<Finding> out = new ArrayList<>();
    if (!spec.algorithm().supports(spec.task())) {
      out.add(
          new Finding(
              "algorithm",
              "algorithm '" + spec.algorithm().key() + "' does not do " + spec.task().key() + ".",
              "use one of "
                  + Algorithm.of(spec.task()).stream().map(Algorithm::key).toList()
                  + ", or change the task."));
      return out; // the parameter definitions below depend on a supported task
    }
    features(spec, columns, out);
    label(spec, columns, out);
    impute(spec, columns, out);
    params(spec, out);
    tuning(spec, out);
    split(spec, out);
    return out;
  }

  /**
   * Throws the findings of {@link #check} as one {@link IllegalArgumentException} listing them all.
   *
   * @throws IllegalArgumentException when there is any finding
   */
  public static void require(ModelSpec spec, Map<String, ColumnKind> columns) {
    List<Finding> findings = check(spec, columns);
    if (!findings.isEmpty()) {
      throw new IllegalArgumentException(describe(spec, findings));
    }
  }

  /** The findings as one message naming the model. */
  public static String describe(ModelSpec spec, List<Finding> findings) {
    StringBuilder b = new StringBuilder("Model '" + spec.name() + "' would be refused by MLlib:");
    for (Finding f : findings) {
      b.append(System.lineSeparator()).append("  ").append(f.describe(spec.name()));
    }
    return b.toString();
  }

  // ---- rules on the data (the trainer's first pass) -------------------------------------

  /**
   * The facts of the trainer's first pass over the labeled rows of a classification model.
   *
   * @param minLabel the smallest label
   * @param maxLabel the largest label
   * @param fractionalLabels how many labels are not whole numbers
   */
  public record LabelFacts(double minLabel, double maxLabel, long fractionalLabels) {
    /** The number of classes MLlib infers: the largest label + 1. */
    public int numClasses() {
      return (int) Math.min(Integer.MAX_VALUE, (long) maxLabel + 1);
    }
  }

  /**
   * The classification rules that depend on the label values: labels 0, 1, 2, ...; at least two
   * classes; two classes for GBT, {@code family: binomial} and the AUC metrics; at most {@value
   * #MAX_INFERRED_CLASSES} for the tree classifiers.
   *
   * @return the findings, empty when MLlib accepts the labels
   */
  public static List<Finding> checkLabels(ModelSpec spec, LabelFacts facts) {
    List<Finding> out = new ArrayList<>();
    if (spec.task() != Task.CLASSIFICATION) {
      return out;
    }
    if (facts.minLabel() < 0 || facts.fractionalLabels() > 0) {
      out.add(
          new Finding(
              "label",
              "the model does classification, but its label '"
                  + spec.label()
                  + "' has "
                  + (facts.minLabel() < 0
                      ? "negative values (min " + facts.minLabel() + ")"
                      : facts.fractionalLabels() + " non-whole values")
                  + "; class labels must be 0, 1, 2, ...",
              "use task: regression, or a label such as if(x > 0, 1, 0)."));
      return out;
    }
    int classes = facts.numClasses();
    if (classes < 2) {
      out.add(
          new Finding(
              "label",
              "the model does classification, but every labeled row has class 0: there is"
                  + " nothing to tell apart.",
              "check the label definition in labels.yaml, or use more data."));
      return out;
    }
    if (classes <= 2) {
      return out;
    }
    String found = "the labels go up to " + (long) facts.maxLabel() + " (" + classes + " classes)";
    if (!spec.algorithm().supportsMulticlass()) {
      out.add(
          new Finding(
              "algorithm",
              spec.algorithm().key() + " classifies two classes (0 and 1) only, but " + found + ".",
              "use logistic_regression, decision_tree or random_forest."));
    }
    if ("binomial".equals(spec.params().get("family"))
        || spec.grid().getOrDefault("family", List.of()).contains("binomial")) {
      out.add(
          new Finding(
              "params.family",
              "family 'binomial' fits two classes only, but " + found + ".",
              "use family: multinomial or auto."));
    }
    if (spec.tuning() != null && spec.tuning().metric().binaryOnly()) {
      out.add(
          new Finding(
              "tuning.metric",
              spec.tuning().metric().key() + " needs binary labels, but " + found + ".",
              "tune on accuracy, f1 or log_loss."));
    }
    if (spec.gate().metric().binaryOnly()) {
      out.add(
          new Finding(
              "gate.metric",
              spec.gate().metric().key() + " needs binary labels, but " + found + ".",
              "gate on accuracy, f1 or log_loss."));
    }
    if ((spec.algorithm() == Algorithm.DECISION_TREE || spec.algorithm() == Algorithm.RANDOM_FOREST)
        && classes > MAX_INFERRED_CLASSES) {
      out.add(
          new Finding(
              "label",
              spec.algorithm().key()
                  + " infers at most "
                  + MAX_INFERRED_CLASSES
                  + " classes from the label values, but "
                  + found
                  + ".",
              "use logistic_regression, or fewer classes."));
    }
    return out;
  }

  /**
   * The rules on the numeric (non-categorical) feature values of the training split: none may be
   * infinite (MLlib refuses infinite vector values, and the imputers keep them), and with {@code
   * impute: mean} or {@code median} each needs at least one present value, or the imputer cannot
   * compute its surrogate.
   *
   * @param infinite the number of ±Infinity values per numeric feature (absent means 0)
   * @param present the number of values neither null nor NaN per numeric feature (absent means 0)
   */
  public static List<Finding> checkValues(
      ModelSpec spec, Map<String, Long> infinite, Map<String, Long> present) {
    List<Finding> out = new ArrayList<>();
    for (String f : spec.numericFeatures()) {
      long inf = infinite.getOrDefault(f, 0L);
      if (inf > 0) {
        out.add(
            new Finding(
                "features",
                "feature '"
                    + f
                    + "' is infinite in "
                    + inf
                    + " training rows; MLlib refuses infinite feature values (\"Vector values"
                    + " MUST NOT be NaN or Infinity\") and imputation does not replace them.",
                "bound the feature's expression in feature_views.yaml (e.g. with least/greatest),"
                    + " or leave the feature out of the model."));
      }
      if (spec.impute() != ModelSpec.Imputation.NONE && present.getOrDefault(f, 0L) == 0) {
        out.add(
            new Finding(
                "features",
                "feature '"
                    + f
                    + "' is missing (null or NaN) in every training row, so impute: "
                    + spec.impute().key()
                    + " has no value to fill it with.",
                "leave the feature out of the model, or check its view and TTL: the"
                    + " point-in-time join finds no row for any label."));
      }
    }
    return out;
  }

  // ---- static rules ---------------------------------------------------------------------

  private static void features(ModelSpec spec, Map<String, ColumnKind> columns, List<Finding> out) {
    if (spec.features().isEmpty()) {
      out.add(
          new Finding(
              "features",
              "the model has no features.",
              "list features of the training set, or leave 'features' out for all of them."));
    }
    for (String f : spec.features()) {
      ColumnKind kind = columns.get(f);
      if (kind == null) {
        out.add(
            new Finding(
                "features",
                "unknown feature '" + f + "'; the training set has " + columns.keySet() + ".",
                "use a column of the training set."));
      } else if (kind == ColumnKind.OTHER) {
        out.add(
            new Finding(
                "features",
                "feature '"
                    + f
                    + "' is neither a number, a boolean nor text; a model takes those"
                    + " only.",
                "leave it out of the model's features."));
      } else if (kind == ColumnKind.TEXT && !spec.categorical().contains(f)) {
        out.add(
            new Finding(
                "categorical",
                "feature '"
                    + f
                    + "' is text, and MLlib takes numbers only; text enters a model through a"
                    + " string indexer and one-hot encoder, i.e. as a categorical feature.",
                "list '" + f + "' under categorical."));
      }
    }
    for (String c : spec.categorical()) {
      if (!spec.features().contains(c)) {
        out.add(
            new Finding(
                "categorical",
                "categorical feature '" + c + "' is not one of the model's features.",
                "list features of the model only."));
      }
    }
  }

  private static void label(ModelSpec spec, Map<String, ColumnKind> columns, List<Finding> out) {
    ColumnKind kind = columns.get(spec.label());
    if (kind == null) {
      out.add(
          new Finding(
              "label",
              "unknown label column '" + spec.label() + "'.",
              "use 'label' (the training set's label) or a numeric feature column."));
    } else if (kind != ColumnKind.NUMERIC) {
      out.add(
          new Finding(
              "label",
              "the label '"
                  + spec.label()
                  + "' is "
                  + (kind == ColumnKind.BOOLEAN
                      ? "a boolean"
                      : kind == ColumnKind.TEXT ? "text" : "not a number")
                  + "; MLlib's estimators take a numeric label column only.",
              "use 'label' (labels.yaml turns true/false into 1/0), or a numeric feature."));
    }
  }

  private static void impute(ModelSpec spec, Map<String, ColumnKind> columns, List<Finding> out) {
    if (spec.impute() != ModelSpec.Imputation.NONE) {
      return;
    }
    List<String> numeric =
        spec.numericFeatures().stream()
            .filter(f -> columns.get(f) != ColumnKind.TEXT && columns.get(f) != ColumnKind.OTHER)
            .toList();
    if (numeric.isEmpty()) {
      return;
    }
    out.add(
        new Finding(
            "impute",
            "impute: none keeps a missing value of the numeric features "
                + numeric
                + " as NaN, and "
                + spec.algorithm().key()
                + " (like every MLlib estimator) refuses NaN feature values (\"Vector values MUST"
                + " NOT be NaN or Infinity\"). Every training-set feature can be missing: the"
                + " point-in-time join leaves it null when the view has no row within its TTL.",
            "use impute: mean or impute: median, or list these features under categorical (a"
                + " missing value then gets its own slot)."));
  }

  private static void params(ModelSpec spec, List<Finding> out) {
    spec.params()
        .forEach(
            (name, value) -> checkParam(spec, "params." + name, name, value).ifPresent(out::add));
    spec.grid()
        .forEach(
            (name, values) -> {
              String field = "grid." + name;
              if (values.isEmpty()) {
                out.add(
                    new Finding(
                        field,
                        "the grid of " + name + " has no values: there is no model to fit.",
                        "list at least one value, or remove " + name + " from the grid."));
              }
              if (spec.params().containsKey(name)) {
                out.add(
                    new Finding(
                        field,
                        name + " is set both in 'params' and in 'grid'.",
                        "keep it in one place: 'params' for a fixed value, 'grid' for values to"
                            + " search."));
              }
              for (Object v : values) {
                checkParam(spec, field, name, v).ifPresent(out::add);
              }
            });
    if (spec.algorithm() == Algorithm.LINEAR_REGRESSION) {
      // LinearRegression.train: huber loss requires elasticNetParam == 0 and a solver other than
      // normal.
      if (values(spec, "loss").contains("huber")) {
        for (Object v : values(spec, "elasticNetParam")) {
          if (v instanceof Number n && n.doubleValue() != 0.0) {
            out.add(
                new Finding(
                    field(spec, "elasticNetParam"),
                    "loss huber takes L2 regularisation only (elasticNetParam 0), got "
                        + "elasticNetParam "
                        + v
                        + ".",
                    "set elasticNetParam to 0.0, or use loss: squaredError."));
          }
        }
        if (values(spec, "solver").contains("normal")) {
          out.add(
              new Finding(
                  field(spec, "solver"),
                  "loss huber does not work with the normal solver.",
                  "use solver: auto or l-bfgs, or loss: squaredError."));
        }
      }
    }
  }

  /** The values a parameter takes: its fixed value, or its grid values, or none. */
  private static List<Object> values(ModelSpec spec, String name) {
    if (spec.params().containsKey(name)) {
      return List.of(spec.params().get(name));
    }
    return spec.grid().getOrDefault(name, List.of());
  }

  private static String field(ModelSpec spec, String name) {
    return spec.grid().containsKey(name) ? "grid." + name : "params." + name;
  }

  private static Optional<Finding> checkParam(
      ModelSpec spec, String field, String name, Object value) {
    Optional<ParamDef> def = spec.algorithm().param(spec.task(), name);
    if (def.isEmpty()) {
      return Optional.of(
          new Finding(
              field,
              "unknown parameter '"
                  + name
                  + "' for "
                  + spec.algorithm().key()
                  + " ("
                  + spec.task().key()
                  + "); accepted parameters are "
                  + spec.algorithm().paramNames(spec.task())
                  + ".",
              name.equals("seed")
                  ? "set the seed with the model's 'seed' field."
                  : "use one of the accepted parameters (MLlib names, case-sensitive)."));
    }
    Object v = value;
    if (def.get().type() == ParamDef.Type.DOUBLE && value instanceof Number n) {
      v = n.doubleValue(); // an integer written for a double parameter is fine
    }
    return def.get().check(v).map(p -> new Finding(field, p, "use " + def.get().expected() + "."));
  }

  private static void tuning(ModelSpec spec, List<Finding> out) {
    ModelSpec.Tuning t = spec.tuning();
    if (t == null) {
      return;
    }
    if (t.method() == ModelSpec.TuningMethod.CROSS_VALIDATION && t.folds() < 2) {
      out.add(
          new Finding(
              "tuning.folds",
              "cross validation needs at least 2 folds, got " + t.folds() + ".",
              "use folds: 3 (or more)."));
    }
    if (t.method() == ModelSpec.TuningMethod.TRAIN_VALIDATION_SPLIT
        && !(t.trainRatio() > 0 && t.trainRatio() < 1)) {
      out.add(
          new Finding(
              "tuning.train_ratio",
              "train_ratio must be between 0 and 1 (exclusive), got " + t.trainRatio() + ".",
              "use e.g. 0.8."));
    }
    if (t.parallelism() < 1) {
      out.add(
          new Finding(
              "tuning.parallelism",
              "parallelism must be >= 1, got " + t.parallelism() + ".",
              "use 1 or more."));
    }
    if (t.metric().task() != spec.task()) {
      out.add(
          new Finding(
              "tuning.metric",
              "metric '" + t.metric().key() + "' is not a " + spec.task().key() + " metric.",
              "use one of " + Metric.keys(spec.task()) + "."));
    }
  }

  private static void split(ModelSpec spec, List<Finding> out) {
    if (spec.gate().metric().task() != spec.task()) {
      out.add(
          new Finding(
              "gate.metric",
              "metric '"
                  + spec.gate().metric().key()
                  + "' is not a "
                  + spec.task().key()
                  + " metric.",
              "use one of " + Metric.keys(spec.task()) + "."));
    }
    if (!Double.isFinite(spec.gate().minImprovement())) {
      out.add(
          new Finding(
              "gate.min_improvement",
              "min_improvement must be a finite number, got " + spec.gate().minImprovement() + ".",
              "use e.g. 0.0."));
    }
    double h = spec.split().holdout();
    if (!(h > 0 && h < 1)) {
      out.add(
          new Finding(
              "split.holdout",
              "holdout must be a share between 0 and 1 (exclusive), got " + h + ".",
              "use e.g. 0.2."));
    }
    if (spec.split().method() == ModelSpec.SplitMethod.RANDOM && spec.keyColumn() == null) {
      out.add(
          new Finding(
              "split.method",
              "a random split hashes the entity key, but the spec names no key column.",
              "set keyColumn (the loader sets it from the training set's entity)."));
    }
  }
}
