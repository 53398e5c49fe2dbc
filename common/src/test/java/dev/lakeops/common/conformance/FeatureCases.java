package dev.lakeops.common.conformance;

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
import dev.lakeops.common.features.Aggregation;
import dev.lakeops.common.features.Durations;
import dev.lakeops.common.types.ColumnType;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * The aggregate, window, TTL and derived-feature cases of the conformance suite ({@code
 * conformance/features.yaml} on the test classpath, shipped in common's test-jar) as views of one
 * source {@code s} with columns k (text, the entity key), x (double) and c (text): read once here
 * for common's {@code FeatureConformanceTest} and Spark's {@code FeatureConformanceIT}.
 */
public final class FeatureCases {
  /** The cases' one source: k (the key), x, c; event time from column ts. */
  public static final SourceConfig SOURCE =
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
          new EventTime.FromColumn("ts", null, null),
          List.of());

  private static final Map<String, ExprType> COLUMNS =
      Map.of("k", ExprType.STRING, "x", ExprType.NUMBER, "c", ExprType.STRING);

  /**
   * One case: a view (named v, of entity e), its events {@code [entity, ISO time, x, c]}, the
   * offline rows {@code [entity, time, values...]} and the reads {@code [entity, read time, row
   * time or null, values...]}.
   */
  public record Case(
      String name,
      FeatureViewConfig view,
      List<List<Object>> events,
      List<List<Object>> rows,
      List<List<Object>> reads) {
    @Override
    public String toString() {
      return name;
    }

    /** The events as the source's decoded events (x widened to double). */
    public List<SourceEvent> sourceEvents() {
      List<SourceEvent> out = new ArrayList<>();
      for (List<Object> e : events) {
        out.add(
            new SourceEvent(
                (String) e.get(0),
                micros(e.get(1)),
                new Object[] {e.get(0), x(e), e.get(3)},
                "t",
                ""));
      }
      return out;
    }
  }

  private FeatureCases() {}

  /**
   * Reads every case.
   *
   * @throws IOException when the file cannot be read
   */
  @SuppressWarnings("unchecked")
  public static List<Case> all() throws IOException {
    try (InputStream in = FeatureCases.class.getResourceAsStream("/conformance/features.yaml")) {
      Map<String, Object> doc = new Yaml().load(in);
      List<Case> out = new ArrayList<>();
      for (Map<String, Object> c : (List<Map<String, Object>>) doc.get("cases")) {
        List<FeatureSpec> features = new ArrayList<>();
        Map<String, ExprType> earlier = new LinkedHashMap<>();
        for (Map<String, Object> f : (List<Map<String, Object>>) c.get("features")) {
          FeatureSpec spec = feature(f, earlier);
          features.add(spec);
          earlier.put(
              spec.name(),
              switch (spec.outputType()) {
                case LONG, DOUBLE -> ExprType.NUMBER;
                case STRING -> ExprType.STRING;
                case BOOLEAN -> ExprType.BOOLEAN;
              });
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

  private static FeatureSpec feature(Map<String, Object> f, Map<String, ExprType> earlier) {
    String name = (String) f.get("name");
    if (f.get("derived") != null) {
      Expr e = ExprParser.parse((String) f.get("derived"));
      return FeatureSpec.derived(name, e, ExprTypes.infer(e, earlier));
    }
    Expr expr = f.get("expr") == null ? null : ExprParser.parse((String) f.get("expr"));
    return new FeatureSpec(
        name,
        f.get("agg") == null ? null : Aggregation.parse((String) f.get("agg")).orElseThrow(),
        expr,
        f.get("filter") == null ? null : ExprParser.parse((String) f.get("filter")),
        f.get("window") == null ? null : Durations.parse((String) f.get("window")).orElseThrow(),
        expr == null ? ExprType.NUMBER : ExprTypes.infer(expr, COLUMNS));
  }

  /** An ISO-8601 instant in epoch µs. */
  public static long micros(Object iso) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse((String) iso));
  }

  /** An event's x as a double (null stays null). */
  public static Double x(List<Object> event) {
    return event.get(2) instanceof Number n ? n.doubleValue() : null;
  }

  /** An expected value against a computed one: integers are counts, doubles within 1e-12. */
  public static void assertValue(String what, Object want, Object have) {
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
}
