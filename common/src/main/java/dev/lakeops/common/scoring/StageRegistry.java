package dev.lakeops.common.scoring;

import dev.lakeops.common.error.Errors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/** The stages the scorer supports, by the MLlib class name a saved stage records. */
final class StageRegistry {
  private static final String FEATURE = "org.apache.spark.ml.feature.";
  private static final String CLASSIFICATION = "org.apache.spark.ml.classification.";
  private static final String REGRESSION = "org.apache.spark.ml.regression.";

  private static final Map<String, StageLoader> LOADERS = new LinkedHashMap<>();

  static {
    LOADERS.put(FEATURE + "VectorAssembler", VectorAssemblerStage::load);
    LOADERS.put(FEATURE + "ImputerModel", ImputerStage::load);
    LOADERS.put(FEATURE + "SQLTransformer", SqlCastStage::load);
    LOADERS.put(FEATURE + "StandardScalerModel", StandardScalerStage::load);
    LOADERS.put(FEATURE + "MinMaxScalerModel", MinMaxScalerStage::load);
    LOADERS.put(FEATURE + "StringIndexerModel", StringIndexerStage::load);
    LOADERS.put(FEATURE + "OneHotEncoderModel", OneHotEncoderStage::load);
    LOADERS.put(CLASSIFICATION + "LogisticRegressionModel", LogisticRegressionStage::load);
    LOADERS.put(REGRESSION + "LinearRegressionModel", LinearRegressionStage::load);
    LOADERS.put(
        CLASSIFICATION + "DecisionTreeClassificationModel",
        TreeModelStage.loader(TreeModelStage.Kind.DT_CLASSIFIER));
    LOADERS.put(
        CLASSIFICATION + "RandomForestClassificationModel",
        TreeModelStage.loader(TreeModelStage.Kind.RF_CLASSIFIER));
    LOADERS.put(
        CLASSIFICATION + "GBTClassificationModel",
        TreeModelStage.loader(TreeModelStage.Kind.GBT_CLASSIFIER));
    LOADERS.put(
        REGRESSION + "DecisionTreeRegressionModel",
        TreeModelStage.loader(TreeModelStage.Kind.DT_REGRESSOR));
    LOADERS.put(
        REGRESSION + "RandomForestRegressionModel",
        TreeModelStage.loader(TreeModelStage.Kind.RF_REGRESSOR));
    LOADERS.put(
        REGRESSION + "GBTRegressionModel",
        TreeModelStage.loader(TreeModelStage.Kind.GBT_REGRESSOR));
  }

  private StageRegistry() {}

  static Stage load(SavedStage saved, Layout layout) {
    StageLoader loader = LOADERS.get(saved.className);
    if (loader == null) {
      throw Errors.unsupportedStage(saved.className, saved.uid(), supported());
    }
    return loader.load(saved, layout);
  }

  static TreeSet<String> supported() {
    TreeSet<String> names = new TreeSet<>();
    for (String c : LOADERS.keySet()) {
      names.add(c.substring(c.lastIndexOf('.') + 1));
    }
    return names;
  }
}
