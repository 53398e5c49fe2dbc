package dev.lakeops.common.scoring;

import java.util.Map;

/**
 * StandardScaler: {@code (x - mean) * (1 / std)} (a zero std scales to 0). With the mean shift the
 * output is dense; scaling alone keeps the input's representation.
 */
final class StandardScalerStage implements Stage {
  private final int in;
  private final int out;
  private final String name;
  private final double[] mean;
  private final double[] scale;
  private final boolean withMean;
  private final boolean withStd;

  private StandardScalerStage(
      int in, int out, String name, double[] mean, double[] scale, boolean wm, boolean ws) {
    this.in = in;
    this.out = out;
    this.name = name;
    this.mean = mean;
    this.scale = scale;
    this.withMean = wm;
    this.withStd = ws;
  }

  static Stage load(SavedStage s, Layout layout) {
    String inName = s.requiredString("inputCol");
    Map<String, Object> row = s.rows("data").get(0);
    double[] std = ParquetRows.vector(row.get("std"));
    double[] mean = ParquetRows.vector(row.get("mean"));
    int in = layout.readVector(s, inName, std.length);
    double[] scale = new double[std.length];
    for (int i = 0; i < std.length; i++) {
      scale[i] = std[i] == 0.0 ? 0.0 : 1.0 / std[i];
    }
    int out = layout.defineVector(s.requiredString("outputCol"), std.length);
    return new StandardScalerStage(
        in, out, inName, mean, scale, s.bool("withMean", false), s.bool("withStd", true));
  }

  @Override
  public void apply(Frame f) {
    if (f.nul[in]) {
      f.nul[out] = true;
      return;
    }
    double[] x = f.vec[in];
    double[] y = f.vec[out];
    int n = x.length;
    if (withMean && withStd) {
      for (int i = 0; i < n; i++) {
        y[i] = (x[i] - mean[i]) * scale[i];
      }
      f.dense[out] = true;
    } else if (withMean) {
      for (int i = 0; i < n; i++) {
        y[i] = x[i] - mean[i];
      }
      f.dense[out] = true;
    } else if (withStd) {
      boolean dense = f.dense[in];
      for (int i = 0; i < n; i++) {
        // a sparse vector's inactive zeros stay exact zeros
        y[i] = dense || x[i] != 0.0 ? x[i] * scale[i] : 0.0;
      }
      f.dense[out] = dense;
    } else {
      System.arraycopy(x, 0, y, 0, n);
      f.dense[out] = f.dense[in];
    }
    f.nul[out] = false;
  }

  String input() {
    return name;
  }
}
