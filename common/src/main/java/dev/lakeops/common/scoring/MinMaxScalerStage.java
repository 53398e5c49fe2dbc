package dev.lakeops.common.scoring;

import java.util.Map;

/**
 * MinMaxScaler: {@code (x - originalMin) * ((max - min) / (originalMax - originalMin)) + min}; a
 * feature with a zero range becomes {@code (min + max) / 2}; NaN stays NaN. The output is held as
 * Spark's {@code compressed} decides.
 */
final class MinMaxScalerStage implements Stage {
  private final int in;
  private final int out;
  private final double[] originalMin;
  private final double[] scale;
  private final double min;
  private final double constant;

  private MinMaxScalerStage(
      int in, int out, double[] originalMin, double[] scale, double min, double constant) {
    this.in = in;
    this.out = out;
    this.originalMin = originalMin;
    this.scale = scale;
    this.min = min;
    this.constant = constant;
  }

  static Stage load(SavedStage s, Layout layout) {
    String inName = s.requiredString("inputCol");
    Map<String, Object> row = s.rows("data").get(0);
    double[] lo = ParquetRows.vector(row.get("originalMin"));
    double[] hi = ParquetRows.vector(row.get("originalMax"));
    int in = layout.readVector(s, inName, lo.length);
    double min = s.number("min", 0.0);
    double max = s.number("max", 1.0);
    double range = max - min;
    double[] scale = new double[lo.length];
    for (int i = 0; i < lo.length; i++) {
      double r = hi[i] - lo[i];
      scale[i] = r != 0 ? range / r : 0.0;
    }
    int out = layout.defineVector(s.requiredString("outputCol"), lo.length);
    return new MinMaxScalerStage(in, out, lo, scale, min, (min + max) / 2);
  }

  @Override
  public void apply(Frame f) {
    if (f.nul[in]) {
      f.nul[out] = true;
      return;
    }
    double[] x = f.vec[in];
    double[] y = f.vec[out];
    for (int i = 0; i < x.length; i++) {
      double v = x[i];
      if (Double.isNaN(v)) {
        y[i] = v;
      } else if (scale[i] != 0) {
        y[i] = (v - originalMin[i]) * scale[i] + min;
      } else {
        y[i] = constant;
      }
    }
    f.nul[out] = false;
    f.dense[out] = Linalg.compressedIsDense(y);
  }
}
