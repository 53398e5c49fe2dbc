package dev.lakeops.spark.training;

import dev.lakeops.common.training.Metric;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.spark.SparkErrors;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Fitting: the pipeline fitted on the training split, searching the grid when the spec has one. */
final class ModelTuning {
  private ModelTuning() {}

  static PipelineModel fit(
      ModelSpec spec, ModelPipelines.Built built, Dataset<Row> train, int numClasses) {
    try {
      if (!spec.tuned()) {
        return built.pipeline().fit(train);
      }
      ModelSpec.Tuning t = spec.tuning();
      ParamMap[] grid = ModelPipelines.grid(spec, built.estimator());
      Evaluator evaluator = evaluator(spec, t.metric(), numClasses);
      Model<?> best;
      if (t.method() == ModelSpec.TuningMethod.CROSS_VALIDATION) {
        best =
            new CrossValidator()
                .setEstimator(built.pipeline())
                .setEstimatorParamMaps(grid)
                .setEvaluator(evaluator)
                .setNumFolds(t.folds())
                .setParallelism(t.parallelism())
                .setSeed(spec.seed())
                .fit(train)
                .bestModel();
      } else {
        best =
            new TrainValidationSplit()
                .setEstimator(built.pipeline())
                .setEstimatorParamMaps(grid)
                .setEvaluator(evaluator)
                .setTrainRatio(t.trainRatio())
                .setParallelism(t.parallelism())
                .setSeed(spec.seed())
                .fit(train)
                .bestModel();
      }
      // The tuner refits the best parameters on everything it was given: the whole training split.
      return (PipelineModel) best;
    } catch (IllegalArgumentException e) {
      throw SparkErrors.mllibCouldNotTrain(spec, e);
    }
  }

  private static Evaluator evaluator(ModelSpec spec, Metric metric, int numClasses) {
    String label = spec.label();
    return switch (metric) {
      case AUC_ROC, AUC_PR -> {
        if (numClasses != 2) {
          throw SparkErrors.binaryMetricOnMulticlass(spec, metric.key(), numClasses);
        }
        // numBins 0: the tuner ranks on the exact curve, as the holdout metrics are.
        yield new BinaryClassificationEvaluator()
            .setNumBins(0)
            .setLabelCol(label)
            .setRawPredictionCol(ModelPipelines.RAW_PREDICTION)
            .setMetricName(metric == Metric.AUC_ROC ? "areaUnderROC" : "areaUnderPR");
      }
      case ACCURACY, LOG_LOSS, F1 -> {
        MulticlassClassificationEvaluator e =
            new MulticlassClassificationEvaluator()
                .setLabelCol(label)
                .setPredictionCol(ModelPipelines.PREDICTION)
                .setProbabilityCol(ModelPipelines.PROBABILITY);
        yield switch (metric) {
          case ACCURACY -> e.setMetricName("accuracy");
          case LOG_LOSS -> e.setMetricName("logLoss");
          default ->
              numClasses == 2
                  ? e.setMetricName("fMeasureByLabel").setMetricLabel(1.0)
                  : e.setMetricName("f1");
        };
      }
      case RMSE, MAE, R2 ->
          new RegressionEvaluator()
              .setLabelCol(label)
              .setPredictionCol(ModelPipelines.PREDICTION)
              .setMetricName(metric.key());
    };
  }

  /** Every explicitly set parameter of the pipeline's final model, by name, as text. */
  static Map<String, String> params(PipelineModel model) {
    Transformer last = model.stages()[model.stages().length - 1];
    Map<String, String> out = new java.util.TreeMap<>();
    for (Param<?> p : last.params()) {
      if (last.isSet(p)) {
        out.put(p.name(), text(last.getOrDefault(p)));
      }
    }
    return new LinkedHashMap<>(out);
  }

  private static String text(Object v) {
    if (v instanceof double[] a) {
      return Arrays.toString(a);
    }
    if (v instanceof Object[] a) {
      return Arrays.toString(a);
    }
    return String.valueOf(v);
  }
}
