package dev.lakeops.common.monitoring;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every statistic the monitoring job computes, by the name it has in the {@code drift_<model>} and
 * {@code performance_<model>} tables, in {@code monitoring.yaml} rules and in the report.
 *
 * <p>{@link Kind#DRIFT} statistics compare one model input (or the prediction) in a window with the
 * model's reference profile; {@link Kind#PERFORMANCE} statistics compare the window's predictions
 * with their delayed labels. {@link #breachedAbove()} says which side of a threshold is bad: true
 * for distances (PSI, KS, ...), false for p-values and accuracies.
 */
public enum Statistic {
  /** Population stability index over the reference's decile bins (finite with empty bins). */
  PSI(Kind.DRIFT, true),
  /** Two-sample Kolmogorov-Smirnov statistic D = sup |F_ref(x) − F_window(x)|. */
  KS_STATISTIC(Kind.DRIFT, true),
  /** The p-value of {@link #KS_STATISTIC} (small is a shift). */
  KS_P_VALUE(Kind.DRIFT, false),
  /** Jensen-Shannon distance (base 2, in [0, 1]), numeric over bins or categorical over values. */
  JENSEN_SHANNON(Kind.DRIFT, true),
  /** Wasserstein-1 (earth mover's) distance, in the feature's own unit. */
  WASSERSTEIN(Kind.DRIFT, true),
  /** {@link #WASSERSTEIN} divided by the reference's standard deviation. */
  WASSERSTEIN_NORMALIZED(Kind.DRIFT, true),
  /** Pearson's chi-square statistic of the window's category counts against the reference's. */
  CHI_SQUARE(Kind.DRIFT, true),
  /** The p-value of {@link #CHI_SQUARE} (small is a shift). */
  CHI_SQUARE_P_VALUE(Kind.DRIFT, false),
  /** The share of the window's rows with no value for the input. */
  MISSING_RATE(Kind.DRIFT, true),
  /** The share of values outside the reference's [min, max], or categories it never saw. */
  OUT_OF_RANGE_RATE(Kind.DRIFT, true),

  /** The share of labelled predictions that were right (classification). */
  ACCURACY(Kind.PERFORMANCE, false),
  /** Cohen's kappa: (acc − p_chance) / (1 − p_chance). */
  KAPPA(Kind.PERFORMANCE, false),
  /** The accuracy of the no-change classifier (predict the previous label of the stream). */
  ACCURACY_NO_CHANGE(Kind.PERFORMANCE, false),
  /** (acc − acc_nochange) / (1 − acc_nochange) (Žliobaitė et al. 2015). */
  KAPPA_TEMPORAL(Kind.PERFORMANCE, false),
  /** Area under the ROC curve of the positive-class probability (binary classification). */
  AUC(Kind.PERFORMANCE, false),
  /** Mean negative log-likelihood of the true class. */
  LOG_LOSS(Kind.PERFORMANCE, true),
  /** Root mean squared error (regression). */
  RMSE(Kind.PERFORMANCE, true),
  /** Mean absolute error (regression). */
  MAE(Kind.PERFORMANCE, true),
  /** Predictions of the window whose label arrived (a count). */
  LABELLED(Kind.PERFORMANCE, false),
  /** Predictions whose label never came before the label TTL ran out (a count). */
  LABELS_EXPIRED(Kind.PERFORMANCE, true),
  /** Labels that matched no prediction (a count). */
  LABELS_UNMATCHED(Kind.PERFORMANCE, true);

  /** What a statistic compares. */
  public enum Kind {
    DRIFT,
    PERFORMANCE
  }

  private final Kind kind;
  private final boolean breachedAbove;

  Statistic(Kind kind, boolean breachedAbove) {
    this.kind = kind;
    this.breachedAbove = breachedAbove;
  }

  public Kind kind() {
    return kind;
  }

  /** True when values above a threshold are a breach; false when values below are. */
  public boolean breachedAbove() {
    return breachedAbove;
  }

  /** Whether {@code value} breaches {@code threshold}; NaN never breaches. */
  public boolean breaches(double value, double threshold) {
    if (Double.isNaN(value)) {
      return false;
    }
    return breachedAbove ? value > threshold : value < threshold;
  }

  /** The name used in tables and config: lower snake case, e.g. {@code ks_p_value}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The statistic named {@code key} (case-insensitive), or empty. */
  public static Optional<Statistic> byKey(String key) {
    return Arrays.stream(values()).filter(s -> s.key().equalsIgnoreCase(key)).findFirst();
  }

  /** The names of all statistics of a kind, comma-separated, for error messages. */
  public static String keys(Kind kind) {
    return Arrays.stream(values())
        .filter(s -> s.kind == kind)
        .map(Statistic::key)
        .collect(Collectors.joining(", "));
  }
}
