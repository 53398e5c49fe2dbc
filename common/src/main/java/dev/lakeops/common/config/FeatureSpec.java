package dev.lakeops.common.config;

import dev.lakeops.common.expr.Expr;
import dev.lakeops.common.expr.ExprType;
import dev.lakeops.common.features.Aggregation;
import java.time.Duration;

/**
 * One feature of a view. With an aggregation it summarizes the entity's events in {@code (t -
 * window, t]}; without one it is the expression's value on the event at {@code t}.
 *
 * @param aggregation null for a row-level feature
 * @param expr the value aggregated; null only for {@code count} (counts events)
 * @param filter only events where this is true take part; null for all
 * @param window null for a row-level feature
 * @param exprType the type of {@code expr} (NUMBER for a plain count)
 */
public record FeatureSpec(
    String name,
    Aggregation aggregation,
    Expr expr,
    Expr filter,
    Duration window,
    ExprType exprType)
    implements java.io.Serializable {

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
