package dev.lakeops.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.ConfigProblem;
import dev.lakeops.common.training.Algorithm;
import dev.lakeops.common.training.Metric;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** models.yaml: the examples load, and every mistake is named with its file, field and line. */
class ModelSpecLoaderTest {
  private static final Path EXAMPLES = Path.of("..", "conf", "examples");

  /** The feature columns of elec2's price_direction training set, in table order. */
  private static final List<String> ELEC2_FEATURES =
      List.of(
          "nswprice",
          "nswprice_mean_24h",
          "nswprice_mean_7d",
          "nswprice_std_24h",
          "nswprice_max_24h",
          "nswprice_min_24h",
          "price_spread",
          "price_up_now",
          "time_of_day",
          "day_of_week",
          "nswprice_mean_1h",
          "nswprice_std_1h",
          "nswprice_sum_24h",
          "nswprice_sum_23h30m",
          "nswprice_sum_24h30m",
          "price_vs_mean_24h",
          "price_change_30m",
          "yesterday_next_vs_mean",
          "yesterday_next_change",
          "price_vs_mean_24h_z",
          "price_change_30m_z",
          "yesterday_next_vs_mean_z",
          "yesterday_next_change_z",
          "nswdemand",
          "nswdemand_mean_24h",
          "nswdemand_mean_7d",
          "transfer_mean_24h",
          "high_price_periods_24h",
          "readings_7d");

  @TempDir Path tmp;

  // ---- the examples ---------------------------------------------------------------------

