package dev.lakeops.common.scoring;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * StringIndexer (one or many columns): the value, cast to a string as Spark casts it, becomes its
 * label's index. A null or an unseen label gets index {@code labels.length} with {@code keep},
 * drops the row with {@code skip} and fails with {@code error}.
 */
final class StringIndexerStage implements Stage {
  private static final String NAME = "StringIndexer";
  private final int[] in;
  private final int[] out;
  private final String[] names;
  private final List<Map<String, Integer>> index;
  private final int[] numLabels;
  private final VectorAssemblerStage.Mode mode;

  private StringIndexerStage(
      int[] in,
      int[] out,
      String[] names,
      List<Map<String, Integer>> index,
      int[] numLabels,
      VectorAssemblerStage.Mode mode) {
    this.in = in;
    this.out = out;
    this.names = names;
    this.index = index;
    this.numLabels = numLabels;
    this.mode = mode;
  }

  @SuppressWarnings("unchecked")
  static Stage load(SavedStage s, Layout layout) {
    String[] ins = s.columns("inputCol", "inputCols");
    String[] outs = s.columns("outputCol", "outputCols");
    Map<String, Object> row = s.rows("data").get(0);
    List<Object> arrays;
    if (row.get("labelsArray") != null) {
      arrays = (List<Object>) row.get("labelsArray");
    } else {
      arrays = List.of(row.get("labels"));
    }
    VectorAssemblerStage.Mode mode =
        VectorAssemblerStage.Mode.of(
            s,
            "error",
            VectorAssemblerStage.Mode.ERROR,
            VectorAssemblerStage.Mode.SKIP,
            VectorAssemblerStage.Mode.KEEP);
    int[] in = new int[ins.length];
    int[] out = new int[ins.length];
    int[] counts = new int[ins.length];
    List<Map<String, Integer>> maps = new java.util.ArrayList<>();
    for (int i = 0; i < ins.length; i++) {
      List<Object> labels = (List<Object>) arrays.get(i);
      Map<String, Integer> m = new HashMap<>(labels.size() * 2);
      for (int k = 0; k < labels.size(); k++) {
        m.putIfAbsent((String) labels.get(k), k);
      }
      maps.add(m);
      counts[i] = labels.size();
      in[i] = layout.read(ins[i]);
    }
    for (int i = 0; i < outs.length; i++) {
      out[i] = layout.defineScalar(outs[i]);
    }
    return new StringIndexerStage(in, out, ins, maps, counts, mode);
  }

  @Override
  public void apply(Frame f) {
    for (int i = 0; i < in.length; i++) {
      String label = f.text(in[i]);
      Integer idx = label == null ? null : index.get(i).get(label);
      double v;
      if (idx != null) {
        v = idx;
      } else {
        String reason = label == null ? "null value" : "unseen label '" + label + "'";
        if (mode == VectorAssemblerStage.Mode.SKIP) {
          throw new InvalidRowException(NAME, names[i], reason + " (handleInvalid = skip)", true);
        }
        if (mode == VectorAssemblerStage.Mode.ERROR) {
          throw new InvalidRowException(NAME, names[i], reason + " (handleInvalid = error)", false);
        }
        v = numLabels[i];
      }
      f.num[out[i]] = v;
      f.nul[out[i]] = false;
      f.integral[out[i]] = false;
    }
  }
}
