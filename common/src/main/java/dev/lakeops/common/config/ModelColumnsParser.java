package dev.lakeops.common.config;

import dev.lakeops.common.config.FeatureSpec.FeatureType;
import dev.lakeops.common.training.ModelSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model's label, features and categorical features, checked against the columns of its training
 * set.
 */
final class ModelColumnsParser {
  /** Columns every trained model adds to its input; features and labels must not use them. */
  static final List<String> OUTPUT_COLUMNS = List.of("prediction", "probability", "rawPrediction");

  private final ModelSpecParser.ProjectConfigView project;

  ModelColumnsParser(ModelSpecParser.ProjectConfigView project) {
    this.project = project;
  }

  /**
   * A training set's columns, in table order: key, event_time, label, then per view its features
   * and {@code <view>__event_time}.
   */
  record TrainingSetColumns(
      String name, String key, Map<String, FeatureType> features, List<String> all) {}

  TrainingSetColumns columnsOf(TrainingSetConfig set) {
    LabelConfig label = project.labels().get(set.label());
    String key = project.entities().get(label.entity()).key();
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
    List<String> all = new ArrayList<>();
    label.entities().forEach(e -> all.add(project.entities().get(e).key()));
    all.addAll(List.of(ModelSpec.EVENT_TIME, ModelSpec.DEFAULT_LABEL));
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

  String label(ConfigNode n, String label, TrainingSetColumns columns) {
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

  List<String> features(ConfigNode n, String label, TrainingSetColumns columns) {
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

  List<String> categorical(ConfigNode n, List<String> features, TrainingSetColumns columns) {
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
}
