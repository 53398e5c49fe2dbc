package dev.lakeops.common.training;

/**
 * The exact area under the precision-recall curve of binary labels, as MLlib's {@code
 * BinaryClassificationMetrics(scores, numBins = 0).areaUnderPR()} defines it: one curve point per
 * distinct score taken as the threshold, from the highest score down (recall = the positives scored
 * at or above it / all positives, 0 without positives; precision = those positives / all rows
 * scored at or above it), preceded by the point (recall 0, the precision of the first point), and
 * the trapezoidal area under the line through them. Counts are whole numbers, so each point is
 * computed exactly as MLlib does; only the order the trapezoids are added in differs.
 *
 * <p>Use: construct with the totals, feed the distinct scores in ascending order (as {@link
 * ExactAuc} takes them, so one stream of score counts gives both areas) with how many positive
 * (label 1) and negative (label 0) rows have each score, then read {@link #value()}.
 */
public final class ExactPrArea {
  private final long positives;
  private final long negatives;

  /** Positives and negatives scored below the scores added so far. */
  private long positivesBelow;

  private long negativesBelow;

  /** The point of the last score added (the next-lower threshold's point comes after it). */
  private double lastRecall;

  private double lastPrecision;
  private boolean started;
  private double area;

  /**
   * @param positives all rows with label 1, >= 0
   * @param negatives all rows with label 0, >= 0
   * @throws IllegalArgumentException when a total is negative
   */
  public ExactPrArea(long positives, long negatives) {
    if (positives < 0 || negatives < 0) {
      throw new IllegalArgumentException(
          "totals must be >= 0, got " + positives + " and " + negatives);
    }
    this.positives = positives;
    this.negatives = negatives;
  }

  /**
   * Adds the rows of one distinct score; scores come in ascending order (checked by the caller's
   * sort: {@link ExactAuc#add} checks the same stream).
   *
   * @param positives the number of rows with this score and label 1, >= 0
   * @param negatives the number of rows with this score and label 0, >= 0
   * @throws IllegalArgumentException when the counts exceed the totals given
   */
  public ExactPrArea add(long positives, long negatives) {
    // Rows scored at or above this score: all but those below it.
    long tp = this.positives - positivesBelow;
    long fp = this.negatives - negativesBelow;
    if (positives < 0 || negatives < 0 || tp < positives || fp < negatives) {
      throw new IllegalArgumentException(
          "counts "
              + positives
              + " and "
              + negatives
              + " exceed what is left of the totals: "
              + tp
              + " and "
              + fp);
    }
    double recall = this.positives == 0 ? 0.0 : (double) tp / this.positives;
    double precision = tp + fp == 0 ? 1.0 : (double) tp / (tp + fp);
    if (started) {
      // The point of this (lower) threshold follows the last one's on the descending curve.
      area += (lastRecall - recall) * (lastPrecision + precision) / 2.0;
    }
    started = true;
    lastRecall = recall;
    lastPrecision = precision;
    positivesBelow += positives;
    negativesBelow += negatives;
    return this;
  }

  /**
   * The area in [0, 1]; 0 when no score was added. The last score added is the highest threshold:
   * MLlib's first point, which the point (recall 0, the same precision) precedes.
   */
  public double value() {
    if (!started) {
      return 0.0;
    }
    return area + lastRecall * lastPrecision;
  }
}
