package dev.lakeops.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The two saved models of {@code submit/bench score}: an Elec2-like pipeline (Imputer on 12 numeric
 * features, VectorAssembler, StandardScaler, LogisticRegression) and the same features into a GBT
 * classifier (20 trees, depth 5). Rows are generated from a seed, so the fitting JVM and the
 * measuring JVM see the same rows.
 */
final class ScoringModels {
  static final String[] FEATURES = {
    "nswprice",
    "nswdemand",
    "vicprice",
    "vicdemand",
    "transfer",
    "period",
    "day_of_week",
    "nswprice_lag1",
    "nswdemand_lag1",
    "vicprice_lag1",
    "price_ma_day",
    "demand_ma_day"
  };

  static final StructType SCHEMA;

  static {
    StructType s = new StructType();
    for (String f : FEATURES) {
      s = s.add(f, DataTypes.DoubleType);
    }
    SCHEMA = s.add("label", DataTypes.DoubleType);
  }

  private ScoringModels() {}

  /** Rows with about 1% nulls per feature; the label is a noisy logistic function of them. */
  static List<Row> rows(int n, long seed) {
    Random r = new Random(seed);
    List<Row> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Object[] v = new Object[FEATURES.length + 1];
      double z = -0.2;
      for (int k = 0; k < FEATURES.length; k++) {
        double g = r.nextGaussian();
        z += (k % 3 == 0 ? 0.8 : k % 3 == 1 ? -0.5 : 0.2) * g;
        double scale = 1 + k * 7;
        v[k] = r.nextInt(100) == 0 ? null : g * scale + k * 10;
      }
      v[FEATURES.length] = r.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1.0 : 0.0;
      out.add(RowFactory.create(v));
    }
    return out;
  }

  static Pipeline pipeline(String model) {
    List<PipelineStage> s = new ArrayList<>();
    String[] imputed = new String[FEATURES.length];
    for (int i = 0; i < imputed.length; i++) {
      imputed[i] = FEATURES[i] + "_imp";
    }
    s.add(new Imputer().setInputCols(FEATURES).setOutputCols(imputed).setStrategy("mean"));
    s.add(new VectorAssembler().setInputCols(imputed).setOutputCol("raw").setHandleInvalid("keep"));
    s.add(
        new StandardScaler()
            .setInputCol("raw")
            .setOutputCol("features")
            .setWithMean(true)
            .setWithStd(true));
    if (model.equals("lr")) {
      s.add(new LogisticRegression().setMaxIter(50).setRegParam(0.01));
    } else {
      s.add(new GBTClassifier().setMaxIter(20).setMaxDepth(5).setSeed(42));
    }
    return new Pipeline().setStages(s.toArray(PipelineStage[]::new));
  }

  /** Fits and saves both models under {@code dir/lr} and {@code dir/gbt}. */
  static void fitAndSave(SparkSession spark, Path dir, int rows) throws java.io.IOException {
    var train = spark.createDataFrame(rows(rows, 7), SCHEMA);
    for (String m : List.of("lr", "gbt")) {
      long start = System.nanoTime();
      pipeline(m).fit(train).write().overwrite().save(dir.resolve(m).toString());
      System.out.printf(
          "score: fitted and saved the %s pipeline on %,d rows (%.1f s)%n",
          m, rows, (System.nanoTime() - start) / 1e9);
    }
  }
}
