package dev.lakeops.common.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeops.common.error.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decision tree, random forest and gradient-boosted tree models, classifiers and regressors.
 *
 * <ul>
 *   <li>Decision tree classifier: raw = the leaf's class counts, probability = counts / their sum.
 *   <li>Random forest classifier: raw = the sum over trees of each leaf's counts divided by their
 *       total; probability = raw / its sum.
 *   <li>GBT classifier: {@code m = dot(tree predictions, tree weights)}, raw {@code [-m, m]},
 *       {@code p0 = 1 / (1 + exp(2m))}, {@code p1 = 1 - p0}.
 *   <li>Regressors: the leaf's prediction; the forest's mean; the boosted weighted sum.
 * </ul>
 *
 * Classifiers predict the largest raw value, or the largest {@code p / threshold} when thresholds
 * are set.
 */
final class TreeModelStage implements ModelStage {
  enum Kind {
    DT_CLASSIFIER,
    RF_CLASSIFIER,
    GBT_CLASSIFIER,
    DT_REGRESSOR,
    RF_REGRESSOR,
    GBT_REGRESSOR
  }

  private final Kind kind;
  private final int features;
  private final Tree[] trees;
  private final double[] weights;
  private final int numClasses;
  private final double[] thresholds;

  private TreeModelStage(
      Kind kind,
      int features,
      Tree[] trees,
      double[] weights,
      int numClasses,
      double[] thresholds) {
    this.kind = kind;
    this.features = features;
    this.trees = trees;
    this.weights = weights;
    this.numClasses = numClasses;
    this.thresholds = thresholds;
  }

  static StageLoader loader(Kind kind) {
    return (s, layout) -> load(kind, s, layout);
  }

  @SuppressWarnings("unchecked")
  static Stage load(Kind kind, SavedStage s, Layout layout) {
    JsonNode nf = s.meta("numFeatures");
    if (nf == null) {
      throw Errors.stageMetadataMissing(s.simpleName(), s.dir, "numFeatures");
    }
    int numFeatures = nf.asInt();
    int features = Models.features(s, layout, numFeatures);
    int numClasses =
        switch (kind) {
          case DT_CLASSIFIER, RF_CLASSIFIER -> s.meta("numClasses").asInt();
          case GBT_CLASSIFIER -> 2;
          default -> 0;
        };
    List<Map<String, Object>> rows = s.rows("data");
    Tree[] trees;
    double[] weights;
    if (kind == Kind.DT_CLASSIFIER || kind == Kind.DT_REGRESSOR) {
      trees = new Tree[] {Tree.of(rows, numFeatures, s.dir.toString())};
      weights = new double[] {1.0};
    } else {
      TreeMap<Integer, List<Map<String, Object>>> byTree = new TreeMap<>();
      for (Map<String, Object> r : rows) {
        if (!(r.get("treeID") instanceof Number) || !(r.get("nodeData") instanceof Map)) {
          throw Errors.unexpectedEnsembleColumns(s.dir, "data", r.keySet());
        }
        byTree
            .computeIfAbsent(((Number) r.get("treeID")).intValue(), k -> new ArrayList<>())
            .add((Map<String, Object>) r.get("nodeData"));
      }
      TreeMap<Integer, Double> w = new TreeMap<>();
      for (Map<String, Object> r : s.rows("treesMetadata")) {
        // Spark 4 saves (treeID, metadata, weights) as an unnamed tuple: _1, _2, _3.
        Object id = r.containsKey("treeID") ? r.get("treeID") : r.get("_1");
        Object weight = r.containsKey("weights") ? r.get("weights") : r.get("_3");
        if (!(id instanceof Number) || !(weight instanceof Number)) {
          throw Errors.unexpectedEnsembleColumns(s.dir, "treesMetadata", r.keySet());
        }
        w.put(((Number) id).intValue(), ((Number) weight).doubleValue());
      }
      int numTrees = w.size();
      trees = new Tree[numTrees];
      weights = new double[numTrees];
      for (int t = 0; t < numTrees; t++) {
        List<Map<String, Object>> nodes = byTree.get(t);
        if (nodes == null || !w.containsKey(t)) {
          throw Errors.ensembleLacksTree(s.dir, t);
        }
        trees[t] = Tree.of(nodes, numFeatures, s.dir.toString());
        weights[t] = w.get(t);
      }
    }
    double[] thresholds = s.isSet("thresholds") ? s.doubles("thresholds") : null;
    Models.outputs(s, layout);
    return new TreeModelStage(kind, features, trees, weights, numClasses, thresholds);
  }

  @Override
  public int numClasses() {
    return numClasses;
  }

  @Override
  public void apply(Frame f) {
    Models.requireFeatures(f, features, kind.name());
    double[] x = f.vec[features];
    switch (kind) {
      case DT_REGRESSOR -> f.prediction = trees[0].prediction[trees[0].leaf(x)];
      case RF_REGRESSOR -> {
        double sum = 0.0;
        for (Tree t : trees) {
          sum += t.prediction[t.leaf(x)];
        }
        f.prediction = sum / trees.length;
      }
      case GBT_REGRESSOR -> f.prediction = margin(f, x);
      case DT_CLASSIFIER -> {
        double[] counts = trees[0].stats[trees[0].leaf(x)];
        System.arraycopy(counts, 0, f.rawPrediction, 0, numClasses);
        System.arraycopy(counts, 0, f.probability, 0, numClasses);
        Linalg.normalize(f.probability);
        f.prediction = classify(f);
      }
      case RF_CLASSIFIER -> {
        double[] votes = f.rawPrediction;
        java.util.Arrays.fill(votes, 0.0);
        for (Tree t : trees) {
          double[] counts = t.stats[t.leaf(x)];
          double total = 0.0;
          for (double c : counts) {
            total += c;
          }
          if (total != 0) {
            for (int i = 0; i < numClasses; i++) {
              votes[i] += counts[i] / total;
            }
          }
        }
        System.arraycopy(votes, 0, f.probability, 0, numClasses);
        Linalg.normalize(f.probability);
        f.prediction = classify(f);
      }
      case GBT_CLASSIFIER -> {
        double m = margin(f, x);
        f.rawPrediction[0] = -m;
        f.rawPrediction[1] = m;
        f.probability[0] = 1.0 / (1.0 + Math.exp(-2.0 * f.rawPrediction[0]));
        f.probability[1] = 1.0 - f.probability[0];
        f.prediction = classify(f);
      }
    }
  }

  private double classify(Frame f) {
    return thresholds != null
        ? Linalg.thresholdArgmax(f.probability, thresholds)
        : Linalg.argmax(f.rawPrediction);
  }

  /** The boosted sum {@code dot(tree predictions, weights)}, as Spark's BLAS ddot sums it. */
  private double margin(Frame f, double[] x) {
    int n = trees.length;
    double[] preds = f.scratch(n);
    for (int t = 0; t < n; t++) {
      preds[t] = trees[t].prediction[trees[t].leaf(x)];
    }
    return Linalg.ddot(preds, weights, n);
  }
}
