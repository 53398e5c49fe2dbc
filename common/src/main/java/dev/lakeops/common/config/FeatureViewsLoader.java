package dev.lakeops.common.config;

import static dev.lakeops.common.config.ProjectLoader.ENTITIES;
import static dev.lakeops.common.config.ProjectLoader.SOURCES;

import dev.lakeops.common.expr.Expr;
import dev.lakeops.common.expr.ExprException;
import dev.lakeops.common.expr.ExprParser;
import dev.lakeops.common.expr.ExprType;
import dev.lakeops.common.expr.ExprTypes;
import dev.lakeops.common.features.Aggregation;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code entities.yaml} and {@code feature_views.yaml}: the entities and the views' features.
 */
final class FeatureViewsLoader extends SectionLoader {
  FeatureViewsLoader(Problems problems) {
    super(problems);
  }

  // ---- entities -------------------------------------------------------------------------

  Map<String, EntityConfig> entities(ConfigNode root) {
    root.checkKeys(List.of("entities"));
    Map<String, EntityConfig> out = new LinkedHashMap<>();
    for (ConfigNode n : root.get("entities").list()) {
      n.checkKeys(List.of("name", "key", "join_keys", "description"));
      String name = checkName(n.get("name"), n.get("name").requiredText("the entity name"));
      Optional<String> key = n.get("key").requiredText("the key column name, e.g. customer_id");
      List<String> joinKeys = n.get("join_keys").textList();
      boolean ok = true;
      if (n.get("join_keys").isPresent() && joinKeys.size() < 2) {
        n.get("join_keys")
            .problem(
                "a composite key needs at least two parts, got " + joinKeys + ".",
                "list the parts, e.g. join_keys: [store_id, product_id], or remove join_keys"
                    + " for a one-column key.");
        ok = false;
      } else if (joinKeys.size() != new java.util.HashSet<>(joinKeys).size()) {
        n.get("join_keys").problem("a part is listed twice: " + joinKeys + ".", "list each once.");
        ok = false;
      } else if (key.isPresent() && joinKeys.contains(key.get())) {
        n.get("key")
            .problem(
                "the key column '"
                    + key.get()
                    + "' of a composite entity holds the parts' combined text, so it cannot be"
                    + " named like one of its parts "
                    + joinKeys
                    + ".",
                "name it apart, e.g. key: " + name + "_key.");
        ok = false;
      }
      if (name != null && key.isPresent() && ok) {
        putUnique(
            out,
            name,
            new EntityConfig(name, key.get(), joinKeys, n.get("description").textOr("")),
            n.get("name"));
      }
    }
    return out;
  }

  // ---- feature views --------------------------------------------------------------------

  Map<String, FeatureViewConfig> views(
      ConfigNode root, Map<String, EntityConfig> entities, Map<String, SourceConfig> sources) {
    root.checkKeys(List.of("feature_views"));
    Map<String, FeatureViewConfig> out = new LinkedHashMap<>();
    for (ConfigNode n : root.get("feature_views").list()) {
      n.checkKeys(
          List.of("name", "entity", "source", "ttl", "features", "online_lookback", "description"));
      String name = checkName(n.get("name"), n.get("name").requiredText("the feature view name"));
      String entity = reference(n.get("entity"), "entity", entities.keySet(), ENTITIES);
      String sourceName = reference(n.get("source"), "source", sources.keySet(), SOURCES);
      SourceConfig source = sourceName == null ? null : sources.get(sourceName);
      if (source != null && entity != null && source.key(entity).isEmpty()) {
        n.get("entity")
            .problem(
                "the view's entity is '"
                    + entity
                    + "' but the rows of its source '"
                    + sourceName
                    + "' carry the keys of "
                    + source.entities()
                    + " only.",
                "use one of "
                    + source.entities()
                    + ", or add '"
                    + entity
                    + "' to the source's 'entities'.");
      }
      // ttl: none (or no ttl on a dimension's view) keeps a row valid until a newer one.
      boolean never =
          n.get("ttl").text().map("none"::equals).orElse(false)
              || (!n.get("ttl").isPresent() && source != null && source.dimension());
      Optional<Duration> ttl = never ? Optional.empty() : duration(n.get("ttl"), true);
      Duration lookback =
          n.get("online_lookback").isPresent()
              ? duration(n.get("online_lookback"), true).orElse(Duration.ZERO)
              : Duration.ZERO;
      Map<String, ExprType> columns = source == null ? null : exprColumns(source);
      List<FeatureSpec> features = new java.util.ArrayList<>();
      Set<String> names = new java.util.HashSet<>();
      if (!n.get("features").isPresent()) {
        n.problem(
            "missing required field: features.", "add 'features:' with at least one feature.");
      }
      Map<String, ExprType> earlier = new LinkedHashMap<>();
      Set<String> broken = new java.util.HashSet<>();
      for (ConfigNode f : n.get("features").list()) {
        FeatureSpec spec =
            f.get("derived").isPresent() ? derived(f, earlier, broken) : feature(f, columns);
        if (spec == null) {
          f.get("name").text().ifPresent(broken::add);
        } else {
          earlier.putIfAbsent(spec.name(), exprType(spec));
          if (!names.add(spec.name())) {
            f.get("name")
                .problem(
                    "feature '" + spec.name() + "' is declared twice in this view.",
                    "rename one of them.");
          } else if (entity != null && entities.get(entity).key().equals(spec.name())
              || spec.name().equals("event_time")) {
            f.get("name")
                .problem(
                    "'"
                        + spec.name()
                        + "' is reserved for the key or event time column of the view's table.",
                    "rename the feature.");
          }
          features.add(spec);
        }
      }
      if (name != null && entity != null && source != null && (never || ttl.isPresent())) {
        putUnique(
            out,
            name,
            new FeatureViewConfig(name, entity, sourceName, ttl.orElse(null), features, lookback),
            n.get("name"));
      }
    }
    return out;
  }

