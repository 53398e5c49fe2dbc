package dev.lakeops.spark.training;

import dev.lakeops.common.training.Algorithm;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.ParamDef;
import dev.lakeops.common.training.Task;
import dev.lakeops.spark.SparkErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Predictor;
import org.apache.spark.ml.classification.DecisionTreeClassifier;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.MinMaxScaler;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.regression.DecisionTreeRegressor;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.RandomForestRegressor;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.StructType;

/**
 * Turns a {@link ModelSpec} into an MLlib pipeline: booleans cast to numbers, numeric features
 * imputed, assembled (invalid values kept as NaN) and scaled; categorical features string-indexed
 * and one-hot encoded (unseen and null values get their own slot); then one assembler and the
 * estimator. Internal columns start with {@value #PREFIX}, which no configured name can.
 */
final class ModelPipelines {
  static final String PREFIX = "_lk_";
  static final String FEATURES = PREFIX + "features";
  static final String PREDICTION = "prediction";
  static final String PROBABILITY = "probability";
  static final String RAW_PREDICTION = "rawPrediction";

  private ModelPipelines() {}

  /** The pipeline and the estimator inside it, whose params the grid refers to. */
  record Built(Pipeline pipeline, Predictor<?, ?, ?> estimator) {}

  static Built build(ModelSpec spec, StructType schema, List<String> categorical) {
    List<PipelineStage> stages = new ArrayList<>();
    List<String> booleans =
        spec.features().stream()
            .filter(f -> schema.apply(f).dataType() instanceof BooleanType)
            .toList();
    if (!booleans.isEmpty()) {
      StringBuilder sql = new StringBuilder("SELECT *");
      for (String b : booleans) {
        sql.append(", CAST(").append(quote(b)).append(" AS DOUBLE) AS ").append(quote(boolCol(b)));
      }
      stages.add(new SQLTransformer().setStatement(sql.append(" FROM __THIS__").toString()));
    }
    List<String> numeric = spec.features().stream().filter(f -> !categorical.contains(f)).toList();
    List<String> vectors = new ArrayList<>();
    if (!numeric.isEmpty()) {
      String[] in =
          numeric.stream().map(f -> booleans.contains(f) ? boolCol(f) : f).toArray(String[]::new);
      if (spec.impute() != ModelSpec.Imputation.NONE) {
        String[] out = numeric.stream().map(f -> PREFIX + "imp_" + f).toArray(String[]::new);
        stages.add(
            new Imputer()
                .setInputCols(in)
                .setOutputCols(out)
                .setStrategy(spec.impute() == ModelSpec.Imputation.MEAN ? "mean" : "median"));
        in = out;
      }
      String assembled = PREFIX + "numeric";
      stages.add(
          new VectorAssembler().setInputCols(in).setOutputCol(assembled).setHandleInvalid("keep"));
      switch (spec.scale()) {
        case STANDARD -> {
          stages.add(
              new StandardScaler()
                  .setInputCol(assembled)
                  .setOutputCol(PREFIX + "scaled")
                  .setWithMean(true)
                  .setWithStd(true));
          vectors.add(PREFIX + "scaled");
        }
        case MINMAX -> {
          stages.add(new MinMaxScaler().setInputCol(assembled).setOutputCol(PREFIX + "scaled"));
          vectors.add(PREFIX + "scaled");
        }
        default -> vectors.add(assembled);
      }
    }
    if (!categorical.isEmpty()) {
      String[] in =
          categorical.stream()
              .map(f -> booleans.contains(f) ? boolCol(f) : f)
              .toArray(String[]::new);
      String[] idx = categorical.stream().map(f -> PREFIX + "idx_" + f).toArray(String[]::new);
      String[] ohe = categorical.stream().map(f -> PREFIX + "ohe_" + f).toArray(String[]::new);
      stages.add(new StringIndexer().setInputCols(in).setOutputCols(idx).setHandleInvalid("keep"));
      stages.add(new OneHotEncoder().setInputCols(idx).setOutputCols(ohe).setHandleInvalid("keep"));
      vectors.addAll(List.of(ohe));
    }
    stages.add(
        new VectorAssembler()
            .setInputCols(vectors.toArray(String[]::new))
            .setOutputCol(FEATURES)
            .setHandleInvalid("keep"));
    Predictor<?, ?, ?> estimator = estimator(spec);
    stages.add(estimator);
    return new Built(new Pipeline().setStages(stages.toArray(PipelineStage[]::new)), estimator);
  }

