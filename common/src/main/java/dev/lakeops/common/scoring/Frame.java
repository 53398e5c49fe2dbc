package dev.lakeops.common.scoring;

import java.util.Arrays;

/**
 * The working memory of one row: a value per slot, allocated once per scorer and thread and reused
 * for every row. Scalars live in {@link #num} with a null flag; vectors in preallocated arrays with
 * a flag telling whether Spark would hold them dense (which decides its summation order).
 */
final class Frame {
  /** Input values as given (only input slots). */
  final Object[] raw;

  final double[] num;
  final boolean[] nul;

  /** Whether a scalar holds an integral value (a long or integer column): Spark casts to it. */
  final boolean[] integral;

  final double[][] vec;
  final boolean[] dense;
  final boolean[] isInput;

  private double[] scratch = new double[0];

  double prediction;
  final double[] probability;
  final double[] rawPrediction;

  Frame(Layout layout, int numClasses) {
    int n = layout.slots();
    raw = new Object[n];
    num = new double[n];
    nul = new boolean[n];
    integral = new boolean[n];
    vec = new double[n][];
    dense = new boolean[n];
    isInput = new boolean[n];
    for (int s = 0; s < n; s++) {
      if (layout.isVector(s)) {
        vec[s] = new double[layout.size(s)];
      }
      isInput[s] = layout.kind(s) == Layout.Kind.INPUT;
    }
    probability = numClasses > 0 ? new double[numClasses] : null;
    rawPrediction = numClasses > 0 ? new double[numClasses] : null;
  }

  /** Loads one input value, typed as the contract allows. */
  void input(int slot, Object v, boolean declaredIntegral) {
    raw[slot] = v;
    if (v == null) {
      nul[slot] = true;
      num[slot] = Double.NaN;
      integral[slot] = declaredIntegral;
    } else if (v instanceof Number n) {
      nul[slot] = false;
      num[slot] = n.doubleValue();
      integral[slot] =
          declaredIntegral
              || v instanceof Long
              || v instanceof Integer
              || v instanceof Short
              || v instanceof Byte;
    } else if (v instanceof Boolean b) {
      nul[slot] = false;
      num[slot] = b ? 1.0 : 0.0;
      integral[slot] = false;
    } else {
      nul[slot] = false;
      num[slot] = Double.NaN;
      integral[slot] = false;
    }
  }

  /** A numeric read: fails on a text value, which Spark would not accept in a numeric column. */
  double number(int slot, String stage, String column) {
    Object r = raw[slot];
    if (r != null && !(r instanceof Number) && !(r instanceof Boolean)) {
      throw new InvalidRowException(
          stage,
          column,
          "expected a number, got " + r.getClass().getSimpleName() + " '" + r + "'",
          false);
    }
    return num[slot];
  }

  /** The value as Spark's cast to string gives it, or null. */
  String text(int slot) {
    if (nul[slot]) {
      return null;
    }
    if (isInput[slot]) {
      Object r = raw[slot];
      if (r instanceof String s) {
        return s;
      }
      if (r instanceof Double d) {
        return integral[slot] ? Long.toString(d.longValue()) : doubleText(d);
      }
      if (r instanceof Float fl) {
        return Float.toString(fl);
      }
      return String.valueOf(r);
    }
    double v = num[slot];
    return integral[slot] ? Long.toString((long) v) : doubleText(v);
  }

  private static String doubleText(double d) {
    return Double.toString(d);
  }

  /** A reusable work array of at least {@code n} values. */
  double[] scratch(int n) {
    if (scratch.length < n) {
      scratch = new double[n];
    }
    return scratch;
  }

  void clearOutputs() {
    prediction = Double.NaN;
    if (probability != null) {
      Arrays.fill(probability, 0.0);
      Arrays.fill(rawPrediction, 0.0);
    }
  }
}
