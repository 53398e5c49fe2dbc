package dev.lakeops.spark.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference profile's exact percentiles: when they are computed, and their rule. */
class ReferenceProfilerTest {

  @Test
  void percentilesAreExactUpTo250000RowsAnd8MillionValues() {
    assertThat(ReferenceProfiler.exactQuantiles(250_000, 11)).isTrue();
    assertThat(ReferenceProfiler.exactQuantiles(250_001, 1)).isFalse();
    // 200,000 sampled rows x 40 numeric columns = 8,000,000 values: the limit; 41 are over it.
    assertThat(ReferenceProfiler.exactQuantiles(200_000, 40)).isTrue();
    assertThat(ReferenceProfiler.exactQuantiles(200_000, 41)).isFalse();
    // Only categorical columns: the rows alone count.
    assertThat(ReferenceProfiler.exactQuantiles(250_000, 0)).isTrue();
  }

  @Test
  void percentilesInterpolateBetweenTheClosestRanks() {
    // 5 values: position 4p. p = 0.1 -> 0.4: 0.6 * 1 + 0.4 * 2 = 1.4; p = 0.5 -> 2: the value 3;
    // p = 0.99 -> 3.96: 0.04 * 4 + 0.96 * 10 = 9.76; p = 0.3 -> 1.2, ranks 1 and 2 (2 and 3).
    List<Double> p = ReferenceProfiler.percentiles(new double[] {1, 2, 3, 4, 10});
    assertThat(p).hasSize(101);
    assertThat(p.get(0)).isEqualTo(1.0);
    assertThat(p.get(10)).isCloseTo(1.4, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(p.get(30)).isCloseTo(2.2, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(p.get(50)).isEqualTo(3.0);
    assertThat(p.get(99)).isCloseTo(9.76, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(p.get(100)).isEqualTo(10.0);
    // Equal neighbours: no interpolation, the value itself.
    assertThat(ReferenceProfiler.percentiles(new double[] {7, 7}).get(37)).isEqualTo(7.0);
    assertThat(ReferenceProfiler.percentiles(new double[0])).isEmpty();
  }
}
