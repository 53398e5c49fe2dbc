package dev.lakeops.common.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lakeops.common.config.ColumnSpec;
import dev.lakeops.common.config.EventTime;
import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.config.SourceFormat;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.expr.Expr;
import dev.lakeops.common.expr.ExprParser;
import dev.lakeops.common.expr.ExprType;
import dev.lakeops.common.expr.ExprTypes;
import dev.lakeops.common.types.ColumnType;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The aggregate, window and TTL cases of the conformance suite ({@code conformance/features.yaml})
 * through common's {@link IncrementalFeatures}: {@code compute} at event times gives the offline
 * rows, and {@code latestAtOrBefore} + {@link Freshness} + {@code valuesAt} at read times give what
 * the online stores and serving read. Spark runs the same file in {@code FeatureConformanceIT}.
 */
class FeatureConformanceTest {
  static final SourceConfig SOURCE =
      new SourceConfig(
          "s",
          SourceFormat.JSONL,
          "x",
          null,
          ",",
          false,
          Map.of(),
          List.of(
              new ColumnSpec("k", ColumnType.STRING, false, null, null, List.of()),
              new ColumnSpec("x", ColumnType.DOUBLE, true, null, null, List.of()),
              new ColumnSpec("c", ColumnType.STRING, true, null, null, List.of())),
          "e",
          ExprParser.parse("k"),
          "k",
          new EventTime.FromColumn("ts", null),
          List.of());

  record Case(
      String name,
      FeatureViewConfig view,
      List<List<Object>> events,
      List<List<Object>> rows,
      List<List<Object>> reads) {
    @Override
    public String toString() {
      return name;
    }
  }

  @SuppressWarnings("unchecked")
  static List<Case> cases() throws IOException {
    try (InputStream in =
        FeatureConformanceTest.class.getResourceAsStream("/conformance/features.yaml")) {
      Map<String, Object> doc = new Yaml().load(in);
      List<Case> out = new ArrayList<>();
      for (Map<String, Object> c : (List<Map<String, Object>>) doc.get("cases")) {
        List<FeatureSpec> features = new ArrayList<>();
        for (Map<String, Object> f : (List<Map<String, Object>>) c.get("features")) {
          Expr expr = f.get("expr") == null ? null : ExprParser.parse((String) f.get("expr"));
          features.add(
              new FeatureSpec(
                  (String) f.get("name"),
                  f.get("agg") == null
                      ? null
                      : Aggregation.parse((String) f.get("agg")).orElseThrow(),
                  expr,
                  f.get("filter") == null ? null : ExprParser.parse((String) f.get("filter")),
                  f.get("window") == null
                      ? null
                      : Durations.parse((String) f.get("window")).orElseThrow(),
                  expr == null
                      ? ExprType.NUMBER
                      : ExprTypes.infer(
                          expr,
                          Map.of(
                              "k", ExprType.STRING, "x", ExprType.NUMBER, "c", ExprType.STRING))));
        }
        Duration ttl = Durations.parse((String) c.get("ttl")).orElseThrow();
        out.add(
            new Case(
                (String) c.get("name"),
                new FeatureViewConfig("v", "e", "s", ttl, features),
                (List<List<Object>>) c.get("events"),
                (List<List<Object>>) c.get("rows"),
                (List<List<Object>>) c.get("reads")));
      }
      return out;
    }
  }

  static long micros(Object iso) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse((String) iso));
  }

  /** An expected value against a computed one: integers are counts, doubles within 1e-12. */
  static void assertValue(String what, Object want, Object have) {
    if (want == null) {
      assertThat(have).as(what).isNull();
    } else if (want instanceof Integer i) {
      assertThat(have).as(what).isEqualTo((long) i);
    } else if (want instanceof Double d) {
      assertThat(have).as(what).isInstanceOf(Double.class);
      if (d.isNaN()) {
        assertThat((Double) have).as(what).isNaN();
      } else {
        assertThat((Double) have).as(what).isCloseTo(d, within(1e-12 * Math.max(1, Math.abs(d))));
      }
    } else {
      assertThat(have).as(what).isEqualTo(want);
    }
  }

  static Stream<Case> all() throws IOException {
    return cases().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  void incrementalFeaturesGiveTheHandValues(Case c) {
    IncrementalFeatures inc = new IncrementalFeatures(SOURCE, List.of(c.view()));
    Map<String, FeatureHistory> byEntity = new HashMap<>();
    for (List<Object> e : c.events()) {
      Object x = e.get(2) instanceof Number n ? n.doubleValue() : null;
      inc.add(
          byEntity.computeIfAbsent((String) e.get(0), k -> new FeatureHistory()),
          new SourceEvent(
              (String) e.get(0), micros(e.get(1)), new Object[] {e.get(0), x, e.get(3)}, "t", ""));
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

  /** The suite covers every aggregation, row-level features and reads at both sides of a TTL. */
  @org.junit.jupiter.api.Test
  void theCasesCoverEveryAggregation() throws IOException {
    List<Case> cases = cases();
    assertThat(
            cases.stream()
                .flatMap(c -> c.view().features().stream())
                .map(FeatureSpec::aggregation)
                .distinct())
        .containsAll(List.of(Aggregation.values()))
        .contains((Aggregation) null);
    assertThat(cases.stream().flatMap(c -> c.reads().stream()).filter(r -> r.get(2) == null))
        .hasSizeGreaterThan(4);
  }
}
