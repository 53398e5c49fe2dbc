package dev.lakeops.common.config;

import static dev.lakeops.common.config.ProjectLoader.SOURCES;

import dev.lakeops.common.expr.Expr;
import dev.lakeops.common.expr.ExprType;
import dev.lakeops.common.expr.ExprTypes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads {@code labels.yaml}: each label's source and value or look-ahead. */
final class LabelsLoader extends SectionLoader {
  LabelsLoader(Problems problems) {
    super(problems);
  }

  Map<String, LabelConfig> labels(
      ConfigNode root, Map<String, EntityConfig> entities, Map<String, SourceConfig> sources) {
    root.checkKeys(List.of("labels"));
    Map<String, LabelConfig> out = new LinkedHashMap<>();
    for (ConfigNode n : root.get("labels").list()) {
      n.checkKeys(
          List.of(
              "name", "source", "value", "ahead", "next_event_within", "reduce", "description"));
      String name = checkName(n.get("name"), n.get("name").requiredText("the label name"));
      String sourceName = reference(n.get("source"), "source", sources.keySet(), SOURCES);
      SourceConfig source = sourceName == null ? null : sources.get(sourceName);
      boolean hasValue = n.get("value").isPresent();
      boolean hasNext = n.get("next_event_within").isPresent();
      if (hasValue == hasNext) {
        n.problem(
            "a label needs exactly one of 'value' (an expression on the row, e.g. class == 'UP') or 'next_event_within' (e.g. 90d).",
            "keep one of them.");
        continue;
      }
      Expr value = null;
      if (hasValue && source != null) {
        value =
            n.get("value")
                .text()
                .map(t -> expr(n.get("value"), t, exprColumns(source), null))
                .orElse(null);
      }
      Duration next = hasNext ? duration(n.get("next_event_within"), true).orElse(null) : null;
      Duration ahead = null;
      if (n.get("ahead").isPresent()) {
        if (!hasValue) {
          n.get("ahead")
              .problem(
                  "'ahead' applies to 'value' labels only.",
                  "remove it; 'next_event_within' already looks ahead.");
        } else {
          ahead = duration(n.get("ahead"), true).orElse(null);
        }
      }
      LabelConfig.Reduction reduce = null;
      if (n.get("reduce").isPresent()) {
        Optional<String> key = n.get("reduce").text();
        reduce = key.flatMap(LabelConfig.Reduction::of).orElse(null);
        if (reduce == null) {
          n.get("reduce")
              .problem(
                  "unknown reduction '"
                      + key.orElse("")
                      + "'; expected one of "
                      + LabelConfig.Reduction.keys()
                      + ".",
                  "write e.g. 'reduce: mean', or remove 'reduce' to keep one training row per"
                      + " source row.");
          continue;
        }
        if (!hasValue) {
          n.get("reduce")
              .problem(
                  "'reduce' applies to 'value' labels only: a 'next_event_within' label is one row"
                      + " per entity and event time already.",
                  "remove it.");
          continue;
        }
        if (reduce == LabelConfig.Reduction.MEAN
            && value != null
            && source != null
            && ExprTypes.infer(value, exprColumns(source)) == ExprType.STRING) {
          n.get("reduce")
              .problem(
                  "'reduce: mean' needs a numeric (or true/false) label, but the value is text.",
                  "use 'max' or 'min', or a numeric value such as if(class == 'UP', 1, 0).");
          continue;
        }
      }
      if (name != null && source != null && (value != null || next != null)) {
        putUnique(
            out,
            name,
            new LabelConfig(
                name,
                sourceName,
                source.entity(),
                value,
                ahead,
                next,
                reduce,
                // A next-event label is one row per entity and time: it carries its entity only.
                value != null ? source.entities() : List.of(source.entity())),
            n.get("name"));
      }
    }
    return out;
  }
}
