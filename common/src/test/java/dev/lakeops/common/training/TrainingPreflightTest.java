package dev.lakeops.common.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeops.common.training.TrainingPreflight.ColumnKind;
import dev.lakeops.common.training.TrainingPreflight.Finding;
import dev.lakeops.common.training.TrainingPreflight.LabelFacts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each kind of spec MLlib refuses is found before any engine starts; accepted specs pass. */
class TrainingPreflightTest {
  /** A training set: two numeric features, a boolean, a text column, and the label. */
  private static final Map<String, ColumnKind> COLUMNS =
      Map.of(
          "amount", ColumnKind.NUMERIC,
          "visits", ColumnKind.NUMERIC,
          "member", ColumnKind.BOOLEAN,
          "country", ColumnKind.TEXT,
          "first_seen", ColumnKind.OTHER,
          "label", ColumnKind.NUMERIC);

  private static ModelSpec.Builder spec(Task task, Algorithm a) {
    return ModelSpec.builder("m", task, a).keyColumn("id").features(List.of("amount", "visits"));
  }

  private static List<String> fields(ModelSpec spec) {
    return TrainingPreflight.check(spec, COLUMNS).stream().map(Finding::field).toList();
  }

  @Test
  void acceptedSpecsHaveNoFindings() {
    for (Algorithm a : Algorithm.values()) {
      for (Task t : a.tasks()) {
        ModelSpec s =
            spec(t, a)
                .features(List.of("amount", "member", "country"))
                .categorical(List.of("country"))
                .build();
        assertThat(TrainingPreflight.check(s, COLUMNS)).as("%s %s", a, t).isEmpty();
      }
    }
  }

  @Test
  void imputeNoneWithNumericFeaturesIsRefusedForEveryAlgorithm() {
    for (Algorithm a : Algorithm.values()) {
      ModelSpec s =
          spec(a.tasks().get(0), a)
              .features(List.of("amount", "member", "country"))
              .categorical(List.of("country"))
              .impute(ModelSpec.Imputation.NONE)
              .build();
      List<Finding> f = TrainingPreflight.check(s, COLUMNS);
      assertThat(f).as("%s", a).extracting(Finding::field).containsExactly("impute");
      // The boolean is numeric too (cast to 0/1): a null one is NaN.
      assertThat(f.get(0).problem()).contains("[amount, member]").contains("NaN");
      assertThat(f.get(0).fix()).contains("impute: mean");
    }
  }

  @Test
  void imputeNoneIsFineWhenEveryFeatureIsCategorical() {
    ModelSpec s =
        spec(Task.CLASSIFICATION, Algorithm.DECISION_TREE)
            .features(List.of("country", "member"))
            .categorical(List.of("country", "member"))
            .impute(ModelSpec.Imputation.NONE)
            .build();
    assertThat(fields(s)).isEmpty();
  }

  @Test
  void textFeatureWithoutIndexerAndNonInputTypes() {
    ModelSpec s =
        spec(Task.CLASSIFICATION, Algorithm.RANDOM_FOREST)
            .features(List.of("country", "first_seen", "nope"))
            .build();
    assertThat(fields(s)).containsExactly("categorical", "features", "features");
    assertThat(TrainingPreflight.check(s, COLUMNS).get(0).fix())
        .isEqualTo("list 'country' under categorical.");
  }

  @Test
  void labelMustBeNumeric() {
    assertThat(fields(spec(Task.CLASSIFICATION, Algorithm.GBT).label("member").build()))
        .containsExactly("label");
    assertThat(fields(spec(Task.REGRESSION, Algorithm.GBT).label("country").build()))
        .containsExactly("label");
    assertThat(fields(spec(Task.REGRESSION, Algorithm.GBT).label("visits").build())).isEmpty();
  }

  @Test
  void algorithmMustDoTheTask() {
    assertThat(fields(spec(Task.REGRESSION, Algorithm.LOGISTIC_REGRESSION).build()))
        .containsExactly("algorithm");
  }

