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
      n.checkKeys(List.of("name", "key", "description"));
      String name = checkName(n.get("name"), n.get("name").requiredText("the entity name"));
      Optional<String> key = n.get("key").requiredText("the key column name, e.g. customer_id");
      if (name != null && key.isPresent()) {
        putUnique(
            out,
            name,
            new EntityConfig(name, key.get(), n.get("description").textOr("")),
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
      if (source != null && entity != null && !source.entity().equals(entity)) {
        n.get("entity")
            .problem(
                "the view's entity is '"
                    + entity
                    + "' but its source '"
                    + sourceName
                    + "' holds rows of entity '"
                    + source.entity()
                    + "'.",
                "use entity '" + source.entity() + "' or another source.");
      }
      Optional<Duration> ttl = duration(n.get("ttl"), true);
      Duration lookback =
          n.get("online_lookback").isPresent()
              ? duration(n.get("online_lookback"), true).orElse(Duration.ZERO)
              : Duration.ZERO;
      Map<String, ExprType> columns = source == null ? null : exprColumns(source.schema());
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
      if (name != null && entity != null && source != null && ttl.isPresent()) {
        putUnique(
            out,
            name,
            new FeatureViewConfig(name, entity, sourceName, ttl.get(), features, lookback),
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
