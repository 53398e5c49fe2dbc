package dev.lakeops.common.config;

import dev.lakeops.common.config.FeatureSpec.FeatureType;
import dev.lakeops.common.training.Algorithm;
import dev.lakeops.common.training.Metric;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.ModelSpec.Gate;
import dev.lakeops.common.training.ModelSpec.Imputation;
import dev.lakeops.common.training.ModelSpec.Scaling;
import dev.lakeops.common.training.ModelSpec.Split;
import dev.lakeops.common.training.ModelSpec.SplitMethod;
import dev.lakeops.common.training.ModelSpec.Tuning;
import dev.lakeops.common.training.ModelSpec.TuningMethod;
import dev.lakeops.common.training.ParamDef;
import dev.lakeops.common.training.Task;
import dev.lakeops.common.training.TrainingPreflight;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads and checks {@code models.yaml} against the project's training sets: the label and the
 * features must be columns of the training set, the algorithm must do the task, and every
 * hyperparameter must be one the algorithm accepts, of the right type and range. Problems are
 * recorded, never thrown, so they are reported with the rest of the project's.
 */
final class ModelSpecParser {
  /** Columns every trained model adds to its input; features and labels must not use them. */
  static final List<String> OUTPUT_COLUMNS = List.of("prediction", "probability", "rawPrediction");

  private static final Pattern WHOLE = Pattern.compile("[-+]?\\d+");
  private static final String FILE = ProjectLoader.MODELS;

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

