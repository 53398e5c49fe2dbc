package dev.lakeops.common.training;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The exact area under the ROC curve of binary labels: the Mann-Whitney statistic, i.e. the share
 * of (positive, negative) pairs whose positive is scored higher, a tied pair counting one half.
 * Equal to the trapezoidal area under the ROC curve through every distinct score, with no binning
 * (MLlib's {@code BinaryClassificationEvaluator} down-samples the curve to {@code numBins = 1000}
 * bins by default, grouping consecutive scores per partition, so its value depends on the
 * partitioning; it is exact only with {@code numBins = 0}).
 *
 * <p>The counts are kept as whole numbers (twice the statistic, so that ties stay whole), so the
 * result is the same whatever the order the scores are summed in, up to one final division.
 *
 * <p>Use: feed the distinct scores in ascending order with how many positive (label 1) and negative
 * (label 0) rows have each score, then read {@link #value()}. NaN scores must come last (as Spark
 * sorts them); they tie with each other only.
 */
public final class ExactAuc {
  private long positives;
  private long negatives;

  /** Twice the Mann-Whitney U of the positives: 2 * #(pos > neg) + #(pos == neg). */
  private long twiceU;

  private double lastScore = Double.NEGATIVE_INFINITY;
  private boolean started;

  /**
   * Adds the rows of one distinct score.
   *
   * @param score the score; greater than every score added before (NaN after every number)
   * @param positives the number of rows with this score and label 1, >= 0
   * @param negatives the number of rows with this score and label 0, >= 0
   * @throws IllegalArgumentException when a score is not greater than the previous one, or a count
   *     is negative
   * @throws ArithmeticException when the pair count exceeds a long
   */
  public ExactAuc add(double score, long positives, long negatives) {
    if (positives < 0 || negatives < 0) {
      throw new IllegalArgumentException(
          "counts must be >= 0, got " + positives + " and " + negatives);
    }
    if (started && Double.compare(score, lastScore) <= 0) {
      throw new IllegalArgumentException(
          "scores must be added in ascending order without repeats: "
              + score
              + " after "
              + lastScore);
    }
    started = true;
    lastScore = score;
    // Every positive here beats every negative seen before, and ties with the negatives here.
    long beats = Math.multiplyExact(positives, this.negatives);
    long ties = Math.multiplyExact(positives, negatives);
    twiceU = Math.addExact(twiceU, Math.addExact(Math.multiplyExact(2L, beats), ties));
    this.positives = Math.addExact(this.positives, positives);
    this.negatives = Math.addExact(this.negatives, negatives);
    return this;
  }

  /** The rows with label 1 added so far. */
  public long positives() {
    return positives;
  }

  /** The rows with label 0 added so far. */
  public long negatives() {
    return negatives;
  }

  /**
   * The exact AUC in [0, 1]; NaN when there is no positive or no negative row (the AUC is then
   * undefined).
   */
  public double value() {
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (double) twiceU / (2.0 * positives * negatives);
  }

  /**
   * The exact AUC of (score, label) pairs.
   *
   * @param scores the scores, higher meaning more likely positive
   * @param labels the labels, 0 or 1 each, as long as {@code scores}
   * @throws IllegalArgumentException when the lengths differ or a label is neither 0 nor 1
   */
  public static double of(double[] scores, double[] labels) {
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(
          scores.length + " scores but " + labels.length + " labels");
    }
    double[] normalised = new double[scores.length];
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      normalised[i] = scores[i] == 0.0 ? 0.0 : scores[i]; // -0.0 ties with 0.0, as in Spark
      if (labels[i] != 0.0 && labels[i] != 1.0) {
        throw new IllegalArgumentException("labels must be 0 or 1, got " + labels[i]);
      }
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> normalised[i]));
    ExactAuc auc = new ExactAuc();
    int i = 0;
    while (i < order.length) {
      double s = normalised[order[i]];
      long pos = 0;
      long neg = 0;
      while (i < order.length && Double.compare(normalised[order[i]], s) == 0) {
        if (labels[order[i]] == 1.0) {
          pos++;
        } else {
          neg++;
        }
        i++;
      }
      auc.add(s, pos, neg);
    }
    return auc.value();
  }
}