  @Test
  void loadsElec2Model() {
    ProjectConfig p = ProjectLoader.load(EXAMPLES.resolve("elec2"));

    assertThat(p.models()).containsOnlyKeys("price_direction");
    ModelSpec m = p.models().get("price_direction");
    assertThat(m.trainingSet()).isEqualTo("price_direction");
    assertThat(m.keyColumn()).isEqualTo("market_id");
    assertThat(m.task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(m.algorithm()).isEqualTo(Algorithm.GBT);
    assertThat(m.label()).isEqualTo("label");
    assertThat(m.features())
        .containsExactly(
            "price_up_now",
            "time_of_day",
            "day_of_week",
            "price_vs_mean_24h_z",
            "price_change_30m_z",
            "yesterday_next_vs_mean_z",
            "yesterday_next_change_z");
    assertThat(m.categorical()).isEmpty();
    assertThat(m.impute()).isEqualTo(ModelSpec.Imputation.MEAN);
    assertThat(m.scale()).isEqualTo(ModelSpec.Scaling.NONE);
    assertThat(m.params())
        .containsEntry("maxIter", 30)
        .containsEntry("maxDepth", 5)
        .containsEntry("stepSize", 0.15)
        .containsEntry("maxBins", 64);
    assertThat(m.grid()).isEmpty();
    assertThat(m.tuned()).isFalse();
    assertThat(m.split()).isEqualTo(new ModelSpec.Split(ModelSpec.SplitMethod.TIME, 0.2, 42));
    assertThat(m.seed()).isEqualTo(42);
    assertThat(m.gate()).isEqualTo(new ModelSpec.Gate(Metric.AUC_ROC, 0.0));
  }

  @Test
  void loadsCdnowModelWithDefaults() {
    ProjectConfig p = ProjectLoader.load(EXAMPLES.resolve("cdnow"));

    ModelSpec m = p.models().get("repeat_purchase");
    assertThat(m.keyColumn()).isEqualTo("customer_id");
    assertThat(m.algorithm()).isEqualTo(Algorithm.GBT);
    // No 'features': every feature column of the training set, in table order.
    assertThat(m.features())
        .containsExactly(
            "purchases_30d",
            "purchases_90d",
            "purchases_365d",
            "cds_90d",
            "last_cds",
            "spend_30d",
            "spend_90d",
            "spend_365d",
            "mean_order_365d",
            "max_order_365d",
            "price_per_cd_365d",
            "big_orders_365d");
    assertThat(m.scale()).isEqualTo(ModelSpec.Scaling.NONE);
    assertThat(m.grid().get("maxDepth")).containsExactly(3, 5);
    assertThat(m.tuning().method()).isEqualTo(ModelSpec.TuningMethod.TRAIN_VALIDATION_SPLIT);
    assertThat(m.tuning().trainRatio()).isEqualTo(0.8);
    assertThat(m.split()).isEqualTo(new ModelSpec.Split(ModelSpec.SplitMethod.RANDOM, 0.2, 42));
  }

  @Test
  void missingModelsFileIsFine() throws IOException {
    Path dir = copy("elec2");
    Files.delete(dir.resolve("models.yaml"));
    Files.delete(dir.resolve("pipelines.yaml")); // it names the model

    assertThat(ProjectLoader.load(dir).models()).isEmpty();
  }

  @Test
  void minimalModelGetsTheDefaults() throws IOException {
    Path dir =
        project(
            """
            models:
              - name: m
                training_set: price_direction
                task: classification
                algorithm: random_forest
            """);

    ModelSpec m = ProjectLoader.load(dir).models().get("m");

    assertThat(m.label()).isEqualTo("label");
    assertThat(m.features()).containsExactlyElementsOf(ELEC2_FEATURES);
    assertThat(m.impute()).isEqualTo(ModelSpec.Imputation.MEAN);
    assertThat(m.scale()).isEqualTo(ModelSpec.Scaling.NONE);
    assertThat(m.params()).isEmpty();
    assertThat(m.tuned()).isFalse();
    assertThat(m.tuning()).isNull();
    assertThat(m.split()).isEqualTo(new ModelSpec.Split(ModelSpec.SplitMethod.TIME, 0.2, 42));
    assertThat(m.gate()).isEqualTo(new ModelSpec.Gate(Metric.AUC_ROC, 0.0));
  }

  // ---- broken models --------------------------------------------------------------------

  @Test
  void unknownAlgorithmListsTheAcceptedOnes() throws IOException {
    Path dir = project(model("algorithm: xgboost", ""));

    ConfigException e = loadFails(dir);

    assertThat(e.problems()).hasSize(1);
    ConfigProblem p = problemAt(e, "models[0].algorithm", 5);
    assertThat(p.problem())
        .isEqualTo(
            "unknown algorithm 'xgboost'; expected one of [logistic_regression,"
                + " linear_regression, decision_tree, random_forest, gbt].");
    assertThat(p.fix()).isEqualTo("use one of the accepted values.");
  }

  @Test
  void hyperparameterOfTheWrongType() throws IOException {
    Path dir =
        project(model("algorithm: logistic_regression", "    params:\n      maxIter: lots\n"));

    ConfigException e = loadFails(dir);

    assertThat(e.problems()).hasSize(1);
    ConfigProblem p = problemAt(e, "models[0].params.maxIter", 7);
    assertThat(p.problem()).isEqualTo("maxIter expects an integer >= 0, got 'lots'.");
    assertThat(p.fix()).isEqualTo("write a whole number such as 10.");
  }

  @Test
  void gridValuesOfTheWrongTypeAreEachReported() throws IOException {
    Path dir =
        project(model("algorithm: logistic_regression", "    grid:\n      regParam: [a, b]\n"));

    ConfigException e = loadFails(dir);

    assertThat(e.problems()).hasSize(2);
    ConfigProblem a = problemAt(e, "models[0].grid.regParam[0]", 7);
    assertThat(a.problem()).isEqualTo("regParam expects a number >= 0.0, got 'a'.");
    assertThat(a.fix()).isEqualTo("write a number such as 0.01.");
    ConfigProblem b = problemAt(e, "models[0].grid.regParam[1]", 7);
    assertThat(b.problem()).isEqualTo("regParam expects a number >= 0.0, got 'b'.");
  }

  @Test
  void gridNeedsAListAndParamsASingleValue() throws IOException {
    Path dir =
        project(
            model(
                "algorithm: logistic_regression",
                "    params:\n      maxIter: [10, 20]\n    grid:\n      regParam: 0.1\n"));

    ConfigException e = loadFails(dir);

    assertThat(e.problems()).hasSize(2);
    assertThat(problemAt(e, "models[0].params.maxIter", 7).problem())
        .isEqualTo("maxIter expects an integer >= 0, got a list.");
    assertThat(problemAt(e, "models[0].grid.regParam", 9).problem())
        .isEqualTo(
            "expected a list of values to search for regParam (a number >= 0.0 each), got '0.1'.");
  }

  @Test
  void hyperparameterOutOfRange() throws IOException {
    Path dir =
        project(
            model(
                "algorithm: random_forest",
                "    params:\n      subsamplingRate: 0\n      impurity: variance\n"));

    ConfigException e = loadFails(dir);

    assertThat(problemAt(e, "models[0].params.subsamplingRate", 7).problem())
        .isEqualTo("subsamplingRate must be a number in (0.0, 1.0], got 0.0.");
    assertThat(problemAt(e, "models[0].params.impurity", 8).problem())
        .isEqualTo("impurity must be one of [gini, entropy], got 'variance'.");
  }

  @Test
  void unknownHyperparameterListsTheAcceptedOnes() throws IOException {
    Path dir =
        project(model("algorithm: logistic_regression", "    params:\n      maxIters: 10\n"));

    ConfigException e = loadFails(dir);

    assertThat(e.problems()).hasSize(1);
    ConfigProblem p = problemAt(e, "models[0].params.maxIters", 7);
    assertThat(p.problem())
        .isEqualTo(
            "unknown parameter 'maxIters' for logistic_regression (classification); accepted"
                + " parameters are [maxIter, regParam, elasticNetParam, fitIntercept,"
                + " standardization, tol, aggregationDepth, threshold, family].");
    assertThat(p.fix())
        .isEqualTo("use one of the accepted parameters (MLlib names, case-sensitive).");
  }

  @Test
  void missingLabelColumnListsTheTrainingSetColumns() throws IOException {
    Path dir = project(model("algorithm: logistic_regression", "    label: target\n"));

    ConfigException e = loadFails(dir);

    assertThat(e.problems()).hasSize(1);
    ConfigProblem p = problemAt(e, "models[0].label", 6);
    assertThat(p.problem())
        .startsWith(
            "unknown label column 'target'; the training set 'price_direction' has the columns"
                + " [market_id, event_time, label, nswprice, ")
        .endsWith(", readings_7d, market_demand__event_time].");
    assertThat(p.fix())
        .isEqualTo("use 'label' (the training set's label) or a numeric feature column.");
  }

  @Test
  void unknownFeatureListsTheTrainingSetFeatures() throws IOException {
    Path dir =
        project(
            model(
                "algorithm: logistic_regression",
                "    features: [nswprice, nswprise]\n    categorical: [day]\n"));

    ConfigException e = loadFails(dir);

    assertThat(e.problems()).hasSize(2);
    ConfigProblem p = problemAt(e, "models[0].features[1]", 6);
    assertThat(p.problem())
        .isEqualTo(
            "unknown feature 'nswprise'; the feature columns of training set 'price_direction'"
                + " are "
                + ELEC2_FEATURES
                + ".");
    assertThat(p.fix())
        .isEqualTo("use one of them, or add its view to the training set in training_sets.yaml.");
    assertThat(problemAt(e, "models[0].categorical[0]", 7).problem())
        .isEqualTo("categorical feature 'day' is not one of the model's features [nswprice].");
  }

  @Test
  void algorithmMustDoTheTask() throws IOException {
    Path dir = project(model("algorithm: linear_regression", ""));

    ConfigException e = loadFails(dir);

    assertThat(e.problems()).hasSize(1);
    ConfigProblem p = problemAt(e, "models[0].algorithm", 5);
    assertThat(p.problem())
        .isEqualTo(
            "algorithm 'linear_regression' does not do classification; for classification use"
                + " one of [logistic_regression, decision_tree, random_forest, gbt].");
    assertThat(p.fix()).isEqualTo("change the algorithm or the task.");
  }

  @Test
  void unknownTrainingSet() throws IOException {
    Path dir =
        project(
            """
            models:
              - name: m
                training_set: price_directions
                task: classification
                algorithm: gbt
            """);

    ConfigException e = loadFails(dir);

    assertThat(e.problems()).hasSize(1);
    ConfigProblem p = problemAt(e, "models[0].training_set", 3);
    assertThat(p.problem())
        .isEqualTo(
            "unknown training set 'price_directions'; known training sets are [price_direction].");
    assertThat(p.fix()).isEqualTo("declare it in training_sets.yaml or use a known one.");
  }

  @Test
  void metricsMustFitTheTaskAndTuningNeedsAGrid() throws IOException {
    Path dir =
        project(
            model(
                "algorithm: gbt",
                "    tuning: {method: cross_validation, metric: rmse}\n"
                    + "    split: {method: random, holdout: 1.5}\n"
                    + "    gate: {metric: auc}\n"));

    ConfigException e = loadFails(dir);

    assertThat(e.problems())
        .extracting(ConfigProblem::field)
        .containsExactlyInAnyOrder(
            "models[0].tuning",
            "models[0].tuning.metric",
            "models[0].split.holdout",
            "models[0].gate.metric");
    assertThat(problemAt(e, "models[0].tuning", 6).problem())
        .isEqualTo("'tuning' is set but the model has no 'grid': there is nothing to tune.");
    assertThat(problemAt(e, "models[0].tuning.metric", 6).problem())
        .isEqualTo(
            "metric 'rmse' is a regression metric, but the model does classification; expected"
                + " one of [auc_roc, auc_pr, accuracy, log_loss, f1].");
    assertThat(problemAt(e, "models[0].split.holdout", 7).problem())
        .isEqualTo("holdout must be a share between 0 and 1 (exclusive), got 1.5.");
    assertThat(problemAt(e, "models[0].gate.metric", 8).problem())
        .isEqualTo(
            "unknown metric 'auc'; expected one of [auc_roc, auc_pr, accuracy, log_loss, f1].");
  }

  @Test
  void reportsEveryModelProblemWithTheRestOfTheProject() throws IOException {
    Path dir =
        project(
            """
            models:
              - name: a
                training_set: price_direction
                task: classification
                algorithm: xgboost
              - name: b
                training_set: price_direction
                task: regression
                algorithm: decision_tree
                params: {maxDepth: deep, impurity: gini}
            """);
    edit(dir, "training_sets.yaml", "label: price_up", "label: price_upp");

    ConfigException e = loadFails(dir);

    assertThat(e.problems())
        .extracting(p -> p.file().substring(p.file().lastIndexOf('/') + 1) + " " + p.field())
        .containsExactlyInAnyOrder(
            "training_sets.yaml training_sets[0].label",
            // The training set is broken: the models' references to it are not reported again,
            // but their own mistakes are.
            "models.yaml models[0].algorithm",
            "models.yaml models[1].params.maxDepth",
            "models.yaml models[1].params.impurity");
    assertThat(problemAt(e, "models[1].params.impurity", 10).problem())
        .isEqualTo("impurity must be one of [variance], got 'gini'.");
  }

  // ---- helpers --------------------------------------------------------------------------

  /** A models.yaml with one price_direction classification model: line 5 is the algorithm. */
  private static String model(String algorithmLine, String more) {
    return "models:\n"
        + "  - name: m\n"
        + "    training_set: price_direction\n"
        + "    task: classification\n"
        + "    "
        + algorithmLine
        + "\n"
        + more;
  }

  /** A copy of elec2 with {@code modelsYaml} as its models.yaml. */
  private Path project(String modelsYaml) throws IOException {
    Path dir = copy("elec2");
    Files.writeString(dir.resolve("models.yaml"), modelsYaml);
    Files.deleteIfExists(dir.resolve("pipelines.yaml")); // it names the example's model
    return dir;
  }

  private Path copy(String example) throws IOException {
    Path dir = tmp.resolve(example);
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(EXAMPLES.resolve(example))) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName().toString()));
      }
    }
    // The example's monitoring.yaml is left out: these tests write their own, or none.
    Files.deleteIfExists(dir.resolve(MonitoringConfig.FILE));
    return dir;
  }

  private static void edit(Path dir, String file, String from, String to) throws IOException {
    Path f = dir.resolve(file);
    String text = Files.readString(f);
    assertThat(text).as("text to replace in %s", file).contains(from);
    Files.writeString(f, text.replace(from, to));
  }

  private static ConfigException loadFails(Path dir) {
    return assertThrows(ConfigException.class, () -> ProjectLoader.load(dir));
  }

  /** The one problem at {@code field}, checked to be in models.yaml at {@code line}. */
  private static ConfigProblem problemAt(ConfigException e, String field, int line) {
    List<ConfigProblem> at = e.problems().stream().filter(p -> p.field().equals(field)).toList();
    assertThat(at).as("problems at '%s' in %s", field, e.getMessage()).hasSize(1);
    ConfigProblem p = at.get(0);
    assertThat(p.file()).endsWith("models.yaml");
    assertThat(p.line()).isEqualTo(line);
    assertThat(e.getMessage()).contains(p.problem());
    if (p.fix() != null) {
      assertThat(e.getMessage()).contains("Fix: " + p.fix());
    }
    return p;
  }
}