  @Test
  void paramsOutOfMllibRanges() {
    // MLlib: minWeightFractionPerNode in [0, 0.5); 0.5 itself is refused.
    assertThat(
            fields(
                spec(Task.CLASSIFICATION, Algorithm.DECISION_TREE)
                    .param("minWeightFractionPerNode", 0.5)
                    .build()))
        .containsExactly("params.minWeightFractionPerNode");
    assertThat(
            fields(
                spec(Task.CLASSIFICATION, Algorithm.DECISION_TREE)
                    .param("minWeightFractionPerNode", 0.49)
                    .build()))
        .isEmpty();
    // maxDepth in [0, 30], subsamplingRate in (0, 1], stepSize in (0, 1].
    assertThat(
            fields(
                spec(Task.REGRESSION, Algorithm.GBT)
                    .param("maxDepth", 31)
                    .param("subsamplingRate", 0.0)
                    .grid("stepSize", List.of(0.1, 1.5))
                    .build()))
        .containsExactly("params.maxDepth", "params.subsamplingRate", "grid.stepSize");
    assertThat(fields(spec(Task.REGRESSION, Algorithm.GBT).param("seed", 1).build()))
        .containsExactly("params.seed");
  }

  @Test
  void emptyGridAndParamInBothPlaces() {
    assertThat(
            fields(
                spec(Task.CLASSIFICATION, Algorithm.LOGISTIC_REGRESSION)
                    .grid("regParam", List.of())
                    .build()))
        .containsExactly("grid.regParam");
    assertThat(
            fields(
                spec(Task.CLASSIFICATION, Algorithm.LOGISTIC_REGRESSION)
                    .param("regParam", 0.1)
                    .grid("regParam", List.of(0.0, 0.1))
                    .build()))
        .containsExactly("grid.regParam");
  }

  @Test
  void huberLossTakesL2OnlyAndNotTheNormalSolver() {
    assertThat(
            fields(
                spec(Task.REGRESSION, Algorithm.LINEAR_REGRESSION)
                    .param("loss", "huber")
                    .param("solver", "normal")
                    .grid("elasticNetParam", List.of(0.0, 0.5))
                    .build()))
        .containsExactly("grid.elasticNetParam", "params.solver");
    assertThat(
            fields(
                spec(Task.REGRESSION, Algorithm.LINEAR_REGRESSION)
                    .param("loss", "squaredError")
                    .param("elasticNetParam", 0.5)
                    .param("solver", "normal")
                    .build()))
        .isEmpty();
  }

  @Test
  void tuningSplitAndGateValues() {
    ModelSpec s =
        spec(Task.CLASSIFICATION, Algorithm.LOGISTIC_REGRESSION)
            .grid("regParam", List.of(0.0, 0.1))
            .tuning(
                new ModelSpec.Tuning(
                    ModelSpec.TuningMethod.CROSS_VALIDATION, 0.8, 1, 0, Metric.RMSE))
            .split(new ModelSpec.Split(ModelSpec.SplitMethod.RANDOM, 1.0, 1))
            .gate(new ModelSpec.Gate(Metric.MAE, Double.NaN))
            .keyColumn(null)
            .build();
    assertThat(fields(s))
        .containsExactly(
            "tuning.folds",
            "tuning.parallelism",
            "tuning.metric",
            "gate.metric",
            "gate.min_improvement",
            "split.holdout",
            "split.method");
  }

  // ---- rules on the data ----------------------------------------------------------------

