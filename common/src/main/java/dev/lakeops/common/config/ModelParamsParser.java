package dev.lakeops.common.config;

import static dev.lakeops.common.config.ModelFields.describe;

import dev.lakeops.common.training.Algorithm;
import dev.lakeops.common.training.ParamDef;
import dev.lakeops.common.training.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model's {@code params} and {@code grid}: every hyperparameter must be one the algorithm accepts
 * for the task, of the right type and range ({@link ParamDef}).
 */
final class ModelParamsParser {
  private ModelParamsParser() {}

  static Map<String, Object> params(ConfigNode n, Algorithm algorithm, Task task) {
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

  static Map<String, List<Object>> grid(
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

  private static Optional<ParamDef> paramDef(
      ConfigNode v, String key, Algorithm algorithm, Task task) {
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

  private static Optional<Object> value(ConfigNode v, ParamDef def) {
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
}
