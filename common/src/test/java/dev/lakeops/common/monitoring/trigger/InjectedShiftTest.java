package dev.lakeops.common.monitoring.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.monitoring.ModelMonitoring;
import dev.lakeops.common.monitoring.ModelMonitoring.Rule;
import dev.lakeops.common.monitoring.Statistic;
import dev.lakeops.common.monitoring.WindowStatistic;
import dev.lakeops.common.monitoring.drift.DriftStatistics;
import dev.lakeops.common.monitoring.drift.FeatureWindow;
import dev.lakeops.common.monitoring.drift.QuantileSketches;
import dev.lakeops.common.monitoring.drift.ReferenceColumn;
import dev.lakeops.common.training.ReferenceProfile.ColumnProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.Test;

/**
 * The drift statistics and the rules end to end, engine-free: a generated stream whose input {@code
 * x} shifts at a known window raises a trigger within the rule's {@code consecutive} windows after
 * it; the same stream with no shift raises none over 250 windows (the false-alarm count is
 * printed). Input {@code y} never shifts.
 */
class InjectedShiftTest {
  private static final long HOUR = 3_600_000L;
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private static final int ROWS_PER_WINDOW = 500;
  private static final int SHIFT_AT = 50;

  /** The shift of x's mean, in reference standard deviations: PSI about 0.5, far above 0.2. */
  private static final double SHIFT = 0.75;

  private static final Rule RULE =
      new Rule("input_shift", Statistic.PSI, "any", 0.2, 2, Duration.ZERO);

  @Test
  void aShiftRaisesATriggerWithinTheConsecutiveWindows() {
    List<Integer> fired = run(100, SHIFT_AT, new Random(7));
    System.out.printf(
        "injected shift at window %d (+%.2f sd): triggers at windows %s%n", SHIFT_AT, SHIFT, fired);
    assertThat(fired).isNotEmpty();
    assertThat(fired.get(0))
        .as("the first trigger: after the shift, within consecutive = %d windows", 2)
        .isBetween(SHIFT_AT, SHIFT_AT + RULE.consecutive() - 1);
    // every window after the shift breaches: a trigger every second window (the count restarts)
    assertThat(fired).hasSize((100 - SHIFT_AT) / 2);
  }

  @Test
  void noShiftRaisesNoTriggerOver250Windows() {
    List<Integer> fired = run(250, Integer.MAX_VALUE, new Random(11));
    System.out.printf("no shift, 250 windows: %d false alarms %s%n", fired.size(), fired);
    assertThat(fired).isEmpty();
  }

  /** Feeds {@code windows} windows, x shifted from {@code shiftAt} on; the trigger windows. */
  private static List<Integer> run(int windows, int shiftAt, Random random) {
    ReferenceColumn x = reference("x", random);
    ReferenceColumn y = reference("y", random);
    RuleEngine engine =
        new RuleEngine(new ModelMonitoring("m", Duration.ofHours(1), null, null, List.of(RULE)));
    List<Integer> fired = new ArrayList<>();
    for (int w = 0; w < windows; w++) {
      FeatureWindow xs = x.newWindow();
      FeatureWindow ys = y.newWindow();
      for (int i = 0; i < ROWS_PER_WINDOW; i++) {
        xs.add(random.nextGaussian() + (w >= shiftAt ? SHIFT : 0));
        ys.add(random.nextGaussian());
      }
      long start = T0 + w * HOUR;
      List<WindowStatistic> stats = new ArrayList<>();
      add(stats, start, "x", DriftStatistics.compute(x, xs));
      add(stats, start, "y", DriftStatistics.compute(y, ys));
      if (!engine.evaluate(stats, 0).triggers().isEmpty()) {
        fired.add(w);
      }
    }
    return fired;
  }

  private static void add(
      List<WindowStatistic> out, long start, String feature, Map<Statistic, Double> values) {
    values.forEach(
        (s, v) ->
            out.add(
                new WindowStatistic("m", 1, start, start + HOUR, feature, s, v, ROWS_PER_WINDOW)));
  }

  /** A standard normal reference of 5,000 values, profiled as training does (with its sketch). */
  private static ReferenceColumn reference(String name, Random random) {
    double[] v = new double[5_000];
    KllDoublesSketch sketch = QuantileSketches.newSketch();
    for (int i = 0; i < v.length; i++) {
      v[i] = random.nextGaussian();
      sketch.update(v[i]);
    }
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    double mean = Arrays.stream(v).average().orElseThrow();
    double var = Arrays.stream(v).map(a -> (a - mean) * (a - mean)).sum() / (v.length - 1);
    List<Double> percentiles = new ArrayList<>();
    for (int p = 0; p <= 100; p++) {
      percentiles.add(sorted[(int) Math.round(p / 100.0 * (sorted.length - 1))]);
    }
    ColumnProfile profile =
        ColumnProfile.numeric(
                v.length,
                0,
                mean,
                Math.sqrt(var),
                sorted[0],
                sorted[sorted.length - 1],
                percentiles)
            .withSketch(QuantileSketches.toBase64(sketch));
    return ReferenceColumn.of(name, profile);
  }
}
