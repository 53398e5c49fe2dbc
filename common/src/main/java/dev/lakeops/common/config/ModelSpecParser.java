package dev.lakeops.common.config;

import static dev.lakeops.common.config.ModelEvaluationParser.gate;
import static dev.lakeops.common.config.ModelEvaluationParser.split;
import static dev.lakeops.common.config.ModelEvaluationParser.tuning;
import static dev.lakeops.common.config.ModelFields.describe;
import static dev.lakeops.common.config.ModelFields.parse;
import static dev.lakeops.common.config.ModelFields.whole;
import static dev.lakeops.common.config.ModelParamsParser.grid;
import static dev.lakeops.common.config.ModelParamsParser.params;

import dev.lakeops.common.config.ModelColumnsParser.TrainingSetColumns;
import dev.lakeops.common.training.Algorithm;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.ModelSpec.Gate;
import dev.lakeops.common.training.ModelSpec.Imputation;
import dev.lakeops.common.training.ModelSpec.Scaling;
import dev.lakeops.common.training.ModelSpec.Split;
import dev.lakeops.common.training.ModelSpec.Tuning;
import dev.lakeops.common.training.Task;
import dev.lakeops.common.training.TrainingPreflight;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and checks {@code models.yaml} against the project's training sets: the label and the
 * features must be columns of the training set, the algorithm must do the task, and every
 * hyperparameter must be one the algorithm accepts, of the right type and range. Problems are
 * recorded, never thrown, so they are reported with the rest of the project's.
 */
final class ModelSpecParser {

  private final ProjectConfigView project;

  /**
   * What the parser needs of the already-loaded project.
   *
   * @param upstreamProblems whether the other files had problems: then training sets may be missing
   *     or incomplete, and references to them are not checked, so that one mistake is reported once
   *     (the models' own fields are still checked)
   */
  record ProjectConfigView(
      Map<String, EntityConfig> entities,
      Map<String, FeatureViewConfig> views,
      Map<String, LabelConfig> labels,
      Map<String, TrainingSetConfig> trainingSets,
      boolean upstreamProblems) {}

  private final ModelColumnsParser columnsParser;

  ModelSpecParser(ProjectConfigView project) {
    this.project = project;
    this.columnsParser = new ModelColumnsParser(project);
  }

  Map<String, ModelSpec> models(ConfigNode root) {
    root.checkKeys(List.of("models"));
    Map<String, ModelSpec> out = new LinkedHashMap<>();
    for (ConfigNode n : root.get("models").list()) {
      ModelSpec spec = model(n);
      if (spec != null && out.putIfAbsent(spec.name(), spec) != null) {
        n.get("name")
            .problem(
                "the name '" + spec.name() + "' is used twice.", "give each one its own name.");
      }
    }
    return out;
  }

