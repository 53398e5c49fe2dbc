package dev.lakeops.common.scoring;

import dev.lakeops.common.error.Errors;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One decision tree compiled to arrays. A continuous split sends {@code x <= threshold} left (NaN
 * goes right). A categorical split keeps, as Spark does, whichever of the left and right category
 * sets is not larger: a value in the kept left set goes left, a value in the kept right set goes
 * right, and any other value (NaN, an unknown category) goes the other way.
 */
final class Tree {
  private final int root;
  private final int[] left;
  private final int[] right;
  private final int[] feature;
  private final double[] threshold;

  /** Per node: null for a continuous split, else the kept category set (sorted). */
  private final double[][] categories;

  /** Per node: whether {@link #categories} is the left set. */
  private final boolean[] keptLeft;

  final double[] prediction;
  final double[][] stats;

  private Tree(
      int root,
      int[] left,
      int[] right,
      int[] feature,
      double[] threshold,
      double[][] categories,
      boolean[] keptLeft,
      double[] prediction,
      double[][] stats) {
    this.root = root;
    this.left = left;
    this.right = right;
    this.feature = feature;
    this.threshold = threshold;
    this.categories = categories;
    this.keptLeft = keptLeft;
    this.prediction = prediction;
    this.stats = stats;
  }

  /** The index of the leaf the features reach. */
  int leaf(double[] x) {
    int n = root;
    while (left[n] >= 0) {
      double v = x[feature[n]];
      boolean goLeft;
      double[] cats = categories[n];
      if (cats == null) {
        goLeft = v <= threshold[n];
      } else {
        boolean in = contains(cats, v);
        goLeft = keptLeft[n] == in;
      }
      n = goLeft ? left[n] : right[n];
    }
    return n;
  }

  private static boolean contains(double[] sorted, double v) {
    for (double c : sorted) {
      if (c == v) {
        return true;
      }
    }
    return false;
  }

  /**
   * Builds a tree from MLlib's saved node rows (id, prediction, impurityStats, children, split).
   */
  @SuppressWarnings("unchecked")
  static Tree of(List<Map<String, Object>> nodes, int numFeatures, String where) {
    Map<Integer, Integer> pos = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      pos.put(((Number) nodes.get(i).get("id")).intValue(), i);
    }
    int n = nodes.size();
    int[] left = new int[n];
    int[] right = new int[n];
    int[] feature = new int[n];
    double[] threshold = new double[n];
    double[][] cats = new double[n][];
    boolean[] keptLeft = new boolean[n];
    double[] prediction = new double[n];
    double[][] stats = new double[n][];
    Set<Integer> children = new HashSet<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> node = nodes.get(i);
      prediction[i] = ((Number) node.get("prediction")).doubleValue();
      Object st = node.get("impurityStats");
      stats[i] = st == null ? new double[0] : ParquetRows.doubles((List<Object>) st);
      int l = ((Number) node.get("leftChild")).intValue();
      int r = ((Number) node.get("rightChild")).intValue();
      if (l < 0) {
        left[i] = -1;
        right[i] = -1;
        continue;
      }
      if (!pos.containsKey(l) || !pos.containsKey(r)) {
        throw Errors.damagedTree(where, "refers to a missing node");
      }
      left[i] = pos.get(l);
      right[i] = pos.get(r);
      children.add(left[i]);
      children.add(right[i]);
      Map<String, Object> split = (Map<String, Object>) node.get("split");
      feature[i] = ((Number) split.get("featureIndex")).intValue();
      if (feature[i] < 0 || feature[i] >= numFeatures) {
        throw Errors.treeFeatureOutOfRange(where, feature[i], numFeatures);
      }
      double[] values = ParquetRows.doubles((List<Object>) split.get("leftCategoriesOrThreshold"));
      int numCategories = ((Number) split.get("numCategories")).intValue();
      if (numCategories < 0) {
        threshold[i] = values[0];
      } else {
        boolean isLeft = values.length <= numCategories / 2;
        keptLeft[i] = isLeft;
        if (isLeft) {
          cats[i] = values.clone();
        } else {
          double[] complement = new double[numCategories];
          int k = 0;
          for (int c = 0; c < numCategories; c++) {
            boolean inLeft = false;
            for (double v : values) {
              if (v == c) {
                inLeft = true;
                break;
              }
            }
            if (!inLeft) {
              complement[k++] = c;
            }
          }
          cats[i] = Arrays.copyOf(complement, k);
        }
        Arrays.sort(cats[i]);
      }
    }
    int root = -1;
    for (int i = 0; i < n; i++) {
      if (!children.contains(i)) {
        root = i;
        break;
      }
    }
    if (root < 0) {
      throw Errors.damagedTree(where, "has no root node");
    }
    return new Tree(root, left, right, feature, threshold, cats, keptLeft, prediction, stats);
  }
}