  /**
   * A derived feature: {@code derived: <expression>} over the view's features declared before it
   * (their names are its columns), and nothing else. One that reads a feature whose declaration
   * failed ({@code broken}) is dropped without a problem of its own.
   */
  private FeatureSpec derived(ConfigNode f, Map<String, ExprType> earlier, Set<String> broken) {
    f.checkKeys(List.of("name", "derived", "description", "agg", "expr", "filter", "window"));
    String name = checkName(f.get("name"), f.get("name").requiredText("the feature name"));
    boolean alone = true;
    for (String other : List.of("agg", "expr", "filter", "window")) {
      if (f.get(other).isPresent()) {
        f.get(other)
            .problem(
                "a derived feature is an expression over the view's earlier features; it has no '"
                    + other
                    + "'.",
                "remove '"
                    + other
                    + "', or declare the aggregate as a feature of its own and name it in"
                    + " 'derived'.");
        alone = false;
      }
    }
    Optional<String> text = f.get("derived").requiredText("an expression over earlier features");
    if (text.isEmpty()) {
      return null;
    }
    if (earlier.isEmpty() && broken.isEmpty()) {
      f.get("derived")
          .problem(
              "a derived feature reads the features declared before it in the view, and none is.",
              "move it after the features its expression names.");
      return null;
    }
    Expr expr;
    try {
      expr = ExprParser.parse(text.get());
    } catch (ExprException e) {
      f.get("derived").problem(e.getMessage() + ".", e.fix());
      return null;
    }
    for (String column : expr.columns()) {
      if (broken.contains(column)) {
        return null; // that feature's own problem is reported; this one follows from it
      }
      if (!earlier.containsKey(column)) {
        f.get("derived")
            .problem(
                "'"
                    + column
                    + "' is not a feature declared before this one in the view; a derived"
                    + " feature reads only those: "
                    + earlier.keySet()
                    + ".",
                "declare '"
                    + column
                    + "' earlier in the view (a source column needs a feature of its own, such as"
                    + " {name: "
                    + column
                    + ", expr: "
                    + column
                    + "}), or move this feature after it.");
        return null;
      }
    }
    expr = expr(f.get("derived"), text.get(), earlier, null);
    if (name == null || expr == null || !alone) {
      return null;
    }
    return FeatureSpec.derived(name, expr, ExprTypes.infer(expr, earlier));
  }

  /** The expression-language type of a feature's value, as a later derived feature reads it. */
  private static ExprType exprType(FeatureSpec spec) {
    return switch (spec.outputType()) {
      case LONG, DOUBLE -> ExprType.NUMBER;
      case STRING -> ExprType.STRING;
      case BOOLEAN -> ExprType.BOOLEAN;
    };
  }

  private FeatureSpec feature(ConfigNode f, Map<String, ExprType> columns) {
    f.checkKeys(List.of("name", "agg", "expr", "filter", "window", "description", "derived"));
    String name = checkName(f.get("name"), f.get("name").requiredText("the feature name"));
    Aggregation agg = null;
    Optional<String> aggText = f.get("agg").text();
    if (aggText.isPresent()) {
      agg = Aggregation.parse(aggText.get()).orElse(null);
      if (agg == null) {
        f.get("agg")
            .problem(
                "unknown aggregation '"
                    + aggText.get()
                    + "'; expected one of "
                    + Aggregation.keys()
                    + ".",
                "use one of the accepted aggregations, or leave 'agg' out for a row-level value.");
        return null;
      }
    }
    Duration window = null;
    if (agg != null) {
      window = duration(f.get("window"), true).orElse(null);
    } else if (f.get("window").isPresent()) {
      f.get("window")
          .problem(
              "a row-level feature (no 'agg') has no window.",
              "add an 'agg' such as mean, or remove 'window'.");
    }
    Optional<String> exprText = f.get("expr").text();
    if (exprText.isEmpty() && agg != Aggregation.COUNT) {
      f.problemAt(
          "expr",
          "missing required field: the expression the feature "
              + (agg == null ? "takes" : "aggregates")
              + ".",
          "add 'expr: <column or expression>'.");
      return null;
    }
    if (columns == null) {
      return null; // the source is unknown; already reported
    }
    ExprType want = agg != null && agg.needsNumbers() ? ExprType.NUMBER : null;
    Expr expr = exprText.map(t -> expr(f.get("expr"), t, columns, want)).orElse(null);
    Expr filter =
        f.get("filter")
            .text()
            .map(t -> expr(f.get("filter"), t, columns, ExprType.BOOLEAN))
            .orElse(null);
    if (name == null || (exprText.isPresent() && expr == null) || (agg != null && window == null)) {
      return null;
    }
    ExprType type = expr == null ? ExprType.NUMBER : ExprTypes.infer(expr, columns);
    return new FeatureSpec(name, agg, expr, filter, window, type);
  }
}
