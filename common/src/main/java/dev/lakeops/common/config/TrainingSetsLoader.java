package dev.lakeops.common.config;

import static dev.lakeops.common.config.ProjectLoader.FEATURE_VIEWS;
import static dev.lakeops.common.config.ProjectLoader.LABELS;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads {@code training_sets.yaml}: each training set's label and feature views. */
final class TrainingSetsLoader extends SectionLoader {
  TrainingSetsLoader(Problems problems) {
    super(problems);
  }

  Map<String, TrainingSetConfig> trainingSets(
      ConfigNode root, Map<String, LabelConfig> labels, Map<String, FeatureViewConfig> views) {
    root.checkKeys(List.of("training_sets"));
    Map<String, TrainingSetConfig> out = new LinkedHashMap<>();
    for (ConfigNode n : root.get("training_sets").list()) {
      n.checkKeys(List.of("name", "label", "features", "description"));
      String name = checkName(n.get("name"), n.get("name").requiredText("the training set name"));
      String labelName = reference(n.get("label"), "label", labels.keySet(), LABELS);
      List<TrainingSetConfig.FeatureRef> refs = new java.util.ArrayList<>();
      Map<String, String> owners = new HashMap<>();
      if (!n.get("features").isPresent()) {
        n.problem(
            "missing required field: features (a list of 'view' or 'view.feature').",
            "add 'features: [my_view]'.");
      }
      for (ConfigNode f : n.get("features").list()) {
        Optional<String> text = f.text();
        if (text.isEmpty()) {
          continue;
        }
        String[] parts = text.get().split("\\.", 2);
        FeatureViewConfig view = views.get(parts[0]);
        if (view == null && alreadyReported(FEATURE_VIEWS, parts[0])) {
          continue;
        }
        if (view == null) {
          f.problem(
              "unknown feature view '" + parts[0] + "'; known views are " + views.keySet() + ".",
              "declare it in " + FEATURE_VIEWS + " or use a known one.");
          continue;
        }
        if (parts.length == 2 && view.feature(parts[1]).isEmpty()) {
          f.problem(
              "view '"
                  + view.name()
                  + "' has no feature '"
                  + parts[1]
                  + "'; its features are "
                  + view.features().stream().map(FeatureSpec::name).toList()
                  + ".",
              "use one of them, or name the view alone for all.");
          continue;
        }
        List<String> labelEntities =
            labelName == null ? List.of() : labels.get(labelName).entities();
        if (labelName != null && !labelEntities.contains(view.entity())) {
          f.problem(
              "view '"
                  + view.name()
                  + "' is keyed by entity '"
                  + view.entity()
                  + "' but the rows of label '"
                  + labelName
                  + "' carry the keys of "
                  + labelEntities
                  + " only.",
              "join views of those entities, or list '"
                  + view.entity()
                  + "' in the label source's 'entities' (with its key expression).");
          continue;
        }
        List<String> brought =
            parts.length == 2
                ? List.of(parts[1])
                : view.features().stream().map(FeatureSpec::name).toList();
        for (String feature : brought) {
          String other = owners.putIfAbsent(feature, view.name());
          if (feature.equals("label") || (other != null && !other.equals(view.name()))) {
            f.problem(
                "feature '"
                    + feature
                    + "' of view '"
                    + view.name()
                    + "' clashes with "
                    + (other == null ? "the label column" : "a feature of view '" + other + "'")
                    + "; a training set's columns must have distinct names.",
                "rename one of the features in "
                    + FEATURE_VIEWS
                    + ", or pick features with 'view.feature'.");
          }
        }
        refs.add(
            new TrainingSetConfig.FeatureRef(view.name(), parts.length == 2 ? parts[1] : null));
      }
      if (name != null && labelName != null && !refs.isEmpty()) {
        putUnique(out, name, new TrainingSetConfig(name, labelName, refs), n.get("name"));
      }
    }
    return out;
  }
}
