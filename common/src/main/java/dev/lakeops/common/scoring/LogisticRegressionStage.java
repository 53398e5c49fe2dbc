package dev.lakeops.common.scoring;

import java.util.Map;

/**
 * LogisticRegressionModel, binary and multinomial, with Spark's outputs: binary raw {@code [-m,
 * m]}, probability {@code p0 = 1 / (1 + exp(m))}, {@code p1 = 1 - p0}, prediction {@code m > log(t
 * / (1 - t))}; multinomial raw = the margins, probability = their softmax (shifted by the largest
 * margin), prediction = the largest margin, or the largest {@code p / threshold} when thresholds
 * are set.
 */
final class LogisticRegressionStage implements ModelStage {
  private final int features;
  private final int numClasses;
  private final boolean multinomial;
  private final double[][] coef;
  private final boolean coefDense;
  private final boolean rowMajor;
  private final double[] intercept;
  private final double rawThreshold;
  private final double[] thresholds;

  private LogisticRegressionStage(
      int features,
      int numClasses,
      boolean multinomial,
      double[][] coef,
      boolean coefDense,
      boolean rowMajor,
      double[] intercept,
      double rawThreshold,
      double[] thresholds) {
    this.features = features;
    this.numClasses = numClasses;
    this.multinomial = multinomial;
    this.coef = coef;
    this.coefDense = coefDense;
    this.rowMajor = rowMajor;
    this.intercept = intercept;
    this.rawThreshold = rawThreshold;
    this.thresholds = thresholds;
  }

  static Stage load(SavedStage s, Layout layout) {
    Map<String, Object> row = s.rows("data").get(0);
    int numClasses = ((Number) row.get("numClasses")).intValue();
    int numFeatures = ((Number) row.get("numFeatures")).intValue();
    int features = Models.features(s, layout, numFeatures);
    Map<String, Object> matrix = ParquetRows.map(row.get("coefficientMatrix"));
    double[][] coef = ParquetRows.matrix(matrix);
    boolean dense = ((Number) matrix.get("type")).intValue() == 1;
    boolean rowMajor = Boolean.TRUE.equals(matrix.get("isTransposed"));
    double[] intercept = ParquetRows.vector(row.get("interceptVector"));
    boolean multinomial = Boolean.TRUE.equals(row.get("isMultinomial"));
    double[] thresholds = s.isSet("thresholds") ? s.doubles("thresholds") : null;
    double t;
    if (thresholds != null && thresholds.length == 2) {
      t = 1.0 / (1.0 + thresholds[0] / thresholds[1]);
    } else {
      t = s.number("threshold", 0.5);
    }
    double rawThreshold =
        t == 0.0
            ? Double.NEGATIVE_INFINITY
            : t == 1.0 ? Double.POSITIVE_INFINITY : Math.log(t / (1.0 - t));
    Models.outputs(s, layout);
    return new LogisticRegressionStage(
        features,
        numClasses,
        multinomial,
        coef,
        dense,
        rowMajor,
        intercept,
        rawThreshold,
        thresholds);
  }

  @Override
  public int numClasses() {
    return numClasses;
  }

  @Override
  public void apply(Frame f) {
    Models.requireFeatures(f, features, "LogisticRegressionModel");
    double[] x = f.vec[features];
    boolean xDense = f.dense[features];
    double[] raw = f.rawPrediction;
    double[] p = f.probability;
    if (!multinomial) {
      double m = Linalg.dot(x, xDense, coef[0], coefDense) + intercept[0];
      raw[0] = -m;
      raw[1] = m;
      p[0] = 1.0 / (1.0 + Math.exp(-raw[0]));
      p[1] = 1.0 - p[0];
      f.prediction = raw[1] > rawThreshold ? 1.0 : 0.0;
      return;
    }
    int n = x.length;
    for (int k = 0; k < numClasses; k++) {
      double sum;
      if (coefDense && rowMajor && xDense) {
        sum = Linalg.fmaChain(x, coef[k], n);
      } else if (coefDense && !rowMajor && xDense) {
        sum = Linalg.fmaChain(x, coef[k], n);
      } else {
        sum = Linalg.sparseDot(xDense ? coef[k] : x, xDense ? x : coef[k], n);
      }
      raw[k] = sum + intercept[k];
    }
    softmax(raw, p);
    f.prediction = thresholds != null ? Linalg.thresholdArgmax(p, thresholds) : Linalg.argmax(raw);
  }

  /** Spark's softmax: shifted by the largest value; a +Infinity takes all the probability. */
  static void softmax(double[] in, double[] out) {
    double max = -Double.MAX_VALUE;
    for (int i = 0; i < in.length; i++) {
      double v = in[i];
      if (v == Double.POSITIVE_INFINITY) {
        java.util.Arrays.fill(out, 0.0);
        out[i] = 1.0;
        return;
      }
      if (v > max) {
        max = v;
      }
    }
    double sum = 0.0;
    for (int i = 0; i < in.length; i++) {
      double e = Math.exp(in[i] - max);
      out[i] = e;
      sum += e;
    }
    double inv = 1.0 / sum;
    for (int i = 0; i < out.length; i++) {
      out[i] = inv * out[i];
    }
  }
}
