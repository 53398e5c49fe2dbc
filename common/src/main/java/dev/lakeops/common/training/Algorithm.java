package dev.lakeops.common.training;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The learning algorithms a model spec can name, each with the tasks it does and the MLlib
 * hyperparameters it accepts (with their types and ranges). The seed is not a hyperparameter here:
 * it comes from the spec's {@code seed}.
 */
public enum Algorithm {
  LOGISTIC_REGRESSION(EnumSet.of(Task.CLASSIFICATION), true),
  LINEAR_REGRESSION(EnumSet.of(Task.REGRESSION), true),
  DECISION_TREE(EnumSet.of(Task.CLASSIFICATION, Task.REGRESSION), false),
  RANDOM_FOREST(EnumSet.of(Task.CLASSIFICATION, Task.REGRESSION), false),
  /** Gradient-boosted trees; for classification, binary labels only. */
  GBT(EnumSet.of(Task.CLASSIFICATION, Task.REGRESSION), false);

  private final Set<Task> tasks;
  private final boolean linear;

  Algorithm(Set<Task> tasks, boolean linear) {
    this.tasks = tasks;
    this.linear = linear;
  }

  public String key() {
    return Keys.key(this);
  }

  public boolean supports(Task task) {
    return tasks.contains(task);
  }

  /** The tasks this algorithm does, in declaration order. */
  public List<Task> tasks() {
    return List.copyOf(EnumSet.copyOf(tasks));
  }

  /** Linear models benefit from scaled features; trees do not. */
  public boolean isLinear() {
    return linear;
  }

  /** Whether this algorithm can learn more than two classes. */
  public boolean supportsMulticlass() {
    return this != GBT;
  }

  /** The algorithms that do {@code task}. */
  public static List<Algorithm> of(Task task) {
    return java.util.Arrays.stream(values()).filter(a -> a.supports(task)).toList();
  }

  /**
   * The hyperparameters accepted for {@code task}, under their MLlib names. The names are the same
   * for both tasks; only the accepted values of {@code impurity} and {@code lossType} differ.
   */
  public List<ParamDef> params(Task task) {
    List<ParamDef> out = new ArrayList<>();
    switch (this) {
      case LOGISTIC_REGRESSION, LINEAR_REGRESSION -> {
        out.add(ParamDef.integer("maxIter", 0, null));
        out.add(ParamDef.real("regParam", 0.0, null));
        out.add(ParamDef.real("elasticNetParam", 0.0, 1.0));
        out.add(ParamDef.bool("fitIntercept"));
        out.add(ParamDef.bool("standardization"));
        out.add(ParamDef.real("tol", 0.0, null));
        out.add(ParamDef.integer("aggregationDepth", 2, null));
        if (this == LOGISTIC_REGRESSION) {
          out.add(ParamDef.real("threshold", 0.0, 1.0));
          out.add(ParamDef.choice("family", "auto", "binomial", "multinomial"));
        } else {
          out.add(ParamDef.choice("solver", "auto", "normal", "l-bfgs"));
          out.add(ParamDef.choice("loss", "squaredError", "huber"));
          out.add(ParamDef.realAbove("epsilon", 1.0, null));
        }
      }
      case DECISION_TREE, RANDOM_FOREST, GBT -> {
        out.add(ParamDef.integer("maxDepth", 0, 30));
        out.add(ParamDef.integer("maxBins", 2, null));
        out.add(ParamDef.integer("minInstancesPerNode", 1, null));
        out.add(ParamDef.real("minInfoGain", 0.0, null));
        // MLlib: ParamValidators.inRange(0.0, 0.5, lowerInclusive = true, upperInclusive = false).
        out.add(ParamDef.realBelow("minWeightFractionPerNode", 0.0, 0.5));
        out.add(ParamDef.integer("maxMemoryInMB", 1, null));
        if (this != GBT) {
          out.add(
              task == Task.CLASSIFICATION
                  ? ParamDef.choice("impurity", "gini", "entropy")
                  : ParamDef.choice("impurity", "variance"));
        }
        if (this == RANDOM_FOREST) {
          out.add(ParamDef.integer("numTrees", 1, null));
          out.add(ParamDef.bool("bootstrap"));
        }
        if (this == RANDOM_FOREST || this == GBT) {
          out.add(ParamDef.realAbove("subsamplingRate", 0.0, 1.0));
          out.add(ParamDef.featureSubsetStrategy());
        }
        if (this == GBT) {
          out.add(ParamDef.integer("maxIter", 0, null));
          out.add(ParamDef.realAbove("stepSize", 0.0, 1.0));
          out.add(
              task == Task.CLASSIFICATION
                  ? ParamDef.choice("lossType", "logistic")
                  : ParamDef.choice("lossType", "squared", "absolute"));
        }
      }
      default -> throw new IllegalStateException(name());
    }
    return List.copyOf(out);
  }

  /** The hyperparameter {@code name} for {@code task}, if this algorithm accepts it. */
  public Optional<ParamDef> param(Task task, String name) {
    return params(task).stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The names of the accepted hyperparameters for {@code task}. */
  public List<String> paramNames(Task task) {
    return params(task).stream().map(ParamDef::name).toList();
  }

  public static Optional<Algorithm> parse(String text) {
    return Keys.parse(Algorithm.class, text);
  }

  public static List<String> keys() {
    return Keys.keys(Algorithm.class);
  }
}
