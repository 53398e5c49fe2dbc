package dev.lakeops.common.scoring;

/**
 * The few vector operations the models need, summing in the order Spark 4.2 does on this JVM, so
 * that results agree to the last bit where possible.
 *
 * <p>Spark's dense-dense dot and dense matrix-vector product go to netlib-java's pure-Java BLAS (no
 * native BLAS is bundled); on Java 11+ that is the variant built on {@link Math#fma}: the dot
 * product keeps four fma accumulators over blocks of four and adds the tail with fma; the
 * transposed matrix-vector product runs one sequential fma chain per output. Spark's own loops (a
 * sparse vector on either side) multiply and add without fma, in index order, over the active
 * entries only.
 */
final class Linalg {
  private Linalg() {}

  /** Spark's dense-dense dot as netlib-java's Java 11 BLAS computes it. */
  static double ddot(double[] x, double[] y, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int bound = n - n % 4;
    int i = 0;
    for (; i < bound; i += 4) {
      s0 = Math.fma(x[i], y[i], s0);
      s1 = Math.fma(x[i + 1], y[i + 1], s1);
      s2 = Math.fma(x[i + 2], y[i + 2], s2);
      s3 = Math.fma(x[i + 3], y[i + 3], s3);
    }
    double sum = 0.0 + (s0 + s1 + s2 + s3);
    for (; i < n; i++) {
      sum = Math.fma(x[i], y[i], sum);
    }
    return sum;
  }

  /** Spark's loop for a sparse vector: the active (non-zero) entries of x, in index order. */
  static double sparseDot(double[] x, double[] y, int n) {
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      double v = x[i];
      if (v != 0.0) {
        sum += v * y[i];
      }
    }
    return sum;
  }

  /** Spark's {@code BLAS.dot(features, coefficients)} for features held dense or sparse. */
  static double dot(double[] features, boolean featuresDense, double[] coef, boolean coefDense) {
    int n = coef.length;
    if (featuresDense && coefDense) {
      return ddot(features, coef, n);
    }
    if (featuresDense) {
      return sparseDot(coef, features, n);
    }
    if (coefDense) {
      return sparseDot(features, coef, n);
    }
    // sparse-sparse: the indices active in both, in order
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      if (features[i] != 0.0 && coef[i] != 0.0) {
        sum += features[i] * coef[i];
      }
    }
    return sum;
  }

  /** A transposed dense gemv row: one sequential fma chain, then plus the intercept. */
  static double fmaChain(double[] x, double[] row, int n) {
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      sum = Math.fma(x[i], row[i], sum);
    }
    return sum;
  }

  /**
   * Whether Spark's {@code Vector.compressed} keeps the vector dense: Spark 4 picks sparse only
   * when its storage estimate {@code 12 * nnz + 28} bytes is below the dense {@code 8 * size + 12}.
   */
  static boolean compressedIsDense(double[] v) {
    int nnz = 0;
    for (double d : v) {
      if (d != 0.0) {
        nnz++;
      }
    }
    return !(12L * nnz + 28 < 8L * v.length + 12);
  }

  /** Index of the first largest value, as Spark's {@code Vector.argmax}. */
  static int argmax(double[] v) {
    if (v.length == 0) {
      return -1;
    }
    int best = 0;
    double max = v[0];
    for (int i = 1; i < v.length; i++) {
      if (v[i] > max) {
        max = v[i];
        best = i;
      }
    }
    return best;
  }

  /** Spark's {@code normalizeToProbabilitiesInPlace}: divide by the sequential sum. */
  static void normalize(double[] v) {
    double sum = 0.0;
    for (double d : v) {
      sum += d;
    }
    if (sum != 0.0) {
      for (int i = 0; i < v.length; i++) {
        v[i] /= sum;
      }
    }
  }

  /** Spark's prediction from probabilities and class thresholds (largest p / t). */
  static int thresholdArgmax(double[] probability, double[] thresholds) {
    int best = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < probability.length; i++) {
      double scaled = probability[i] / thresholds[i];
      if (scaled > max) {
        max = scaled;
        best = i;
      }
    }
    return best;
  }
}
