package dev.lakeops.common.scoring;

import java.util.Map;

/** LinearRegressionModel: {@code dot(features, coefficients) + intercept}. */
final class LinearRegressionStage implements ModelStage {
  private final int features;
  private final double[] coef;
  private final boolean coefDense;
  private final double intercept;

  private LinearRegressionStage(int features, double[] coef, boolean coefDense, double intercept) {
    this.features = features;
    this.coef = coef;
    this.coefDense = coefDense;
    this.intercept = intercept;
  }

  static Stage load(SavedStage s, Layout layout) {
    Map<String, Object> row = s.rows("data").get(0);
    double[] coef = ParquetRows.vector(row.get("coefficients"));
    int features = Models.features(s, layout, coef.length);
    Models.outputs(s, layout);
    return new LinearRegressionStage(
        features,
        coef,
        ParquetRows.isDenseVector(row.get("coefficients")),
        ((Number) row.get("intercept")).doubleValue());
  }

  @Override
  public int numClasses() {
    return 0;
  }

  @Override
  public void apply(Frame f) {
    Models.requireFeatures(f, features, "LinearRegressionModel");
    f.prediction = Linalg.dot(f.vec[features], f.dense[features], coef, coefDense) + intercept;
  }
}