  ModelSpecParser(ProjectConfigView project) {
    this.project = project;
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
        columns = columnsOf(set);
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
      label = label(n.get("label"), label, columns);
      features = features(n.get("features"), label, columns);
      categorical = categorical(n.get("categorical"), features, columns);
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

  // ---- columns --------------------------------------------------------------------------

  /**
   * A training set's columns, in table order: key, event_time, label, then per view its features
   * and {@code <view>__event_time}.
   */
  record TrainingSetColumns(
      String name, String key, Map<String, FeatureType> features, List<String> all) {}

  private TrainingSetColumns columnsOf(TrainingSetConfig set) {
    String key = project.entities().get(project.labels().get(set.label()).entity()).key();
    Map<String, List<String>> byView = new LinkedHashMap<>();
    for (TrainingSetConfig.FeatureRef ref : set.features()) {
      List<String> names = byView.computeIfAbsent(ref.view(), v -> new ArrayList<>());
      FeatureViewConfig view = project.views().get(ref.view());
      List<String> add =
          ref.feature() != null
              ? List.of(ref.feature())
              : view.features().stream().map(FeatureSpec::name).toList();
      add.stream().filter(f -> !names.contains(f)).forEach(names::add);
    }
    Map<String, FeatureType> features = new LinkedHashMap<>();
    List<String> all = new ArrayList<>(List.of(key, ModelSpec.EVENT_TIME, ModelSpec.DEFAULT_LABEL));
    byView.forEach(
        (view, names) -> {
          FeatureViewConfig v = project.views().get(view);
          for (String f : names) {
            features.put(f, v.feature(f).map(FeatureSpec::outputType).orElse(FeatureType.DOUBLE));
            all.add(f);
          }
          all.add(view + "__event_time");
        });
    return new TrainingSetColumns(set.name(), key, features, all);
  }

  private String label(ConfigNode n, String label, TrainingSetColumns columns) {
    if (label.equals(ModelSpec.DEFAULT_LABEL)) {
      return label;
    }
    FeatureType type = columns.features().get(label);
    if (type == null) {
      String what =
          columns.all().contains(label)
              ? "column '" + label + "' cannot be the label: it is not a numeric column"
              : "unknown label column '" + label + "'";
      n.problem(
          what
              + "; the training set '"
              + columns.name()
              + "' has the columns "
              + columns.all()
              + ".",
          "use 'label' (the training set's label) or a numeric feature column.");
      return null;
    }
    if (type == FeatureType.STRING) {
      n.problem(
          "feature '" + label + "' is text and cannot be the label; a label must be a number.",
          "use 'label' (the training set's label) or a numeric feature column.");
      return null;
    }
    if (OUTPUT_COLUMNS.contains(label)) {
      n.problem(
          "'" + label + "' is the name of a model output column and cannot be the label.",
          "rename the feature in " + ProjectLoader.FEATURE_VIEWS + ".");
      return null;
    }
    return label;
  }

  private List<String> features(ConfigNode n, String label, TrainingSetColumns columns) {
    List<String> out = new ArrayList<>();
    if (!n.isPresent()) {
      columns.features().keySet().stream().filter(f -> !f.equals(label)).forEach(out::add);
    } else {
      // One feature may be written without brackets; list() reports a mapping.
      List<ConfigNode> items = n.isScalar() ? List.of(n) : n.list();
      if (n.isSequence() && items.isEmpty()) {
        n.problem(
            "the model has no features.",
            "list features of the training set, or leave 'features' out for all of them.");
      }
      for (ConfigNode f : items) {
        Optional<String> name = f.text();
        if (name.isEmpty()) {
          continue;
        }
        String feature = name.get();
        if (!columns.features().containsKey(feature)) {
          f.problem(
              "unknown feature '"
                  + feature
                  + "'; the feature columns of training set '"
                  + columns.name()
                  + "' are "
                  + List.copyOf(columns.features().keySet())
                  + ".",
              "use one of them, or add its view to the training set in "
                  + ProjectLoader.TRAINING_SETS
                  + ".");
        } else if (feature.equals(label)) {
          f.problem(
              "feature '" + feature + "' is the model's label and cannot also be an input.",
              "remove it from the features.");
        } else if (out.contains(feature)) {
          f.problem("feature '" + feature + "' is listed twice.", "remove one of them.");
        } else {
          out.add(feature);
        }
      }
    }
    for (String f : out) {
      if (OUTPUT_COLUMNS.contains(f)) {
        n.problem(
            "feature '" + f + "' has the name of a model output column " + OUTPUT_COLUMNS + ".",
            "rename the feature in " + ProjectLoader.FEATURE_VIEWS + ".");
      }
    }
    return out;
  }

  private List<String> categorical(
      ConfigNode n, List<String> features, TrainingSetColumns columns) {
    List<String> out = new ArrayList<>();
    for (ConfigNode c : n.isScalar() ? List.of(n) : n.list()) {
      Optional<String> name = c.text();
      if (name.isEmpty()) {
        continue;
      }
      if (!features.contains(name.get())) {
        c.problem(
            "categorical feature '"
                + name.get()
                + "' is not one of the model's features "
                + features
                + ".",
            "list features of the model only.");
      } else if (!out.contains(name.get())) {
        out.add(name.get());
      }
    }
    // Text features can only enter a model one-hot encoded.
    List<String> all = new ArrayList<>();
    for (String f : features) {
      if (out.contains(f) || columns.features().get(f) == FeatureType.STRING) {
        all.add(f);
      }
    }
    return all;
  }

  // ---- hyperparameters ------------------------------------------------------------------

  private Map<String, Object> params(ConfigNode n, Algorithm algorithm, Task task) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (!n.isPresent()) {
      return out;
    }
    if (!n.isMapping()) {
      n.problem(
          "expected a mapping of 'param: value' lines.", "write e.g. 'params: {maxIter: 50}'.");
      return out;
    }
    for (String key : n.keys()) {
      ConfigNode v = n.get(key);
      Optional<ParamDef> def = paramDef(v, key, algorithm, task);
      if (def.isEmpty()) {
        continue;
      }
      if (!v.isScalar()) {
        v.problem(
            key + " expects " + def.get().expected() + ", got " + describe(v) + ".",
            "write one value; put a list of values to search under 'grid'.");
        continue;
      }
      value(v, def.get()).ifPresent(value -> out.put(key, value));
    }
    return out;
  }

