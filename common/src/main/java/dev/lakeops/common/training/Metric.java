package dev.lakeops.common.training;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A holdout metric. Classification: {@code auc_roc} and {@code auc_pr} (binary only, from the
 * positive class's score), {@code accuracy}, {@code log_loss} (mean negative log-likelihood of the
 * true class) and {@code f1} (of the positive class 1 for binary labels, weighted over classes
 * otherwise). Regression: {@code rmse}, {@code mae} and {@code r2}.
 */
public enum Metric {
  AUC_ROC(Task.CLASSIFICATION, true),
  AUC_PR(Task.CLASSIFICATION, true),
  ACCURACY(Task.CLASSIFICATION, true),
  LOG_LOSS(Task.CLASSIFICATION, false),
  F1(Task.CLASSIFICATION, true),
  RMSE(Task.REGRESSION, false),
  MAE(Task.REGRESSION, false),
  R2(Task.REGRESSION, true);

  private final Task task;
  private final boolean higherIsBetter;

  Metric(Task task, boolean higherIsBetter) {
    this.task = task;
    this.higherIsBetter = higherIsBetter;
  }

  public String key() {
    return Keys.key(this);
  }

  public Task task() {
    return task;
  }

  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /** Whether this metric needs binary labels (0 and 1). */
  public boolean binaryOnly() {
    return this == AUC_ROC || this == AUC_PR;
  }

  /**
   * How much better {@code challenger} is than {@code champion}: positive when it is better,
   * whichever direction the metric improves in.
   */
  public double improvement(double champion, double challenger) {
    return higherIsBetter ? challenger - champion : champion - challenger;
  }

  /** The metrics of a task, in declaration order. */
  public static List<Metric> of(Task task) {
    return Arrays.stream(values()).filter(m -> m.task == task).toList();
  }

  public static List<String> keys(Task task) {
    return of(task).stream().map(Metric::key).toList();
  }

  public static Optional<Metric> parse(String text) {
    return Keys.parse(Metric.class, text);
  }

  public static List<String> keys() {
    return Keys.keys(Metric.class);
  }
}
