package dev.lakeops.common.config;

import dev.lakeops.common.expr.Expr;
import dev.lakeops.common.expr.ExprType;
import dev.lakeops.common.features.Aggregation;
import java.time.Duration;

/**
 * One feature of a view. With an aggregation it summarizes the entity's events in {@code (t -
 * window, t]}; without one it is the expression's value on the event at {@code t}. A <em>derived
 * feature</em> ({@code derived: <expression>} in {@code feature_views.yaml}) is instead an
 * expression over the values of the view's features declared before it, evaluated on the view's row
 * at {@code t} (offline) or at the read time (online), after the windows are aggregated: for
 * example the distance of the price from its 24h mean, {@code nswprice - nswprice_mean_24h}. It
 * keeps no state of its own; both engines evaluate it with the expression language's one set of
 * rules ({@code ExprEvaluator}, and its Spark compilation pinned by the conformance suite).
 *
 * @param aggregation null for a row-level or derived feature
 * @param expr the value aggregated, over the source's columns; for a derived feature, over the
 *     earlier features of the view; null only for {@code count} (counts events)
 * @param filter only events where this is true take part; null for all (always null when derived)
 * @param window null for a row-level or derived feature
 * @param exprType the type of {@code expr} (NUMBER for a plain count)
 * @param derived whether {@code expr} reads the view's earlier features, not the source's columns
 */
public record FeatureSpec(
    String name,
    Aggregation aggregation,
    Expr expr,
    Expr filter,
    Duration window,
    ExprType exprType,
    boolean derived)
    implements java.io.Serializable {

  /** A feature computed from the source's columns (not derived). */
  public FeatureSpec(
      String name,
      Aggregation aggregation,
      Expr expr,
      Expr filter,
      Duration window,
      ExprType exprType) {
    this(name, aggregation, expr, filter, window, exprType, false);
  }

  /** A derived feature: {@code expr} over the view's earlier features, of type {@code exprType}. */
  public static FeatureSpec derived(String name, Expr expr, ExprType exprType) {
    return new FeatureSpec(name, null, expr, null, null, exprType, true);
  }

  /** The type of the feature's value. */
  public FeatureType outputType() {
    if (aggregation == Aggregation.COUNT) {
      return FeatureType.LONG;
    }
    if (aggregation == null || aggregation == Aggregation.LAST) {
      return switch (exprType) {
        case STRING -> FeatureType.STRING;
        case BOOLEAN -> FeatureType.BOOLEAN;
        default -> FeatureType.DOUBLE;
      };
    }
    return FeatureType.DOUBLE;
  }

  /** Types of feature values, as stored in the offline and online stores. */
  public enum FeatureType {
    LONG,
    DOUBLE,
    STRING,
    BOOLEAN
  }
}
