package dev.lakeops.common.training;

import java.util.List;
import java.util.Optional;

/** What a model predicts: a class (labels 0, 1, ...) or a number. */
public enum Task {
  CLASSIFICATION,
  REGRESSION;

  public String key() {
    return Keys.key(this);
  }

  /** The metric used when a spec names none: auc_roc for classification, rmse for regression. */
  public Metric defaultMetric() {
    return this == CLASSIFICATION ? Metric.AUC_ROC : Metric.RMSE;
  }

  public static Optional<Task> parse(String text) {
    return Keys.parse(Task.class, text);
  }

  public static List<String> keys() {
    return Keys.keys(Task.class);
  }
}
