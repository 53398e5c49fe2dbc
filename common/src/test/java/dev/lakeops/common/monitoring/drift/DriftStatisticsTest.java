package dev.lakeops.common.monitoring.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lakeops.common.monitoring.Statistic;
import dev.lakeops.common.monitoring.drift.DriftVectors.CategoricalCase;
import dev.lakeops.common.monitoring.drift.DriftVectors.NumericCase;
import dev.lakeops.common.training.ReferenceProfile;
import dev.lakeops.common.training.ReferenceProfile.ColumnProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every drift statistic against SciPy 1.17 on fixed vectors ({@code monitoring/make_vectors.py},
 * its output {@code drift_vectors.json}): exact (1e-9) where both sides fit in the k = 200 KLL
 * sketch, which then holds every value; within the sketch's documented single-sided normalized rank
 * error ε = {@code KllDoublesSketch.getNormalizedRankError(200, false)} (about 0.0133, 99%
 * confidence) where it does not.
 */
class DriftStatisticsTest {
  private static final double EXACT = 1e-9;

  /** Repetitions of each sketched case with the values in another order (KLL compacts by order). */
  private static final int ORDERS = 20;

  @BeforeEach
  void reproducibleSketches() {
    KllSeed.fix(20261201);
  }

  static Stream<NumericCase> exactNumeric() {
    return DriftVectors.numeric().stream().filter(NumericCase::exact);
  }

  static Stream<NumericCase> sketchedNumeric() {
    return DriftVectors.numeric().stream().filter(c -> !c.exact());
  }

