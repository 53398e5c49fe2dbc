package dev.lakeops.common.monitoring.performance;

import dev.lakeops.common.monitoring.Statistic;
import dev.lakeops.common.monitoring.WindowStatistic;
import dev.lakeops.common.training.ExactAuc;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live-accuracy state of one window of one model version: what its labelled predictions, its
 * expired predictions and its unmatched labels add up to. Engine-free, {@link Serializable} and
 * mergeable ({@link #merge}), so a streaming job keeps one per window in keyed state and a sliding
 * window can be built from panes; the statistics ({@link #statistics}) are the same whatever the
 * order the outcomes were added or merged in (up to floating-point rounding of the sums).
 *
 * <p>Classification (a prediction with class probabilities): {@link Statistic#ACCURACY}, {@link
 * Statistic#KAPPA} (Cohen 1960: (p_o − p_e) / (1 − p_e), p_e = Σ_c p_pred(c)·p_label(c)), {@link
 * Statistic#ACCURACY_NO_CHANGE} and {@link Statistic#KAPPA_TEMPORAL} (Žliobaitė, Bifet, Read,
 * Pfahringer, Holmes 2015, "Evaluation methods and decision theory for classification of streaming
 * data with temporal dependence": (acc − acc_nc) / (1 − acc_nc), where the no-change classifier
 * predicts the previous label of the time-ordered stream), {@link Statistic#AUC} (binary only: the
 * exact Mann-Whitney AUC of the class-1 probability, {@link ExactAuc}; this keeps one counter pair
 * per distinct score, so its size grows with the window's distinct probabilities) and {@link
 * Statistic#LOG_LOSS} (mean of −ln p(true class), p clipped to [{@link #LOG_LOSS_EPSILON}, 1 −
 * {@link #LOG_LOSS_EPSILON}] so a confident mistake costs ≈ 34.5 nats instead of infinity; a label
 * that is no class index of the probability vector counts as probability {@code ε}).
 *
 * <p>Regression (a prediction without probabilities): {@link Statistic#RMSE} and {@link
 * Statistic#MAE}. The counts {@link Statistic#LABELLED}, {@link Statistic#LABELS_EXPIRED} and
 * {@link Statistic#LABELS_UNMATCHED} are always emitted.
 *
 * <p>A statistic the window cannot define is NaN: kappa when p_e = 1 (one class predicted and
 * true), kappa-temporal when acc_nc = 1 or no labelled prediction had a previous label, AUC with
 * one class only. Not thread-safe.
 */
public final class PerformanceAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Probabilities are clipped to [ε, 1 − ε] before the logarithm of the log loss; ε = 1e-15, the
   * value scikit-learn's {@code log_loss} used by default, so our figures compare with its.
   */
  public static final double LOG_LOSS_EPSILON = 1e-15;

  private long labelled;
  private long expired;
  private long unmatched;

  // classification
  private long classified;
  private long correct;
  private final TreeMap<Double, Long> predicted = new TreeMap<>();
  private final TreeMap<Double, Long> actual = new TreeMap<>();
  private long withPrevious;
  private long noChangeCorrect;
  private long logLossRows;
  private double logLossSum;
  private boolean binary = true;

  /** Class-1 probability -> {positives, negatives} (binary classification). */
  private final TreeMap<Double, long[]> scores = new TreeMap<>();

  // regression
  private long regressed;
  private double squaredErrorSum;
  private double absoluteErrorSum;

  /**
   * Adds one labelled prediction of a classifier.
   *
   * @param prediction the predicted class index (0.0, 1.0, ...)
   * @param label the true class index
   * @param probability the class probabilities (index = class), or null when the model gave none
   *     (then no AUC or log loss is kept for it)
   * @param previousLabel the label before this one in the model's stream ordered by event time (the
   *     no-change classifier's prediction), or null for the stream's first labelled prediction
   */
  public PerformanceAccumulator addClassified(
      double prediction, double label, double[] probability, Double previousLabel) {
    labelled++;
    classified++;
    if (prediction == label) {
      correct++;
    }
    predicted.merge(prediction, 1L, Long::sum);
    actual.merge(label, 1L, Long::sum);
    if (previousLabel != null) {
      withPrevious++;
      if (previousLabel == label) {
        noChangeCorrect++;
      }
    }
    if (probability != null) {
      int index = (int) label;
      double p =
          index == label && index >= 0 && index < probability.length
              ? probability[index]
              : LOG_LOSS_EPSILON;
      p = Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, p));
      logLossSum += -Math.log(p);
      logLossRows++;
      if (probability.length == 2 && (label == 0.0 || label == 1.0)) {
        long[] counts = scores.computeIfAbsent(probability[1], k -> new long[2]);
        counts[label == 1.0 ? 0 : 1]++;
      } else {
        binary = false;
      }
    }
    return this;
  }

  /** Adds one labelled prediction of a regressor. */
  public PerformanceAccumulator addRegressed(double prediction, double label) {
    labelled++;
    regressed++;
    double e = prediction - label;
    squaredErrorSum += e * e;
    absoluteErrorSum += Math.abs(e);
    return this;
  }

  /** Counts a prediction whose label did not come within the label TTL. */
  public PerformanceAccumulator addExpired() {
    expired++;
    return this;
  }

  /** Counts a label that matched no prediction within the label TTL. */
  public PerformanceAccumulator addUnmatched() {
    unmatched++;
    return this;
  }

  /** Adds {@code other}'s outcomes to this one ({@code other} is not changed). */
  public PerformanceAccumulator merge(PerformanceAccumulator other) {
    labelled += other.labelled;
    expired += other.expired;
    unmatched += other.unmatched;
    classified += other.classified;
    correct += other.correct;
    other.predicted.forEach((k, v) -> predicted.merge(k, v, Long::sum));
    other.actual.forEach((k, v) -> actual.merge(k, v, Long::sum));
    withPrevious += other.withPrevious;
    noChangeCorrect += other.noChangeCorrect;
    logLossRows += other.logLossRows;
    logLossSum += other.logLossSum;
    binary &= other.binary;
    other.scores.forEach(
        (k, v) -> {
          long[] c = scores.computeIfAbsent(k, x -> new long[2]);
          c[0] += v[0];
          c[1] += v[1];
        });
    regressed += other.regressed;
    squaredErrorSum += other.squaredErrorSum;
    absoluteErrorSum += other.absoluteErrorSum;
    return this;
  }

  /** Labelled predictions added so far. */
  public long labelled() {
    return labelled;
  }

  /** Expired predictions counted so far. */
  public long expired() {
    return expired;
  }

  /** Unmatched labels counted so far. */
  public long unmatched() {
    return unmatched;
  }

  /** True when nothing was added. */
  public boolean isEmpty() {
    return labelled == 0 && expired == 0 && unmatched == 0;
  }

  /** The share of classified predictions that were right; NaN with none. */
  public double accuracy() {
    return classified == 0 ? Double.NaN : (double) correct / classified;
  }

  /** Cohen's kappa of the classified predictions; NaN with none or when p_e = 1. */
  public double kappa() {
    if (classified == 0) {
      return Double.NaN;
    }
    double n = classified;
    double pe = 0;
    for (Map.Entry<Double, Long> e : predicted.entrySet()) {
      Long a = actual.get(e.getKey());
      if (a != null) {
        pe += (e.getValue() / n) * (a / n);
      }
    }
    return pe >= 1.0 ? Double.NaN : (accuracy() - pe) / (1 - pe);
  }

  /**
   * The no-change classifier's accuracy over the labelled predictions that had a previous label;
   * NaN with none.
   */
  public double accuracyNoChange() {
    return withPrevious == 0 ? Double.NaN : (double) noChangeCorrect / withPrevious;
  }

  /** (acc − acc_nc) / (1 − acc_nc); NaN when either is undefined or acc_nc = 1. */
  public double kappaTemporal() {
    double acc = accuracy();
    double nc = accuracyNoChange();
    if (Double.isNaN(acc) || Double.isNaN(nc) || nc >= 1.0) {
      return Double.NaN;
    }
    return (acc - nc) / (1 - nc);
  }

  /** The exact AUC of the class-1 probability; NaN unless binary with both classes present. */
  public double auc() {
    if (!binary || scores.isEmpty()) {
      return Double.NaN;
    }
    ExactAuc auc = new ExactAuc();
    // NaN probabilities sort last in a TreeMap<Double> (Double.compareTo), as ExactAuc wants
    scores.forEach((score, c) -> auc.add(score, c[0], c[1]));
    return auc.value();
  }

  /** The mean clipped log loss (nats); NaN when no prediction had probabilities. */
  public double logLoss() {
    return logLossRows == 0 ? Double.NaN : logLossSum / logLossRows;
  }

  /** Root mean squared error of the regressed predictions; NaN with none. */
  public double rmse() {
    return regressed == 0 ? Double.NaN : Math.sqrt(squaredErrorSum / regressed);
  }

  /** Mean absolute error of the regressed predictions; NaN with none. */
  public double mae() {
    return regressed == 0 ? Double.NaN : absoluteErrorSum / regressed;
  }

  /**
   * The window's rows of the {@code performance_<model>} table: the three counts always, the
   * classification statistics when a classified prediction was labelled (AUC only when every
   * probability vector was binary, log loss only when probabilities were given), RMSE and MAE when
   * a regressed one was. {@code rows} is the number of labelled predictions behind a value (for the
   * counts: the count itself).
   */
  public List<WindowStatistic> statistics(
      String model, int version, long windowStartMillis, long windowEndMillis) {
    List<WindowStatistic> out = new ArrayList<>();
    Row row =
        (s, v, rows) ->
            out.add(
                new WindowStatistic(
                    model, version, windowStartMillis, windowEndMillis, null, s, v, rows));
    row.add(Statistic.LABELLED, labelled, labelled);
    row.add(Statistic.LABELS_EXPIRED, expired, expired);
    row.add(Statistic.LABELS_UNMATCHED, unmatched, unmatched);
    if (classified > 0) {
      row.add(Statistic.ACCURACY, accuracy(), classified);
      row.add(Statistic.KAPPA, kappa(), classified);
      row.add(Statistic.ACCURACY_NO_CHANGE, accuracyNoChange(), withPrevious);
      row.add(Statistic.KAPPA_TEMPORAL, kappaTemporal(), classified);
      if (logLossRows > 0) {
        if (binary) {
          row.add(Statistic.AUC, auc(), logLossRows);
        }
        row.add(Statistic.LOG_LOSS, logLoss(), logLossRows);
      }
    }
    if (regressed > 0) {
      row.add(Statistic.RMSE, rmse(), regressed);
      row.add(Statistic.MAE, mae(), regressed);
    }
    return out;
  }

  private interface Row {
    void add(Statistic s, double value, long rows);
  }
}
