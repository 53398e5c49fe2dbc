package dev.lakeops.common.online;

import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.expr.Expr;
import dev.lakeops.common.expr.ExprType;
import dev.lakeops.common.features.Aggregation;
import dev.lakeops.common.features.IncrementalFeatures;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * What an online store needs to know of a feature view to answer reads: its TTL and its features'
 * names, aggregations, windows and types (not their expressions: the store reads stored partial
 * aggregates, it does not see events), and the expressions of derived features, which it evaluates
 * on read over the view's other values. Serializable, so it travels in an {@link OnlineStoreSpec}.
 *
 * @param ttl how long a row stays fresh ({@link dev.lakeops.common.features.Freshness}); null:
 *     never expires
 */
public record OnlineView(String name, Duration ttl, List<Feature> features)
    implements Serializable {

  /**
   * One feature of the view.
   *
   * @param aggregation null for a row-level feature
   * @param window null for a row-level feature
   * @param exprType the type of the aggregated expression (NUMBER for a plain count)
   * @param derived a derived feature's expression over the view's earlier features (evaluated on
   *     read, it has no stored state); null for any other feature
   */
  public record Feature(
      String name, Aggregation aggregation, Duration window, ExprType exprType, Expr derived)
      implements Serializable {}

  public OnlineView {
    features = List.copyOf(features);
  }

  /** The view's online description from its configuration. */
  public static OnlineView of(FeatureViewConfig v) {
    return new OnlineView(
        v.name(),
        v.ttl(),
        v.features().stream()
            .map(
                f ->
                    new Feature(
                        f.name(),
                        f.aggregation(),
                        f.window(),
                        f.exprType(),
                        f.derived() ? f.expr() : null))
            .toList());
  }

  /** A view with only row-level features of the given names (tests, benchmarks). */
  public static OnlineView rowLevel(String name, Duration ttl, List<String> features) {
    return new OnlineView(
        name,
        ttl,
        features.stream().map(f -> new Feature(f, null, null, ExprType.NUMBER, null)).toList());
  }

  /** The view as a configuration without expressions, for {@link IncrementalFeatures#forView}. */
  FeatureViewConfig toConfig() {
    return new FeatureViewConfig(
        name,
        "",
        "",
        ttl,
        features.stream()
            .map(
                f ->
                    f.derived() != null
                        ? FeatureSpec.derived(f.name(), f.derived(), f.exprType())
                        : new FeatureSpec(
                            f.name(), f.aggregation(), null, null, f.window(), f.exprType()))
            .toList());
  }

  /** The feature names in declaration order. */
  public List<String> featureNames() {
    return features.stream().map(Feature::name).toList();
  }
}
