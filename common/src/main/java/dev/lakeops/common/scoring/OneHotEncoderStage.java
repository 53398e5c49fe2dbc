package dev.lakeops.common.scoring;

import java.util.Arrays;
import java.util.Map;

/**
 * OneHotEncoder (one or many columns): index {@code i} sets slot {@code i} of a sparse vector.
 * {@code keep} adds a slot for invalid indices (negative, too large or NaN); {@code dropLast}
 * removes the last slot (all zeros for it). With {@code error}, an invalid index fails the row.
 */
final class OneHotEncoderStage implements Stage {
  private static final String NAME = "OneHotEncoder";
  private final int[] in;
  private final int[] out;
  private final String[] names;
  private final int[] categories;
  private final int[] sizes;
  private final boolean keep;

  private OneHotEncoderStage(
      int[] in, int[] out, String[] names, int[] categories, int[] sizes, boolean keep) {
    this.in = in;
    this.out = out;
    this.names = names;
    this.categories = categories;
    this.sizes = sizes;
    this.keep = keep;
  }

  static Stage load(SavedStage s, Layout layout) {
    String[] ins = s.columns("inputCol", "inputCols");
    String[] outs = s.columns("outputCol", "outputCols");
    Map<String, Object> row = s.rows("data").get(0);
    @SuppressWarnings("unchecked")
    int[] categories = ParquetRows.ints((java.util.List<Object>) row.get("categorySizes"));
    boolean keep =
        VectorAssemblerStage.Mode.of(
                s, "error", VectorAssemblerStage.Mode.ERROR, VectorAssemblerStage.Mode.KEEP)
            == VectorAssemblerStage.Mode.KEEP;
    boolean dropLast = s.bool("dropLast", true);
    int[] sizes = new int[categories.length];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = categories[i] + (keep ? 1 : 0) - (dropLast ? 1 : 0);
    }
    int[] in = new int[ins.length];
    int[] out = new int[ins.length];
    for (int i = 0; i < ins.length; i++) {
      in[i] = layout.read(ins[i]);
    }
    for (int i = 0; i < outs.length; i++) {
      out[i] = layout.defineVector(outs[i], sizes[i]);
    }
    return new OneHotEncoderStage(in, out, ins, categories, sizes, keep);
  }

  @Override
  public void apply(Frame f) {
    for (int i = 0; i < in.length; i++) {
      int o = out[i];
      if (f.nul[in[i]]) {
        f.nul[o] = true; // Spark's encoder returns null for a null index
        continue;
      }
      double label = f.number(in[i], NAME, names[i]);
      int size = categories[i];
      int idx;
      if (label >= 0 && label < size) {
        idx = (int) label;
      } else if (keep) {
        idx = size;
      } else {
        String why =
            label < 0
                ? "negative index " + label
                : "unseen index " + label + " (the encoder knows " + size + " categories)";
        throw new InvalidRowException(NAME, names[i], why + " (handleInvalid = error)", false);
      }
      double[] v = f.vec[o];
      Arrays.fill(v, 0.0);
      if (idx < sizes[i]) {
        v[idx] = 1.0;
      }
      f.nul[o] = false;
      f.dense[o] = false;
    }
  }
}
