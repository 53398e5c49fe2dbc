package dev.lakeops.common.features;

import static dev.lakeops.common.conformance.FeatureCases.assertValue;
import static dev.lakeops.common.conformance.FeatureCases.micros;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.conformance.FeatureCases;
import dev.lakeops.common.conformance.FeatureCases.Case;
import dev.lakeops.common.events.SourceEvent;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The aggregate, window, TTL and derived-feature cases of the conformance suite ({@code
 * conformance/features.yaml}, read by {@link FeatureCases}) through common's {@link
 * IncrementalFeatures}: {@code compute} at event times gives the offline rows, and {@code
 * latestAtOrBefore} + {@link Freshness} + {@code valuesAt} at read times give what the online
 * stores and serving read. Spark runs the same file in {@code FeatureConformanceIT}.
 */
class FeatureConformanceTest {
  static Stream<Case> all() throws IOException {
    return FeatureCases.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  void incrementalFeaturesGiveTheHandValues(Case c) {
    IncrementalFeatures inc = new IncrementalFeatures(FeatureCases.SOURCE, List.of(c.view()));
    Map<String, FeatureHistory> byEntity = new HashMap<>();
    for (SourceEvent e : c.sourceEvents()) {
      inc.add(byEntity.computeIfAbsent(e.entityKey(), k -> new FeatureHistory()), e);
    }
    List<FeatureSpec> features = c.view().features();
    for (List<Object> r : c.rows()) {
      Map<String, Object> got = inc.compute(byEntity.get((String) r.get(0)), 0, micros(r.get(1)));
      for (int i = 0; i < features.size(); i++) {
        assertValue(
            c.name() + ": row " + r.get(0) + "@" + r.get(1) + " " + features.get(i).name(),
            r.get(2 + i),
            got.get(features.get(i).name()));
      }
    }
    assertThat(c.reads()).isNotEmpty();
    for (List<Object> r : c.reads()) {
      String at = c.name() + ": read " + r.get(0) + "@" + r.get(1);
      FeatureHistory h = byEntity.get((String) r.get(0));
      long t = micros(r.get(1));
      Long latest = inc.latestAtOrBefore(h, t);
      boolean fresh = latest != null && Freshness.isFresh(latest, t, c.view().ttl());
      if (r.get(2) == null) {
        assertThat(fresh).as(at + " has no row").isFalse();
        continue;
      }
      assertThat(fresh).as(at + " has a row").isTrue();
      assertThat(latest).as(at + " row time").isEqualTo(micros(r.get(2)));
      Map<String, Object> got = inc.valuesAt(h, 0, t);
      for (int i = 0; i < features.size(); i++) {
        assertValue(
            at + " " + features.get(i).name(), r.get(3 + i), got.get(features.get(i).name()));
      }
    }
  }

  /**
   * The suite covers every aggregation, row-level and derived features, and reads at both sides of
   * a TTL.
   */
  @org.junit.jupiter.api.Test
  void theCasesCoverEveryAggregation() throws IOException {
    List<Case> cases = FeatureCases.all();
    assertThat(
            cases.stream()
                .flatMap(c -> c.view().features().stream())
                .map(FeatureSpec::aggregation)
                .distinct())
        .containsAll(List.of(Aggregation.values()))
        .contains((Aggregation) null);
    assertThat(cases.stream().flatMap(c -> c.view().features().stream()))
        .anyMatch(FeatureSpec::derived);
    assertThat(cases.stream().flatMap(c -> c.reads().stream()).filter(r -> r.get(2) == null))
        .hasSizeGreaterThan(4);
  }
}