  private Map<String, List<Object>> grid(
      ConfigNode n, Algorithm algorithm, Task task, Map<String, Object> params) {
    Map<String, List<Object>> out = new LinkedHashMap<>();
    if (!n.isPresent()) {
      return out;
    }
    if (!n.isMapping()) {
      n.problem(
          "expected a mapping of 'param: [values]' lines.",
          "write e.g. 'grid: {regParam: [0.0, 0.01]}'.");
      return out;
    }
    for (String key : n.keys()) {
      ConfigNode v = n.get(key);
      Optional<ParamDef> def = paramDef(v, key, algorithm, task);
      if (def.isEmpty()) {
        continue;
      }
      if (params.containsKey(key)) {
        v.problem(
            key + " is set both in 'params' and in 'grid'.",
            "keep it in one place: 'params' for a fixed value, 'grid' for values to search.");
        continue;
      }
      if (!v.isSequence()) {
        v.problem(
            "expected a list of values to search for "
                + key
                + " ("
                + def.get().expected()
                + " each), got "
                + describe(v)
                + ".",
            "write e.g. '" + key + ": [" + example(def.get()) + "]'.");
        continue;
      }
      List<ConfigNode> items = v.list();
      if (items.isEmpty()) {
        v.problem("the grid of " + key + " has no values.", "list at least one value.");
        continue;
      }
      List<Object> values = new ArrayList<>();
      boolean valid = true;
      for (ConfigNode item : items) {
        if (!item.isScalar()) {
          item.problem(
              key + " expects " + def.get().expected() + ", got " + describe(item) + ".", null);
          valid = false;
          continue;
        }
        Optional<Object> value = value(item, def.get());
        valid &= value.isPresent();
        value.ifPresent(
            x -> {
              if (values.contains(x)) {
                item.problem(
                    "the value " + x + " is listed twice in the grid of " + key + ".",
                    "remove one of them.");
              } else {
                values.add(x);
              }
            });
      }
      if (valid) {
        out.put(key, values);
      }
    }
    return out;
  }

  private Optional<ParamDef> paramDef(ConfigNode v, String key, Algorithm algorithm, Task task) {
    Optional<ParamDef> def = algorithm.param(task, key);
    if (def.isEmpty()) {
      String hint =
          key.equals("seed")
              ? "set the seed with the model's 'seed' field."
              : "use one of the accepted parameters (MLlib names, case-sensitive).";
      v.problem(
          "unknown parameter '"
              + key
              + "' for "
              + algorithm.key()
              + " ("
              + task.key()
              + "); accepted parameters are "
              + algorithm.paramNames(task)
              + ".",
          hint);
    }
    return def;
  }

  private Optional<Object> value(ConfigNode v, ParamDef def) {
    String text = v.text().orElse("");
    ParamDef.Result r = def.parse(text);
    if (!r.isOk()) {
      v.problem(r.error(), def.type().example());
      return Optional.empty();
    }
    return Optional.of(r.value());
  }

  private static String example(ParamDef def) {
    return switch (def.type()) {
      case INT -> "3, 5";
      case DOUBLE -> "0.0, 0.01";
      case BOOLEAN -> "true, false";
      case STRING -> def.allowed().isEmpty() ? "a, b" : String.join(", ", def.allowed());
    };
  }

  // ---- tuning, split, gate --------------------------------------------------------------

  private Tuning tuning(ConfigNode n, Task task, boolean noGrid) {
    Tuning defaults = Tuning.defaults(task);
    if (!n.isPresent()) {
      return defaults;
    }
    n.checkKeys(List.of("method", "train_ratio", "folds", "parallelism", "metric"));
    if (noGrid) {
      n.problem(
          "'tuning' is set but the model has no 'grid': there is nothing to tune.",
          "add a grid such as 'grid: {regParam: [0.0, 0.01]}', or remove 'tuning'.");
    }
    TuningMethod method =
        parse(
                n.get("method"),
                n.get("method").text(),
                TuningMethod::parse,
                "tuning method",
                TuningMethod.keys())
            .orElse(defaults.method());
    double ratio = defaults.trainRatio();
    Optional<Double> r = n.get("train_ratio").number();
    if (r.isPresent()) {
      if (r.get() <= 0 || r.get() >= 1) {
        n.get("train_ratio")
            .problem(
                "train_ratio must be between 0 and 1 (exclusive), got " + r.get() + ".",
                "write e.g. 0.8 to fit on 80% of the training split and validate on the rest.");
      } else {
        ratio = r.get();
      }
    }
    int folds =
        whole(n.get("folds"), 2, "the number of folds")
            .map(Long::intValue)
            .orElse(defaults.folds());
    int parallelism =
        whole(n.get("parallelism"), 1, "the number of models fitted at once")
            .map(Long::intValue)
            .orElse(1);
    Metric metric = metric(n.get("metric"), task).orElse(defaults.metric());
    return new Tuning(method, ratio, folds, parallelism, metric);
  }