  private static Predictor<?, ?, ?> estimator(ModelSpec spec) {
    boolean cls = spec.task() == Task.CLASSIFICATION;
    Predictor<?, ?, ?> p =
        switch (spec.algorithm()) {
          case LOGISTIC_REGRESSION -> new LogisticRegression();
          case LINEAR_REGRESSION -> new LinearRegression();
          case DECISION_TREE ->
              cls
                  ? new DecisionTreeClassifier().setSeed(spec.seed())
                  : new DecisionTreeRegressor().setSeed(spec.seed());
          case RANDOM_FOREST ->
              cls
                  ? new RandomForestClassifier().setSeed(spec.seed())
                  : new RandomForestRegressor().setSeed(spec.seed());
          case GBT ->
              cls
                  ? new GBTClassifier().setSeed(spec.seed())
                  : new GBTRegressor().setSeed(spec.seed());
        };
    p.set(p.getParam("featuresCol"), FEATURES);
    p.set(p.getParam("labelCol"), spec.label());
    p.set(p.getParam("predictionCol"), PREDICTION);
    if (p instanceof ProbabilisticClassifier<?, ?, ?> c) {
      c.set(c.getParam("probabilityCol"), PROBABILITY);
      c.set(c.getParam("rawPredictionCol"), RAW_PREDICTION);
    }
    for (Map.Entry<String, Object> e : spec.params().entrySet()) {
      Param<Object> param = p.getParam(e.getKey());
      set(spec, p, param, e.getValue());
    }
    return p;
  }

  /** The grid as one ParamMap per combination, in file order (the last name varies fastest). */
  static ParamMap[] grid(ModelSpec spec, Params estimator) {
    List<ParamMap> maps = new ArrayList<>(List.of(new ParamMap()));
    for (Map.Entry<String, List<Object>> e : spec.grid().entrySet()) {
      Param<Object> param = estimator.getParam(e.getKey());
      List<ParamMap> next = new ArrayList<>();
      for (ParamMap m : maps) {
        for (Object v : e.getValue()) {
          next.add(m.copy().put(param, coerce(spec, param, v)));
        }
      }
      maps = next;
    }
    return maps.toArray(ParamMap[]::new);
  }

  /**
   * Checks the spec's hyperparameters the way the loader does, for specs built in code: unknown
   * names, wrong types and values out of range fail before any Spark work.
   */
  static void checkParams(ModelSpec spec) {
    Algorithm a = spec.algorithm();
    if (!a.supports(spec.task())) {
      throw SparkErrors.algorithmWithoutTask(
          spec,
          a.key(),
          spec.task().key(),
          Algorithm.of(spec.task()).stream().map(Algorithm::key).toList());
    }
    List<String> problems = new ArrayList<>();
    spec.params().forEach((k, v) -> check(spec, k, v).ifPresent(problems::add));
    spec.grid().forEach((k, vs) -> vs.forEach(v -> check(spec, k, v).ifPresent(problems::add)));
    if (!problems.isEmpty()) {
      throw SparkErrors.invalidHyperparameters(spec, problems);
    }
  }

  private static java.util.Optional<String> check(ModelSpec spec, String name, Object value) {
    java.util.Optional<ParamDef> def = spec.algorithm().param(spec.task(), name);
    if (def.isEmpty()) {
      return java.util.Optional.of(
          "unknown parameter '"
              + name
              + "' for "
              + spec.algorithm().key()
              + "; accepted parameters are "
              + spec.algorithm().paramNames(spec.task())
              + ".");
    }
    Object v = value;
    if (def.get().type() == ParamDef.Type.DOUBLE && value instanceof Number n) {
      v = n.doubleValue(); // an integer written for a double parameter is fine
    }
    return def.get().check(v);
  }

  private static void set(ModelSpec spec, Params p, Param<Object> param, Object value) {
    p.set(param, coerce(spec, param, value));
  }

  /** The value as the Java type MLlib's param expects, checked by the param's own validator. */
  private static Object coerce(ModelSpec spec, Param<Object> param, Object value) {
    Object v = value;
    if (param instanceof DoubleParam && value instanceof Number n) {
      v = n.doubleValue();
    } else if (param instanceof IntParam && value instanceof Number n) {
      v = n.intValue();
    } else if (param instanceof LongParam && value instanceof Number n) {
      v = n.longValue();
    } else if (param instanceof BooleanParam && value instanceof String s) {
      v = Boolean.parseBoolean(s);
    } else if (!(param instanceof DoubleParam
            || param instanceof IntParam
            || param instanceof LongParam
            || param instanceof BooleanParam)
        && !(value instanceof String)) {
      v = String.valueOf(value);
    }
    if (!param.isValid().apply(v).equals(Boolean.TRUE)) {
      throw SparkErrors.mllibRejectsParam(spec, param.name(), value, param.doc());
    }
    return v;
  }

  static String boolCol(String feature) {
    return PREFIX + "bool_" + feature;
  }

  static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
