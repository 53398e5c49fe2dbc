package dev.lakeops.common.scoring;

import dev.lakeops.common.error.Errors;
import java.util.List;
import java.util.Map;

/**
 * Imputer: a null, or a value equal to {@code missingValue} (NaN equals NaN, as in Spark SQL), is
 * replaced by the column's surrogate (mean, median or mode, computed at fit). The result keeps the
 * input's type: in a long or integer column the surrogate is truncated to a whole number, as
 * Spark's cast does.
 */
final class ImputerStage implements Stage {
  private static final String NAME = "Imputer";
  private final int[] in;
  private final int[] out;
  private final String[] names;
  private final double[] surrogate;
  private final double missing;

  private ImputerStage(int[] in, int[] out, String[] names, double[] surrogate, double missing) {
    this.in = in;
    this.out = out;
    this.names = names;
    this.surrogate = surrogate;
    this.missing = missing;
  }

  static Stage load(SavedStage s, Layout layout) {
    String[] ins = s.columns("inputCol", "inputCols");
    String[] outs = s.columns("outputCol", "outputCols");
    Map<String, Object> row = s.rows("data").get(0);
    double[] sur = new double[ins.length];
    int[] in = new int[ins.length];
    for (int i = 0; i < ins.length; i++) {
      Object v = row.get(ins[i]);
      if (!(v instanceof Number n)) {
        throw Errors.noImputerSurrogate(s.dir, ins[i]);
      }
      sur[i] = n.doubleValue();
      in[i] = layout.read(ins[i]);
    }
    int[] out = new int[outs.length];
    for (int i = 0; i < outs.length; i++) {
      out[i] = layout.defineScalar(outs[i]);
    }
    return new ImputerStage(in, out, ins, sur, s.number("missingValue", Double.NaN));
  }

  static List<String> strategies() {
    return List.of("mean", "median", "mode");
  }

  @Override
  public void apply(Frame f) {
    for (int i = 0; i < in.length; i++) {
      int s = in[i];
      double v = f.number(s, NAME, names[i]);
      boolean integral = f.integral[s];
      boolean isMissing = f.nul[s] || (Double.isNaN(missing) ? Double.isNaN(v) : v == missing);
      int o = out[i];
      if (isMissing) {
        double r = surrogate[i];
        if (integral) {
          r = castIntegral(r, f.raw[s]);
        }
        f.num[o] = r;
      } else {
        f.num[o] = v;
      }
      f.nul[o] = false;
      f.integral[o] = integral;
    }
  }

  private static double castIntegral(double r, Object sample) {
    if (sample instanceof Integer || sample instanceof Short || sample instanceof Byte) {
      return (int) r;
    }
    return (long) r;
  }
}