  static Stream<CategoricalCase> categorical() {
    return DriftVectors.categorical().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exactNumeric")
  void numericStatisticsEqualScipyWhenTheSketchesAreExact(NumericCase c) {
    ReferenceColumn reference = ReferenceColumn.of(c.name(), c.profile(true));
    FeatureWindow window = c.window(reference);
    assertThat(reference.exact()).isTrue();
    assertThat(window.exact()).isTrue();

    Map<Statistic, Double> actual = DriftStatistics.compute(reference, window);

    assertEqualsScipy(actual, c.expected());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("categorical")
  void categoricalStatisticsEqualScipy(CategoricalCase c) {
    ReferenceColumn reference = ReferenceColumn.of(c.name(), c.profile());

    Map<Statistic, Double> actual = DriftStatistics.compute(reference, c.windowSummary());

    assertEqualsScipy(actual, c.expected());
  }

  /**
   * The bound the sketched comparison relies on: a k = 200 KLL sketch's CDF is within ε of the
   * sample's exact CDF at every value of the sample (checked over {@value #ORDERS} orders).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("sketchedNumeric")
  void kllCdfIsWithinTheDocumentedRankError(NumericCase c) {
    double eps = QuantileSketches.rankError();
    assertThat(eps).isCloseTo(0.0133, within(0.0005)); // DataSketches' table for k = 200
    for (double[] sample : List.of(c.reference(), c.window())) {
      double[] sorted = sample.clone();
      Arrays.sort(sorted);
      double[] exact = exactCdfAtEach(sorted);
      for (int order = 0; order < ORDERS; order++) {
        KllDoublesSketch sketch = QuantileSketches.newSketch();
        for (double v : shuffled(sample, order)) {
          sketch.update(v);
        }
        assertThat(sketch.isEstimationMode()).isTrue();
        EmpiricalCdf cdf = EmpiricalCdf.of(sketch);
        double worst = 0;
        for (int i = 0; i < sorted.length; i++) {
          worst = Math.max(worst, Math.abs(cdf.cdf(sorted[i]) - exact[i]));
        }
        assertThat(worst).as("max |F_sketch - F| over the sample").isLessThanOrEqualTo(eps);
      }
    }
  }

  /**
   * Sketched sides: KS within ε_ref + ε_win (|sup|F−G| − sup|F'−G'|| ≤ sup|F−F'| + sup|G−G'|);
   * Wasserstein-1 within (ε_ref + ε_win)·(max − min) (the integral of that CDF error over the
   * values' span); the KS p-value between the p-values of D ± that bound (it is monotone in D); the
   * counted rates exact. PSI and Jensen-Shannon over the profile's drift bins are exact: both sides
   * count their values per bin, whatever the sketches' compactions did.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("sketchedNumeric")
  void sketchedStatisticsAreWithinTheRankErrorOfScipys(NumericCase c) {
    double eps = QuantileSketches.rankError();
    double bound = 2 * eps;
    double lo = Math.min(c.min(), Arrays.stream(c.window()).min().orElseThrow());
    double hi = Math.max(c.max(), Arrays.stream(c.window()).max().orElseThrow());
    Map<Statistic, Double> e = c.expected();
    int n = c.reference().length;
    int m = c.window().length;
    for (int order = 0; order < ORDERS; order++) {
      KllDoublesSketch refSketch = QuantileSketches.newSketch();
      for (double v : shuffled(c.reference(), order)) {
        refSketch.update(v);
      }
      ColumnProfile profile =
          c.withBins(c.profile(false).withSketch(QuantileSketches.toBase64(refSketch)));
      ReferenceColumn reference = ReferenceColumn.of(c.name(), profile);
      FeatureWindow window = reference.newWindow();
      for (double v : shuffled(c.window(), order + 1000)) {
        window.add(v);
      }
      for (int i = 0; i < c.windowMissing(); i++) {
        window.add(Double.NaN);
      }
      assertThat(reference.exact()).isFalse();
      assertThat(window.exact()).isFalse();
      assertThat(reference.rankError()).isEqualTo(eps);

      Map<Statistic, Double> a = DriftStatistics.compute(reference, window);

      assertThat(a.keySet()).isEqualTo(e.keySet());
      double d = e.get(Statistic.KS_STATISTIC);
      assertThat(a.get(Statistic.KS_STATISTIC)).isCloseTo(d, within(bound));
      assertThat(a.get(Statistic.KS_P_VALUE))
          .isBetween(
              DriftStatistics.ksPValue(d + bound, n, m), DriftStatistics.ksPValue(d - bound, n, m));
      assertThat(a.get(Statistic.WASSERSTEIN))
          .isCloseTo(e.get(Statistic.WASSERSTEIN), within(bound * (hi - lo)));
      assertThat(a.get(Statistic.WASSERSTEIN_NORMALIZED))
          .isCloseTo(
              e.get(Statistic.WASSERSTEIN_NORMALIZED),
              within(bound * (hi - lo) / c.referenceStddev()));
      assertThat(a.get(Statistic.MISSING_RATE))
          .isCloseTo(e.get(Statistic.MISSING_RATE), within(EXACT));
      assertThat(a.get(Statistic.OUT_OF_RANGE_RATE))
          .isCloseTo(e.get(Statistic.OUT_OF_RANGE_RATE), within(EXACT));
      for (Statistic s : List.of(Statistic.PSI, Statistic.JENSEN_SHANNON)) {
        assertThat(a.get(s)).as(s.key()).isCloseTo(e.get(s), within(EXACT));
      }
    }
  }

  /**
   * A profile with a sketch but no drift bins (written before bins existed) bins by the sketches'
   * CDFs at the reference sketch's deciles: no rank-error bound there (the edges move with the
   * sketch), checked to 0.02 + 10% as a sanity check.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("sketchedNumeric")
  void withoutBinsPsiComesFromTheSketchesNearScipys(NumericCase c) {
    Map<Statistic, Double> e = c.expected();
    for (int order = 0; order < ORDERS; order++) {
      KllDoublesSketch refSketch = QuantileSketches.newSketch();
      for (double v : shuffled(c.reference(), order)) {
        refSketch.update(v);
      }
      ColumnProfile profile = c.profile(false).withSketch(QuantileSketches.toBase64(refSketch));
      ReferenceColumn reference = ReferenceColumn.of(c.name(), profile);
      assertThat(reference.bins()).isNull();
      FeatureWindow window = reference.newWindow();
      for (double v : shuffled(c.window(), order + 1000)) {
        window.add(v);
      }
      assertThat(window.bins()).isNull();

      Map<Statistic, Double> a = DriftStatistics.compute(reference, window);

      for (Statistic s : List.of(Statistic.PSI, Statistic.JENSEN_SHANNON)) {
        assertThat(a.get(s)).as(s.key()).isCloseTo(e.get(s), within(0.02 + 0.1 * e.get(s)));
      }
    }
  }

  /**
   * An old profile (no sketch) falls back to its 101 percentiles: KS within the fallback's
   * documented error ({@link ReferenceColumn#rankError()}: 0.011 + 1/n) plus the window's (0 here:
   * the windows are exact).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("exactNumeric")
  void oldProfilesFallBackToPercentilesWithinTheirError(NumericCase c) {
    ReferenceColumn reference = ReferenceColumn.of(c.name(), c.profile(false));
    FeatureWindow window = c.window(reference);
    assertThat(reference.sketched()).isFalse();
    double bound = reference.rankError();
    assertThat(bound).isEqualTo(0.011 + 1.0 / c.reference().length);

    Map<Statistic, Double> a = DriftStatistics.compute(reference, window);

    assertThat(a.keySet()).isEqualTo(c.expected().keySet());
    assertThat(a.get(Statistic.KS_STATISTIC))
        .isCloseTo(c.expected().get(Statistic.KS_STATISTIC), within(bound));
    assertThat(a.get(Statistic.MISSING_RATE))
        .isCloseTo(c.expected().get(Statistic.MISSING_RATE), within(EXACT));
    assertThat(a.get(Statistic.OUT_OF_RANGE_RATE))
        .isCloseTo(c.expected().get(Statistic.OUT_OF_RANGE_RATE), within(EXACT));
  }

  @Test
  void aProfileWrittenBeforeTheSketchStillLoadsAndFallsBack() {
    String old =
        "{\"rows\":3,\"exactQuantiles\":true,\"columns\":{\"x\":{\"kind\":\"NUMERIC\",\"count\":3,"
            + "\"nullCount\":0,\"mean\":2.0,\"stddev\":1.0,\"min\":1.0,\"max\":3.0,\"quantiles\":["
            + percentilesOf123()
            + "],\"otherCount\":0,\"distinctCount\":0}}}";
    ReferenceProfile profile = ReferenceProfile.fromJson(old);
    assertThat(profile.column("x").orElseThrow().sketch()).isNull();
    ReferenceColumn reference = ReferenceColumn.of(profile, "x");
    assertThat(reference.sketched()).isFalse();
    FeatureWindow w = reference.newWindow();
    w.add(2.0);
    w.add(5.0); // above the reference max 3
    assertThat(DriftStatistics.compute(reference, w).get(Statistic.OUT_OF_RANGE_RATE))
        .isEqualTo(0.5);
  }

  @Test
  void theSketchSurvivesTheProfilesJson() {
    NumericCase c = DriftVectors.numeric().get(0);
    ReferenceProfile profile =
        new ReferenceProfile(c.reference().length, true, Map.of("x", c.profile(true)));
    ReferenceProfile back = ReferenceProfile.fromJson(profile.toJson());
    assertThat(back.column("x").orElseThrow().sketch()).isEqualTo(c.profile(true).sketch());
    assertThat(back.column("x").orElseThrow().binEdges())
        .isEqualTo(c.profile(true).binEdges())
        .isNotEmpty();
    assertThat(back.column("x").orElseThrow().binCounts()).isEqualTo(c.profile(true).binCounts());
    ReferenceColumn reference = ReferenceColumn.all(back).get("x");
    assertThat(reference.bins()).isNotNull();
    assertThat(reference.sketched()).isTrue();
    assertThat(reference.exact()).isTrue();
    assertThat(DriftStatistics.compute(reference, c.window(reference)).get(Statistic.PSI))
        .isCloseTo(c.expected().get(Statistic.PSI), within(EXACT));
  }

  @Test
  void anEmptyWindowGivesNaNForWhatItCannotDefineAndAMissingRate() {
    NumericCase c = DriftVectors.numeric().get(0);
    ReferenceColumn reference = ReferenceColumn.of(c.name(), c.profile(true));
    FeatureWindow w = reference.newWindow();
    w.addMissing();
    w.add(Double.NaN);

    Map<Statistic, Double> a = DriftStatistics.compute(reference, w);

    assertThat(a.get(Statistic.MISSING_RATE)).isEqualTo(1.0);
    assertThat(a.get(Statistic.KS_STATISTIC)).isNaN();
    assertThat(a.get(Statistic.PSI)).isNaN();
    assertThat(a.get(Statistic.WASSERSTEIN_NORMALIZED)).isNaN();
    assertThat(a).doesNotContainKeys(Statistic.CHI_SQUARE, Statistic.CHI_SQUARE_P_VALUE);
  }

  @Test
  void psiStaysFiniteWithEmptyBinsByTheHalfCountRule() {
    // By hand: shares (0 + .5)/(10 + 1) = 1/22 and (10 + .5)/11 = 21/22 on each side, swapped.
    double psi = DriftStatistics.psi(new double[] {0, 10}, new double[] {10, 0});
    double r = 1 / 22.0;
    double w = 21 / 22.0;
    assertThat(psi).isCloseTo(2 * (w - r) * Math.log(w / r), within(1e-12));
    assertThat(DriftStatistics.jensenShannon(new double[] {0, 10}, new double[] {10, 0}))
        .isEqualTo(1.0); // disjoint supports: the maximum distance in base 2
  }

  @Test
  void aWindowOfTheWrongKindIsRefused() {
    ReferenceColumn reference =
        ReferenceColumn.of("color", ColumnProfile.categorical(1, 0, Map.of("red", 1L), 0, 1));
    assertThatThrownBy(() -> DriftStatistics.compute(reference, FeatureWindow.numeric()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("color")
        .hasMessageContaining("CATEGORICAL");
  }

  @Test
  void rowsCarryTheWindowAndOneRowPerStatistic() {
    NumericCase c = DriftVectors.numeric().get(0);
    ReferenceColumn reference = ReferenceColumn.of("x", c.profile(true));
    FeatureWindow w = c.window(reference);
    var rows = DriftStatistics.rows("m", 3, 1000L, 2000L, reference, w);
    assertThat(rows).hasSize(c.expected().size());
    assertThat(rows)
        .allSatisfy(
            r -> {
              assertThat(r.feature()).isEqualTo("x");
              assertThat(r.rows()).isEqualTo(c.window().length + c.windowMissing());
              assertThat(r.modelVersion()).isEqualTo(3);
            });
  }

  /** The same statistics (none more, none fewer), each within 1e-9 (relative above 1). */
  private static void assertEqualsScipy(
      Map<Statistic, Double> actual, Map<Statistic, Double> scipy) {
    assertThat(actual.keySet()).isEqualTo(scipy.keySet());
    scipy.forEach((s, v) -> assertThat(actual.get(s)).as(s.key()).isCloseTo(v, tolerance(v)));
  }

  static double tolerance(double expected) {
    return EXACT * Math.max(1, Math.abs(expected));
  }

  private static org.assertj.core.data.Offset<Double> tolerance(Double expected) {
    return within(tolerance(expected.doubleValue()));
  }

  /** F(sorted[i]) for every i: the share of the sample ≤ each value, by one backward scan. */
  static double[] exactCdfAtEach(double[] sorted) {
    double[] f = new double[sorted.length];
    int atOrBelow = sorted.length;
    for (int i = sorted.length - 1; i >= 0; i--) {
      if (i + 1 < sorted.length && sorted[i + 1] != sorted[i]) {
        atOrBelow = i + 1;
      }
      f[i] = atOrBelow / (double) sorted.length;
    }
    return f;
  }

  static List<Double> shuffled(double[] values, int seed) {
    List<Double> list = new ArrayList<>();
    for (double v : values) {
      list.add(v);
    }
    Collections.shuffle(list, new Random(seed));
    return list;
  }

  private static String percentilesOf123() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i <= 100; i++) {
      s.append(i == 0 ? "" : ",").append(1 + 2 * i / 100.0);
    }
    return s.toString();
  }
}
