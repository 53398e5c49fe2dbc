package dev.lakeops.bench.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lakeops.common.training.ReferenceProfile.ColumnProfile;
import dev.lakeops.flink.monitoring.MonitorInput;
import dev.lakeops.flink.serving.Prediction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** The benchmark's helpers: percentiles, the profile of a column, labels, the median. */
class MonitorDataTest {

  @Test
  void percentilesAreLinearBetweenTheClosestRanks() {
    double[] zeroToNine = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    // position p/100 * 9, and the values equal their ranks: 9p/100
    for (int p : new int[] {0, 1, 33, 50, 99, 100}) {
      assertThat(MonitorData.percentile(zeroToNine, p)).isCloseTo(9.0 * p / 100, within(1e-12));
    }
    // two values 1 and 3: the 25th percentile is a quarter of the way, 1.5
    assertThat(MonitorData.percentile(new double[] {1, 3}, 25)).isEqualTo(1.5);
    assertThat(MonitorData.percentile(new double[] {7}, 80)).isEqualTo(7.0);
    assertThatThrownBy(() -> MonitorData.percentile(new double[0], 50))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MonitorData.percentile(zeroToNine, 101))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNumericProfileCountsMissingValuesAndSkipsThemElsewhere() {
    ColumnProfile c = MonitorData.numeric(new double[] {4, Double.NaN, 1, 3, 2});
    assertThat(c.count()).isEqualTo(5);
    assertThat(c.nullCount()).isEqualTo(1);
    assertThat(c.mean()).isEqualTo(2.5);
    // sample variance of 1..4: (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3
    assertThat(c.stddev()).isCloseTo(Math.sqrt(5.0 / 3), within(1e-12));
    assertThat(c.min()).isEqualTo(1.0);
    assertThat(c.max()).isEqualTo(4.0);
    assertThat(c.quantiles()).hasSize(101);
    assertThat(c.quantile(50)).isEqualTo(2.5);
    assertThat(c.sketch()).isNotNull();
  }

  @Test
  void labelsFollowTheProbabilityAndOnePercentNeverComes() {
    int n = 200_000;
    int missing = 0;
    int ones = 0;
    for (int i = 0; i < n; i++) {
      Double y = MonitorData.label("e-" + i, 0.3);
      if (y == null) {
        missing++;
      } else {
        ones += y.intValue();
      }
    }
    // binomial: sd of the share sqrt(0.01 * 0.99 / n) = 0.00022, sqrt(0.21 / n) = 0.001
    assertThat(missing / (double) n).isCloseTo(0.01, within(0.0015));
    assertThat(ones / (double) (n - missing)).isCloseTo(0.3, within(0.006));
    assertThat(MonitorData.label("e-17", 0.3)).isEqualTo(MonitorData.label("e-17", 0.3));
  }

  @Test
  void labelsFollowTheirPredictionsDelayPredictionsLate() throws Exception {
    DelayedLabels f = new DelayedLabels(2);
    List<String> out = new ArrayList<>();
    Collector<MonitorInput> c =
        new Collector<>() {
          @Override
          public void collect(MonitorInput in) {
            out.add((in.prediction() != null ? "p:" : "l:") + in.eventId());
          }

          @Override
          public void close() {}
        };
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String id = "e-" + i;
      f.processElement(
          new Prediction(
              id, "k", i, "m", 1, Map.of(), Map.of(), 1, new double[] {0.2, 0.8}, i, List.of()),
          null,
          c);
      expected.add("p:" + id);
      if (i >= 2 && MonitorData.label("e-" + (i - 2), 0.8) != null) {
        expected.add("l:e-" + (i - 2));
      }
    }
    assertThat(out).containsExactlyElementsOf(expected);
    assertThat(out).contains("l:e-0", "l:e-3").doesNotContain("l:e-4", "l:e-5");
  }

  @Test
  void theMedianTakesTheMiddleOrTheMeanOfTheTwoMiddleValues() {
    assertThat(Stats.median(new double[] {3, 1, 2})).isEqualTo(2.0);
    assertThat(Stats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThatThrownBy(() -> Stats.median(new double[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
