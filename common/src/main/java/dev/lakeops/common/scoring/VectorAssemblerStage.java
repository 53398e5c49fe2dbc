package dev.lakeops.common.scoring;

import dev.lakeops.common.error.Errors;
import java.util.Arrays;

/**
 * VectorAssembler: numbers, booleans and vectors into one vector. {@code keep} turns a null into
 * NaN (a whole NaN vector for a null vector) and keeps NaN; {@code skip} drops a row with a null or
 * NaN scalar or a null vector; {@code error} fails on them. The output is held sparse or dense as
 * Spark's {@code compressed} decides.
 */
final class VectorAssemblerStage implements Stage {
  private static final String NAME = "VectorAssembler";
  private final int[] in;
  private final boolean[] inVector;
  private final String[] names;
  private final int out;
  private final Mode mode;

  private VectorAssemblerStage(int[] in, boolean[] inVector, String[] names, int out, Mode mode) {
    this.in = in;
    this.inVector = inVector;
    this.names = names;
    this.out = out;
    this.mode = mode;
  }

  static Stage load(SavedStage s, Layout layout) {
    String[] cols = s.columns("inputCols", "inputCols");
    int[] in = new int[cols.length];
    boolean[] vector = new boolean[cols.length];
    int size = 0;
    for (int i = 0; i < cols.length; i++) {
      in[i] = layout.read(cols[i]);
      vector[i] = layout.isVector(in[i]);
      size += layout.size(in[i]);
    }
    Mode mode = Mode.of(s, "error", Mode.ERROR, Mode.SKIP, Mode.KEEP);
    int out = layout.defineVector(s.requiredString("outputCol"), size);
    return new VectorAssemblerStage(in, vector, cols, out, mode);
  }

  @Override
  public void apply(Frame f) {
    double[] dst = f.vec[out];
    int pos = 0;
    for (int k = 0; k < in.length; k++) {
      int slot = in[k];
      if (inVector[k]) {
        double[] src = f.vec[slot];
        if (f.nul[slot]) {
          invalid(names[k], "null vector");
          Arrays.fill(dst, pos, pos + src.length, Double.NaN);
        } else {
          System.arraycopy(src, 0, dst, pos, src.length);
        }
        pos += src.length;
      } else {
        double v = f.number(slot, NAME, names[k]);
        if (f.nul[slot]) {
          invalid(names[k], "null value");
          v = Double.NaN;
        } else if (Double.isNaN(v)) {
          invalid(names[k], "NaN value");
        }
        dst[pos++] = v;
      }
    }
    f.nul[out] = false;
    f.dense[out] = Linalg.compressedIsDense(dst);
  }

  private void invalid(String column, String reason) {
    if (mode == Mode.SKIP) {
      throw new InvalidRowException(NAME, column, reason + " (handleInvalid = skip)", true);
    }
    if (mode == Mode.ERROR) {
      throw new InvalidRowException(NAME, column, reason + " (handleInvalid = error)", false);
    }
  }

  /** The handleInvalid modes. */
  enum Mode {
    ERROR,
    SKIP,
    KEEP;

    static Mode of(SavedStage s, String fallback, Mode... allowed) {
      String v = s.string("handleInvalid", fallback);
      for (Mode m : allowed) {
        if (m.name().equalsIgnoreCase(v)) {
          return m;
        }
      }
      throw Errors.unsupportedHandleInvalid(
          s.simpleName(),
          s.dir,
          v,
          Arrays.stream(allowed).map(m -> m.name().toLowerCase()).toList());
    }
  }
}
