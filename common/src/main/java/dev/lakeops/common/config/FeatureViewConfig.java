package dev.lakeops.common.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A group of features of one entity computed from one source, stored as one offline table keyed by
 * entity key and event time.
 *
 * @param ttl how long a feature row stays valid for point-in-time lookups
 */
public record FeatureViewConfig(
    String name, String entity, String source, Duration ttl, List<FeatureSpec> features)
    implements java.io.Serializable {

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