  private ModelSpec model(ConfigNode n) {
    n.checkKeys(
        List.of(
            "name",
            "training_set",
            "task",
            "label",
            "features",
            "categorical",
            "impute",
            "scale",
            "algorithm",
            "params",
            "grid",
            "tuning",
            "split",
            "seed",
            "gate",
            "serving",
            "description"));
    boolean ok = true;
    String name = n.get("name").requiredText("the model name").orElse(null);
    if (name != null && !ProjectLoader.NAME.matcher(name).matches()) {
      n.get("name").problem("'" + name + "' is not a valid name.", ProjectLoader.NAME_FIX);
      name = null;
    }

    // Training set and its columns.
    TrainingSetColumns columns = null;
    Optional<String> setName = n.get("training_set").requiredText("the training set to learn from");
    if (setName.isPresent()) {
      TrainingSetConfig set = project.trainingSets().get(setName.get());
      if (project.upstreamProblems()) {
        set = null; // possibly incomplete; its own problems are already reported
      } else if (set == null) {
        n.get("training_set")
            .problem(
                "unknown training set '"
                    + setName.get()
                    + "'; known training sets are "
                    + project.trainingSets().keySet()
                    + ".",
                "declare it in " + ProjectLoader.TRAINING_SETS + " or use a known one.");
      } else {
        columns = columnsParser.columnsOf(set);
      }
    }

    // Task and algorithm.
    Task task =
        parse(
                n.get("task"),
                n.get("task").requiredText("the task: classification or regression"),
                Task::parse,
                "task",
                Task.keys())
            .orElse(null);
    Algorithm algorithm =
        parse(
                n.get("algorithm"),
                n.get("algorithm").requiredText("the learning algorithm"),
                Algorithm::parse,
                "algorithm",
                Algorithm.keys())
            .orElse(null);
    if (task != null && algorithm != null && !algorithm.supports(task)) {
      n.get("algorithm")
          .problem(
              "algorithm '"
                  + algorithm.key()
                  + "' does not do "
                  + task.key()
                  + "; for "
                  + task.key()
                  + " use one of "
                  + Algorithm.of(task).stream().map(Algorithm::key).toList()
                  + ".",
              "change the algorithm or the task.");
      ok = false;
    }
    ok &= task != null && algorithm != null;
    // Hyperparameters are checked against the task's definitions, or the algorithm's first task
    // when the task itself is wrong (the names are the same for both).
    Task paramTask =
        algorithm == null
            ? null
            : task != null && algorithm.supports(task) ? task : algorithm.tasks().get(0);

    // Label and features.
    String label = n.get("label").textOr(ModelSpec.DEFAULT_LABEL);
    List<String> features = new ArrayList<>();
    List<String> categorical = new ArrayList<>();
    if (columns != null) {
      label = columnsParser.label(n.get("label"), label, columns);
      features = columnsParser.features(n.get("features"), label, columns);
      categorical = columnsParser.categorical(n.get("categorical"), features, columns);
      ok &= label != null && !features.isEmpty();
    } else {
      ok = false;
    }

    Imputation impute =
        parse(
                n.get("impute"),
                n.get("impute").text(),
                Imputation::parse,
                "imputation",
                Imputation.keys())
            .orElse(Imputation.MEAN);
    Scaling scale =
        parse(n.get("scale"), n.get("scale").text(), Scaling::parse, "scaling", Scaling.keys())
            .orElse(Scaling.defaultFor(algorithm));

    long seed = whole(n.get("seed"), Long.MIN_VALUE, "the seed").orElse(ModelSpec.DEFAULT_SEED);
    Map<String, Object> params = new LinkedHashMap<>();
    Map<String, List<Object>> grid = new LinkedHashMap<>();
    if (paramTask != null) {
      params = params(n.get("params"), algorithm, paramTask);
      grid = grid(n.get("grid"), algorithm, paramTask, params);
    }
    Tuning tuning = tuning(n.get("tuning"), task, grid.isEmpty() && !n.get("grid").isPresent());
    Split split = split(n.get("split"), seed);
    Gate gate = gate(n.get("gate"), task, tuning);
    ModelSpec.MissingFeatures onMissing = serving(n.get("serving"));
    if (!ok || name == null || split == null) {
      return null;
    }
    ModelSpec spec =
        new ModelSpec(
            name,
            setName.get(),
            columns.key(),
            task,
            label,
            features,
            categorical,
            impute,
            scale,
            algorithm,
            params,
            grid,
            grid.isEmpty() ? null : tuning,
            split,
            seed,
            gate,
            onMissing);
    // What MLlib would refuse is reported now, not minutes into 'train' (TrainingPreflight).
    for (TrainingPreflight.Finding f : TrainingPreflight.check(spec, kinds(columns))) {
      ConfigNode at = n;
      for (String part : f.field().split("\\.")) {
        at = at.get(part);
      }
      at.problem(f.problem(), f.fix());
    }
    return spec;
  }

  /** The kinds of a training set's feature columns and its label, for the preflight. */
  private static Map<String, TrainingPreflight.ColumnKind> kinds(TrainingSetColumns columns) {
    Map<String, TrainingPreflight.ColumnKind> out = new LinkedHashMap<>();
    out.put(ModelSpec.DEFAULT_LABEL, TrainingPreflight.ColumnKind.NUMERIC);
    columns
        .features()
        .forEach(
            (f, t) ->
                out.put(
                    f,
                    switch (t) {
                      case LONG, DOUBLE -> TrainingPreflight.ColumnKind.NUMERIC;
                      case BOOLEAN -> TrainingPreflight.ColumnKind.BOOLEAN;
                      case STRING -> TrainingPreflight.ColumnKind.TEXT;
                    }));
    return out;
  }

  /** {@code serving: {on_missing_features: ...}}: the policy of streaming serving. */
  private static ModelSpec.MissingFeatures serving(ConfigNode n) {
    if (!n.isPresent()) {
      return ModelSpec.MissingFeatures.DEFAULT;
    }
    if (!n.isMapping()) {
      n.problem(
          "'serving' must be a mapping, got " + describe(n) + ".",
          "write e.g. 'serving: {on_missing_features: score_and_flag}'.");
      return ModelSpec.MissingFeatures.DEFAULT;
    }
    n.checkKeys(List.of("on_missing_features"));
    ConfigNode policy = n.get("on_missing_features");
    Optional<String> text = policy.text();
    if (text.isEmpty()) {
      return ModelSpec.MissingFeatures.DEFAULT;
    }
    Optional<ModelSpec.MissingFeatures> value = ModelSpec.MissingFeatures.parse(text.get());
    if (value.isEmpty()) {
      policy.problem(
          "unknown on_missing_features policy '"
              + text.get()
              + "'; expected one of "
              + ModelSpec.MissingFeatures.keys()
              + ".",
          "write e.g. 'serving: {on_missing_features: "
              + ModelSpec.MissingFeatures.DEFAULT.key()
              + "}' (the default: dead-letter events with no feature row in any view).");
    }
    return value.orElse(ModelSpec.MissingFeatures.DEFAULT);
  }
}