  private Split split(ConfigNode n, long seed) {
    if (!n.isPresent()) {
      return new Split(SplitMethod.TIME, Split.DEFAULT_HOLDOUT, seed);
    }
    n.checkKeys(List.of("method", "holdout", "seed"));
    SplitMethod method =
        parse(
                n.get("method"),
                n.get("method").text(),
                SplitMethod::parse,
                "split method",
                SplitMethod.keys())
            .orElse(SplitMethod.TIME);
    double holdout = Split.DEFAULT_HOLDOUT;
    Optional<Double> h = n.get("holdout").number();
    if (h.isPresent()) {
      if (h.get() <= 0 || h.get() >= 1) {
        n.get("holdout")
            .problem(
                "holdout must be a share between 0 and 1 (exclusive), got " + h.get() + ".",
                "write e.g. 0.2 to hold out 20% of the rows.");
        return null;
      }
      holdout = h.get();
    }
    long splitSeed = whole(n.get("seed"), Long.MIN_VALUE, "the seed").orElse(seed);
    return new Split(method, holdout, splitSeed);
  }

  private Gate gate(ConfigNode n, Task task, Tuning tuning) {
    Metric fallback =
        tuning != null ? tuning.metric() : task == null ? Metric.AUC_ROC : task.defaultMetric();
    if (!n.isPresent()) {
      return new Gate(fallback, 0.0);
    }
    n.checkKeys(List.of("metric", "min_improvement"));
    Metric metric = metric(n.get("metric"), task).orElse(fallback);
    double min = n.get("min_improvement").number().orElse(0.0);
    return new Gate(metric, min);
  }

  private Optional<Metric> metric(ConfigNode n, Task task) {
    Optional<String> text = n.text();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Optional<Metric> parsed = Metric.parse(text.get());
    if (parsed.isEmpty()) {
      n.problem(
          "unknown metric '"
              + text.get()
              + "'; expected one of "
              + (task == null ? Metric.keys() : Metric.keys(task))
              + ".",
          "use one of the accepted metrics.");
      return Optional.empty();
    }
    if (task != null && parsed.get().task() != task) {
      n.problem(
          "metric '"
              + text.get()
              + "' is a "
              + parsed.get().task().key()
              + " metric, but the model does "
              + task.key()
              + "; expected one of "
              + Metric.keys(task)
              + ".",
          "use one of the accepted metrics.");
      return Optional.empty();
    }
    return parsed;
  }

  // ---- helpers --------------------------------------------------------------------------

  private static <T> Optional<T> parse(
      ConfigNode n,
      Optional<String> text,
      java.util.function.Function<String, Optional<T>> parser,
      String what,
      List<String> accepted) {
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Optional<T> value = parser.apply(text.get());
    if (value.isEmpty()) {
      n.problem(
          "unknown " + what + " '" + text.get() + "'; expected one of " + accepted + ".",
          "use one of the accepted values.");
    }
    return value;
  }

  private static Optional<Long> whole(ConfigNode n, long min, String what) {
    Optional<String> text = n.text();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    if (!WHOLE.matcher(text.get()).matches()) {
      n.problem(
          "expected a whole number (" + what + "), got '" + text.get() + "'.",
          "write a whole number such as " + Math.max(min, 3) + ".");
      return Optional.empty();
    }
    try {
      long v = Long.parseLong(text.get());
      if (v < min) {
        n.problem("expected a whole number >= " + min + " (" + what + "), got " + v + ".", null);
        return Optional.empty();
      }
      return Optional.of(v);
    } catch (NumberFormatException e) {
      n.problem("the number '" + text.get() + "' is too large.", null);
      return Optional.empty();
    }
  }

  private static String describe(ConfigNode n) {
    if (n.isMapping()) {
      return "a mapping";
    }
    if (n.isSequence()) {
      return "a list";
    }
    return "'" + n.text().orElse("") + "'";
  }
}
