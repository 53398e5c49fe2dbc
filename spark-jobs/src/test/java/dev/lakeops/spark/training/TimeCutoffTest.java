package dev.lakeops.spark.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The time cutoff read from a band of ranks, against values worked out by hand with Spark SQL's
 * {@code percentile} rule: position (n - 1) * p from 0, interpolation between floor and ceiling.
 */
class TimeCutoffTest {

  @Test
  void interpolatesBetweenTheTwoRanksAroundThePosition() {
    // 11 values, 3 below the band, band 40 x2, 50 x1, 70 x3 (ranks 3-4, 5, 6-8), 2 above.
    // p = 0.55: position 10 * 0.55 = 5.5 -> ranks 5 (50) and 6 (70): 0.5 * 50 + 0.5 * 70 = 60.
    TreeMap<Long, Long> band = new TreeMap<>(Map.of(40L, 2L, 50L, 1L, 70L, 3L));
    assertThat(TimeCutoff.fromBand(3, band, 11, 0.55)).hasValue(60.0);
    // p = 0.5: position 5, an integer: the value at rank 5.
    assertThat(TimeCutoff.fromBand(3, band, 11, 0.5)).hasValue(50.0);
    // p = 0.62: position 6.2 -> ranks 6 and 7, both 70: no interpolation.
    assertThat(TimeCutoff.fromBand(3, band, 11, 0.62)).hasValue(70.0);
    // p = 0.35: position 3.5 -> ranks 3 and 4, both 40.
    assertThat(TimeCutoff.fromBand(3, band, 11, 0.35)).hasValue(40.0);
    // p = 0.45: position 4.5 -> ranks 4 (40) and 5 (50): 0.5 * 40 + 0.5 * 50 = 45.
    assertThat(TimeCutoff.fromBand(3, band, 11, 0.45)).hasValue(45.0);
  }

  @Test
  void aRankOutsideTheBandGivesNothing() {
    TreeMap<Long, Long> band = new TreeMap<>(Map.of(40L, 2L, 50L, 1L, 70L, 3L));
    // p = 0.25: position 2.5 -> rank 2 is below the band (ranks 0-2 are below).
    assertThat(TimeCutoff.fromBand(3, band, 11, 0.25)).isEmpty();
    // p = 0.85: position 8.5 -> rank 8 is in, rank 9 is above the band.
    assertThat(TimeCutoff.fromBand(3, band, 11, 0.85)).isEmpty();
    assertThat(TimeCutoff.fromBand(0, new TreeMap<>(), 5, 0.5)).isEmpty();
  }
}
