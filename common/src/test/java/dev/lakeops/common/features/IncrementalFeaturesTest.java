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
import dev.lakeops.common.expr.ExprEvaluator;
import dev.lakeops.common.expr.ExprParser;
import dev.lakeops.common.expr.ExprType;
import dev.lakeops.common.types.ColumnType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class IncrementalFeaturesTest {
  private static final long HOUR = 3_600_000_000L;

  private static final SourceConfig SOURCE =
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
              new ColumnSpec("n", ColumnType.INT, true, null, null, List.of()),
              new ColumnSpec("c", ColumnType.STRING, true, null, null, List.of())),
          "e",
          ExprParser.parse("k"),
          "k",
          new EventTime.FromRowIndex(java.time.Instant.EPOCH, Duration.ofHours(1)),
          List.of());

  private static FeatureSpec f(String name, Aggregation a, String expr, String filter, String w) {
    ExprType t =
        expr == null
            ? ExprType.NUMBER
            : expr.equals("c")
                ? ExprType.STRING
                : expr.contains(">") ? ExprType.BOOLEAN : ExprType.NUMBER;
    return new FeatureSpec(
        name,
        a,
        expr == null ? null : ExprParser.parse(expr),
        filter == null ? null : ExprParser.parse(filter),
        w == null ? null : Durations.parse(w).orElseThrow(),
        t);
  }

  private static final List<FeatureSpec> FEATURES =
      List.of(
          f("x", null, "x", null, null),
          f("c_now", null, "c", null, null),
          f("big_now", null, "x > 5", null, null),
          f("n3", Aggregation.COUNT, null, null, "3h"),
          f("nx3", Aggregation.COUNT, "x", null, "3h"),
          f("sum3", Aggregation.SUM, "x * n", null, "3h"),
          f("mean5", Aggregation.MEAN, "x", null, "5h"),
          f("std5", Aggregation.STDDEV, "x", null, "5h"),
          f("min2", Aggregation.MIN, "x / n", null, "2h"),
          f("max2", Aggregation.MAX, "x", "n > 1", "2h"),
          f("last4", Aggregation.LAST, "x", null, "4h"),
          f("lastc4", Aggregation.LAST, "c", null, "4h"),
          f("big4", Aggregation.COUNT, null, "x > 5", "4h"),
          f("sumf6", Aggregation.SUM, "x", "c == 'a'", "6h"));

  private static final List<FeatureViewConfig> VIEWS =
      List.of(
          new FeatureViewConfig("v1", "e", "s", Duration.ofDays(1), FEATURES.subList(0, 7)),
          new FeatureViewConfig(
              "v2", "e", "s", Duration.ofDays(1), FEATURES.subList(7, FEATURES.size())));

  private static SourceEvent ev(long hourTimes4, Double x, Integer n, String c) {
    return new SourceEvent("k1", hourTimes4 * HOUR / 4, new Object[] {"k1", x, n, c}, "t", "");
  }

  @Test
  void handComputedWindows() {
    IncrementalFeatures inc = new IncrementalFeatures(SOURCE, VIEWS);
    FeatureHistory h = new FeatureHistory();
    // times (hours): 0, 1, 1, 3, 4.5
    inc.add(h, ev(0, 2.0, 1, "a"));
    inc.add(h, ev(4, 4.0, 2, "b"));
    inc.add(h, ev(4, 6.0, 2, "a"));
    inc.add(h, ev(12, null, 3, "z"));
    inc.add(h, ev(18, 10.0, 0, "a"));

    Map<String, Object> at1 = merged(inc, h, HOUR);
    assertThat(at1.get("x")).isEqualTo(6.0); // two events at t: the greatest
    assertThat(at1.get("c_now")).isEqualTo("b");
    assertThat(at1.get("big_now")).isEqualTo(true);
    assertThat(at1.get("n3")).isEqualTo(3L);
    assertThat(at1.get("sum3")).isEqualTo(2.0 + 8.0 + 12.0);
    assertThat(at1.get("mean5")).isEqualTo(4.0);
    assertThat((Double) at1.get("std5")).isCloseTo(2.0, within(1e-12));
    assertThat(at1.get("max2")).isEqualTo(6.0); // n > 1 filters out the first

    Map<String, Object> at3 = merged(inc, h, 3 * HOUR);
    // (0, 3]: the events at 1 and 3; the one at 0 is outside (t - 3h is excluded)
    assertThat(at3.get("n3")).isEqualTo(3L);
    assertThat(at3.get("nx3")).isEqualTo(2L); // x is null at 3
    assertThat(at3.get("x")).isNull();
    assertThat(at3.get("big_now")).isNull();
    assertThat(at3.get("last4")).isEqualTo(6.0); // null at 3 is skipped
    assertThat(at3.get("lastc4")).isEqualTo("z");
    assertThat(at3.get("min2")).isNull(); // (1, 3]: only x = null

    Map<String, Object> at45 = merged(inc, h, 18 * HOUR / 4);
    assertThat(at45.get("min2")).isNull(); // 10 / 0 is null
    assertThat(at45.get("sum3")).isEqualTo(0.0); // (1.5, 4.5]: x * n is null at 3, 10 * 0 at 4.5
    assertThat(at45.get("sumf6")).isEqualTo(2.0 + 6.0 + 10.0);
    assertThat(at45.get("big4")).isEqualTo(2L);
    assertThat(at45.get("std5")).isNotNull();
  }

  private static Map<String, Object> merged(IncrementalFeatures inc, FeatureHistory h, long t) {
    Map<String, Object> m = new HashMap<>(inc.compute(h, 0, t));
    m.putAll(inc.compute(h, 1, t));
    return m;
  }

  @Test
  void producingRowsEvictsWhatNoWindowReaches() {
    IncrementalFeatures inc = new IncrementalFeatures(SOURCE, VIEWS);
    FeatureHistory h = new FeatureHistory();
    for (int i = 0; i < 40; i++) {
      inc.add(h, ev(i * 2, (double) i, 1, "a"));
    }
    List<Long> due = inc.due(h, 5 * HOUR);
    assertThat(due).hasSize(11); // 0, 0.5, ..., 5
    inc.produced(h, due.get(due.size() - 1));
    assertThat(inc.due(h, 5 * HOUR)).isEmpty();
    assertThat(h.earliest()).isGreaterThan(5 * HOUR - inc.reachMicros());
    assertThat(inc.accepts(h, 5 * HOUR)).isFalse();
    assertThat(inc.accepts(h, 5 * HOUR + 1)).isTrue();
  }

  /** Random events against a direct, row-by-row evaluation of every window with ExprEvaluator. */
  @Test
  void matchesANaiveEvaluationOfEveryWindow() {
    Random rnd = new Random(7);
    List<SourceEvent> events = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      Double x = rnd.nextInt(10) == 0 ? null : Math.round(rnd.nextGaussian() * 1000) / 100.0;
      Integer n = rnd.nextInt(8) == 0 ? null : rnd.nextInt(4);
      String c = rnd.nextInt(6) == 0 ? null : String.valueOf((char) ('a' + rnd.nextInt(4)));
      events.add(ev(rnd.nextInt(400), x, n, c)); // quarter hours, many repeated times
    }
    IncrementalFeatures inc = new IncrementalFeatures(SOURCE, VIEWS);
    FeatureHistory h = new FeatureHistory();
    // Arrival order is time order with bounded disorder; rows come out once time has passed.
    events.sort((a, b) -> Long.compare(a.eventTimeMicros(), b.eventTimeMicros()));
    TreeSet<Long> times = new TreeSet<>();
    events.forEach(e -> times.add(e.eventTimeMicros()));
    Map<Long, Map<String, Object>> got = new HashMap<>();
    int next = 0;
    for (long t : times) {
      while (next < events.size() && events.get(next).eventTimeMicros() <= t) {
        assertThat(inc.accepts(h, events.get(next).eventTimeMicros())).isTrue();
        inc.add(h, events.get(next++));
      }
      for (long due : inc.due(h, t)) {
        got.put(due, merged(inc, h, due));
        inc.produced(h, due);
      }
    }
    assertThat(got.keySet()).isEqualTo(times);
    assertThat(h.size()).isLessThan(times.size());
    int compared = 0;
    for (long t : times) {
      for (FeatureSpec f : FEATURES) {
        Object want = naive(f, events, t);
        Object have = got.get(t).get(f.name());
        if (want instanceof Double d && have instanceof Double e) {
          assertThat(e).as(f.name() + " at " + t).isCloseTo(d, within(1e-9));
        } else {
          assertThat(have).as(f.name() + " at " + t).isEqualTo(want);
        }
        compared++;
      }
    }
    assertThat(compared).isEqualTo(times.size() * FEATURES.size());
  }

  private static Object naive(FeatureSpec f, List<SourceEvent> events, long t) {
    long w = f.window() == null ? 1 : f.window().toNanos() / 1000;
    List<Object> vals = new ArrayList<>();
    List<Long> at = new ArrayList<>();
    for (SourceEvent e : events) {
      long et = e.eventTimeMicros();
      if (et > t - w && et <= t) {
        Map<String, Object> row = new HashMap<>();
        row.put("k", e.values()[0]);
        row.put("x", e.values()[1]);
        row.put("n", e.values()[2]);
        row.put("c", e.values()[3]);
        boolean keep =
            f.filter() == null || Boolean.TRUE.equals(ExprEvaluator.eval(f.filter(), row::get));
        Object v = f.expr() == null ? 1.0 : ExprEvaluator.eval(f.expr(), row::get);
        if (keep && v != null) {
          vals.add(v);
          at.add(et);
        }
      }
    }
    Aggregation a = f.aggregation();
    if (a == null || a == Aggregation.LAST) {
      // the greatest value of the latest time that has one
      Object best = null;
      long bestAt = Long.MIN_VALUE;
      for (int i = 0; i < vals.size(); i++) {
        if (at.get(i) > bestAt
            || at.get(i) == bestAt && IncrementalFeatures.compare(vals.get(i), best) > 0) {
          best = vals.get(i);
          bestAt = at.get(i);
        }
      }
      return best;
    }
    if (a == Aggregation.COUNT) {
      return (long) vals.size();
    }
    if (vals.isEmpty()) {
      return null;
    }
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Object v : vals) {
      double d = (Double) v;
      sum += d;
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    double mean = sum / vals.size();
    return switch (a) {
      case SUM -> sum;
      case MEAN -> mean;
      case MIN -> min;
      case MAX -> max;
      case STDDEV -> {
        if (vals.size() < 2) {
          yield null;
        }
        double sq = 0;
        for (Object v : vals) {
          sq += ((Double) v - mean) * ((Double) v - mean);
        }
        yield Math.sqrt(sq / (vals.size() - 1));
      }
      default -> throw new IllegalStateException();
    };
  }
}
