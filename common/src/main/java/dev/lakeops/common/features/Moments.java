package dev.lakeops.common.features;

import java.io.Serializable;

/**
 * Count, mean and sum of squared deviations ({@code m2}) of a set of doubles: a numerically stable,
 * mergeable summary for the {@code mean} and {@code stddev} aggregates, the one copy both engines
 * use (the Spark pipeline through an aggregator that calls {@link #merge}, the Flink job and the
 * online stores directly).
 *
 * <p>Adding a value is Welford's update (B. P. Welford, "Note on a method for calculating corrected
 * sums of squares and products", Technometrics 4(3), 1962); merging two summaries is the pairwise
 * formula of Chan, Golub and LeVeque ("Updating formulae and a pairwise algorithm for computing
 * sample variances", 1979): {@code δ = mean_b − mean_a}, {@code n = n_a + n_b}, {@code mean =
 * mean_a + δ·n_b/n}, {@code m2 = m2_a + m2_b + δ²·n_a·n_b/n}. Unlike {@code Σx² − (Σx)²/n}, this
 * does not cancel catastrophically: the values 1e9, 1e9+1, 1e9+2 give a sample standard deviation
 * of exactly 1.0.
 *
 * <p>Results depend on the order of additions and merges (floating point); both engines fold in
 * ascending event time, left to right, so they agree bit for bit.
 */
public final class Moments implements Serializable {
  private static final long serialVersionUID = 1L;

  private long n;
  private double mean;
  private double m2;

  /** The empty summary. */
  public Moments() {}

  /** A summary with the given parts (as stored by an engine); {@code n = 0} means empty. */
  public Moments(long n, double mean, double m2) {
    this.n = n;
    this.mean = n == 0 ? 0.0 : mean;
    this.m2 = n == 0 ? 0.0 : m2;
  }

  /** Adds one value (Welford). NaN and infinities propagate into mean and m2, as in Spark. */
  public Moments add(double x) {
    n++;
    double delta = x - mean;
    mean += delta / n;
    m2 += delta * (x - mean);
    return this;
  }

  /** Merges {@code other} into this summary (Chan et al.), {@code this} first in order. */
  public Moments merge(Moments other) {
    merge(other.n, other.mean, other.m2);
    return this;
  }

  /** Merges a summary given by its parts into this one (Chan et al.). */
  public Moments merge(long nb, double meanb, double m2b) {
    if (nb == 0) {
      return this;
    }
    if (n == 0) {
      n = nb;
      mean = meanb;
      m2 = m2b;
      return this;
    }
    long total = n + nb;
    double delta = meanb - mean;
    double fb = (double) nb / total;
    mean = mean + delta * fb;
    m2 = m2 + m2b + delta * delta * n * fb;
    n = total;
    return this;
  }

  /** The number of values. */
  public long count() {
    return n;
  }

  /** The mean, or null when empty. */
  public Double mean() {
    return n == 0 ? null : mean;
  }

  /** The sum of squared deviations from the mean (0 when empty). */
  public double m2() {
    return m2;
  }

  /** The raw mean part (0 when empty), for storage. */
  public double rawMean() {
    return mean;
  }

  /**
   * The sample standard deviation {@code sqrt(m2 / (n − 1))}, or null for fewer than two values
   * (Spark's {@code stddev_samp} gives null for one value too, under ANSI and legacy modes alike).
   */
  public Double sampleStddev() {
    return n < 2 ? null : Math.sqrt(Math.max(0.0, m2 / (n - 1)));
  }

  @Override
  public String toString() {
    return "Moments[n=" + n + ", mean=" + mean + ", m2=" + m2 + "]";
  }
}