  @Test
  void labelsMustBeClassesZeroOneTwo() {
    ModelSpec lr = spec(Task.CLASSIFICATION, Algorithm.LOGISTIC_REGRESSION).build();
    assertThat(TrainingPreflight.checkLabels(lr, new LabelFacts(0, 1, 0))).isEmpty();
    assertThat(TrainingPreflight.checkLabels(lr, new LabelFacts(-1, 1, 0)))
        .extracting(Finding::field)
        .containsExactly("label");
    assertThat(TrainingPreflight.checkLabels(lr, new LabelFacts(0, 1, 3)).get(0).problem())
        .contains("3 non-whole values");
    assertThat(TrainingPreflight.checkLabels(lr, new LabelFacts(0, 0, 0)).get(0).problem())
        .contains("every labeled row has class 0");
    // Regression takes any label.
    ModelSpec reg = spec(Task.REGRESSION, Algorithm.GBT).build();
    assertThat(TrainingPreflight.checkLabels(reg, new LabelFacts(-5, 3.5, 9))).isEmpty();
  }

  @Test
  void multiclassWithBinaryOnlyAlgorithmFamilyOrMetric() {
    LabelFacts three = new LabelFacts(0, 2, 0);
    assertThat(
            TrainingPreflight.checkLabels(spec(Task.CLASSIFICATION, Algorithm.GBT).build(), three))
        .extracting(Finding::field)
        // gbt is binary only; the default gate metric of classification is auc_roc.
        .containsExactly("algorithm", "gate.metric");
    ModelSpec binomial =
        spec(Task.CLASSIFICATION, Algorithm.LOGISTIC_REGRESSION)
            .param("family", "binomial")
            .grid("regParam", List.of(0.0))
            .tuning(
                new ModelSpec.Tuning(
                    ModelSpec.TuningMethod.TRAIN_VALIDATION_SPLIT, 0.8, 3, 1, Metric.AUC_PR))
            .gate(new ModelSpec.Gate(Metric.ACCURACY, 0))
            .build();
    assertThat(TrainingPreflight.checkLabels(binomial, three))
        .extracting(Finding::field)
        .containsExactly("params.family", "tuning.metric");
    ModelSpec multinomial =
        spec(Task.CLASSIFICATION, Algorithm.RANDOM_FOREST)
            .gate(new ModelSpec.Gate(Metric.F1, 0))
            .build();
    assertThat(TrainingPreflight.checkLabels(multinomial, three)).isEmpty();
    // Tree classifiers infer at most 100 classes (labels 0..99).
    assertThat(TrainingPreflight.checkLabels(multinomial, new LabelFacts(0, 99, 0))).isEmpty();
    assertThat(TrainingPreflight.checkLabels(multinomial, new LabelFacts(0, 100, 0)))
        .extracting(Finding::field)
        .containsExactly("label");
  }

  @Test
  void infiniteValuesAndFeaturesWithNothingToImpute() {
    ModelSpec s =
        spec(Task.REGRESSION, Algorithm.LINEAR_REGRESSION)
            .features(List.of("amount", "visits", "country"))
            .categorical(List.of("country"))
            .build();
    List<Finding> f =
        TrainingPreflight.checkValues(
            s, Map.of("amount", 2L, "visits", 0L), Map.of("amount", 10L, "visits", 0L));
    assertThat(f).hasSize(2);
    assertThat(f.get(0).problem()).startsWith("feature 'amount' is infinite in 2 training rows");
    assertThat(f.get(1).problem()).startsWith("feature 'visits' is missing (null or NaN)");
    // Categorical features are one-hot encoded: neither rule applies to them.
    assertThat(TrainingPreflight.checkValues(s, Map.of(), Map.of("amount", 1L, "visits", 1L)))
        .isEmpty();
  }

  @Test
  void requireListsEveryFinding() {
    ModelSpec s =
        spec(Task.CLASSIFICATION, Algorithm.DECISION_TREE)
            .impute(ModelSpec.Imputation.NONE)
            .param("maxDepth", 40)
            .build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TrainingPreflight.require(s, COLUMNS));
    assertThat(e.getMessage())
        .contains("model 'm' at 'impute'")
        .contains("model 'm' at 'params.maxDepth'")
        .contains("maxDepth must be an integer in [0, 30], got 40.");
  }
}
