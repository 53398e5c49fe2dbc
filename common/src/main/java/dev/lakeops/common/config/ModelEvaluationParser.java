package dev.lakeops.common.config;

import static dev.lakeops.common.config.ModelFields.parse;
import static dev.lakeops.common.config.ModelFields.whole;

import dev.lakeops.common.training.Metric;
import dev.lakeops.common.training.ModelSpec.Gate;
import dev.lakeops.common.training.ModelSpec.Split;
import dev.lakeops.common.training.ModelSpec.SplitMethod;
import dev.lakeops.common.training.ModelSpec.Tuning;
import dev.lakeops.common.training.ModelSpec.TuningMethod;
import dev.lakeops.common.training.Task;
import java.util.List;
import java.util.Optional;

/** How a model is tuned, split and judged: its {@code tuning}, {@code split} and {@code gate}. */
final class ModelEvaluationParser {
  private ModelEvaluationParser() {}

  static Tuning tuning(ConfigNode n, Task task, boolean noGrid) {
    Tuning defaults = Tuning.defaults(task);
    if (!n.isPresent()) {
      return defaults;
    }
    n.checkKeys(List.of("method", "train_ratio", "folds", "parallelism", "metric"));
    if (noGrid) {
      n.problem(
          "'tuning' is set but the model has no 'grid': there is nothing to tune.",
          "add a grid such as 'grid: {regParam: [0.0, 0.01]}', or remove 'tuning'.");
    }
    TuningMethod method =
        parse(
                n.get("method"),
                n.get("method").text(),
                TuningMethod::parse,
                "tuning method",
                TuningMethod.keys())
            .orElse(defaults.method());
    double ratio = defaults.trainRatio();
    Optional<Double> r = n.get("train_ratio").number();
    if (r.isPresent()) {
      if (r.get() <= 0 || r.get() >= 1) {
        n.get("train_ratio")
            .problem(
                "train_ratio must be between 0 and 1 (exclusive), got " + r.get() + ".",
                "write e.g. 0.8 to fit on 80% of the training split and validate on the rest.");
      } else {
        ratio = r.get();
      }
    }
    int folds =
        whole(n.get("folds"), 2, "the number of folds")
            .map(Long::intValue)
            .orElse(defaults.folds());
    int parallelism =
        whole(n.get("parallelism"), 1, "the number of models fitted at once")
            .map(Long::intValue)
            .orElse(1);
    Metric metric = metric(n.get("metric"), task).orElse(defaults.metric());
    return new Tuning(method, ratio, folds, parallelism, metric);
  }

  static Split split(ConfigNode n, long seed) {
    if (!n.isPresent()) {
      return new Split(SplitMethod.TIME, Split.DEFAULT_HOLDOUT, seed);
    }
    n.checkKeys(List.of("method", "holdout", "seed"));
    SplitMethod method =
        parse(
                n.get("method"),
                n.get("method").text(),
                SplitMethod::parse,
                "split method",
                SplitMethod.keys())
            .orElse(SplitMethod.TIME);
    double holdout = Split.DEFAULT_HOLDOUT;
    Optional<Double> h = n.get("holdout").number();
    if (h.isPresent()) {
      if (h.get() <= 0 || h.get() >= 1) {
        n.get("holdout")
            .problem(
                "holdout must be a share between 0 and 1 (exclusive), got " + h.get() + ".",
                "write e.g. 0.2 to hold out 20% of the rows.");
        return null;
      }
      holdout = h.get();
    }
    long splitSeed = whole(n.get("seed"), Long.MIN_VALUE, "the seed").orElse(seed);
    return new Split(method, holdout, splitSeed);
  }

  static Gate gate(ConfigNode n, Task task, Tuning tuning) {
    Metric fallback =
        tuning != null ? tuning.metric() : task == null ? Metric.AUC_ROC : task.defaultMetric();
    if (!n.isPresent()) {
      return new Gate(fallback, 0.0);
    }
    n.checkKeys(List.of("metric", "min_improvement"));
    Metric metric = metric(n.get("metric"), task).orElse(fallback);
    double min = n.get("min_improvement").number().orElse(0.0);
    return new Gate(metric, min);
  }

  private static Optional<Metric> metric(ConfigNode n, Task task) {
    Optional<String> text = n.text();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Optional<Metric> parsed = Metric.parse(text.get());
    if (parsed.isEmpty()) {
      n.problem(
          "unknown metric '"
              + text.get()
              + "'; expected one of "
              + (task == null ? Metric.keys() : Metric.keys(task))
              + ".",
          "use one of the accepted metrics.");
      return Optional.empty();
    }
    if (task != null && parsed.get().task() != task) {
      n.problem(
          "metric '"
              + text.get()
              + "' is a "
              + parsed.get().task().key()
              + " metric, but the model does "
              + task.key()
              + "; expected one of "
              + Metric.keys(task)
              + ".",
          "use one of the accepted metrics.");
      return Optional.empty();
    }
    return parsed;
  }
}
