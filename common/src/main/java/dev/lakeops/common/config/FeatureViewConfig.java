package dev.lakeops.common.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A group of features of one entity computed from one source, stored as one offline table keyed by
 * entity key and event time.
 *
 * @param ttl how long a feature row stays valid for point-in-time lookups; null when it stays valid
 *     until a newer row ({@code ttl: none}, the default for views of a dimension source)
 * @param onlineLookback how far behind an entity's latest event the online store still answers an
 *     as-of read ({@code online_lookback:}, default zero): the store keeps that much more history
 *     than the longest window, so an event scored at {@code t} after newer events of its entity
 *     were stored (a late request, a replay whose features lead the requests) still gets the values
 *     at {@code t}; never null
 */
public record FeatureViewConfig(
    String name,
    String entity,
    String source,
    Duration ttl,
    List<FeatureSpec> features,
    Duration onlineLookback)
    implements java.io.Serializable {

  public FeatureViewConfig {
    onlineLookback = onlineLookback == null ? Duration.ZERO : onlineLookback;
  }

  /** A view with no online lookback. */
  public FeatureViewConfig(
      String name, String entity, String source, Duration ttl, List<FeatureSpec> features) {
    this(name, entity, source, ttl, features, Duration.ZERO);
  }

  /** The longest window of the view's features (zero if all are row-level). */
  public Duration maxWindow() {
    return features.stream()
        .map(FeatureSpec::window)
        .filter(w -> w != null)
        .max(Duration::compareTo)
        .orElse(Duration.ZERO);
  }

  public Optional<FeatureSpec> feature(String name) {
    return features.stream().filter(f -> f.name().equals(name)).findFirst();
  }
}
