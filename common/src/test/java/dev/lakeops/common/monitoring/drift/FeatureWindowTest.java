package dev.lakeops.common.monitoring.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lakeops.common.monitoring.Statistic;
import dev.lakeops.common.monitoring.drift.DriftVectors.NumericCase;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The window summary: bounded, mergeable, and the same after a trip through bytes. */
class FeatureWindowTest {
  @BeforeEach
  void reproducibleSketches() {
    KllSeed.fix(20261201);
  }

  private static NumericCase large() {
    return DriftVectors.numeric().stream()
        .filter(c -> c.name().equals("large_normal_shift"))
        .findFirst()
        .orElseThrow();
  }

  private static NumericCase small() {
    return DriftVectors.numeric().stream()
        .filter(c -> c.name().equals("normal_shift"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aNumericWindowRoundTripsThroughBytesUnchanged() {
    NumericCase c = large();
    ReferenceColumn reference = ReferenceColumn.of(c.name(), c.profile(true));
    FeatureWindow w = c.window(reference);
    w.add(1e9); // out of range
    assertThat(w.exact()).isFalse();

    byte[] bytes = w.toBytes();
    FeatureWindow back = FeatureWindow.fromBytes(bytes);

    assertThat(back.rows()).isEqualTo(c.window().length + c.windowMissing() + 1);
    assertThat(back.missing()).isEqualTo(c.windowMissing());
    assertThat(back.outOfRange()).isEqualTo(w.outOfRange()).isPositive();
    assertThat(back.rangeMin()).isEqualTo(c.min());
    assertThat(back.rangeMax()).isEqualTo(c.max());
    assertThat(back.toBytes()).isEqualTo(bytes);
    assertThat(DriftStatistics.compute(reference, back))
        .isEqualTo(DriftStatistics.compute(reference, w));
    // Bounded: 2,000 values in a few KB (DataSketches: about 5 KB at k = 200).
    assertThat(bytes.length).isLessThan(8 * 1024);
  }

  @Test
  void aCategoricalWindowRoundTripsWithItsOverflow() {
    FeatureWindow w = FeatureWindow.categorical(3);
    for (String v : List.of("é", "b", "é", "c", "d", "e", "b")) {
      w.add(v);
    }
    w.add((String) null);

    FeatureWindow back = FeatureWindow.fromBytes(w.toBytes());

    assertThat(back.categories())
        .containsExactly(Map.entry("é", 2L), Map.entry("b", 2L), Map.entry("c", 1L));
    assertThat(back.otherCount()).isEqualTo(2); // d and e came after the bound of 3 was reached
    assertThat(back.missing()).isEqualTo(1);
    assertThat(back.rows()).isEqualTo(8);
    assertThat(back.maxCategories()).isEqualTo(3);
    assertThat(back.exact()).isFalse();
  }

  @Test
  void mergingTwoExactHalvesEqualsOneSummaryOfTheWhole() {
    NumericCase c = small();
    ReferenceColumn reference = ReferenceColumn.of(c.name(), c.profile(true));
    FeatureWindow whole = c.window(reference);
    FeatureWindow first = reference.newWindow();
    FeatureWindow second = reference.newWindow();
    double[] v = c.window();
    for (int i = 0; i < v.length; i++) {
      (i % 2 == 0 ? first : second).add(v[i]);
    }
    for (int i = 0; i < c.windowMissing(); i++) {
      second.addMissing();
    }

    FeatureWindow merged = FeatureWindow.fromBytes(first.toBytes()).merge(second);

    assertThat(merged.rows()).isEqualTo(whole.rows());
    assertThat(merged.exact()).isTrue();
    Map<Statistic, Double> expected = DriftStatistics.compute(reference, whole);
    Map<Statistic, Double> actual = DriftStatistics.compute(reference, merged);
    expected.forEach((s, x) -> assertThat(actual.get(s)).as(s.key()).isCloseTo(x, within(1e-12)));
  }

  /**
   * The drift bins of a large window (the sketch is past exact) count every value exactly, through
   * a merge and a trip through bytes, in any order of the values: PSI is then the same number in
   * every run.
   */
  @Test
  void binCountsAreExactThroughMergesAndBytesWhateverTheOrder() {
    NumericCase c = large();
    ReferenceColumn reference = ReferenceColumn.of(c.name(), c.profile(true));
    long[] expected = reference.bins().counts(c.window());
    Double psi = null;
    for (int order = 0; order < 5; order++) {
      List<Double> v = DriftStatisticsTest.shuffled(c.window(), order);
      FeatureWindow first = reference.newWindow();
      FeatureWindow second = reference.newWindow();
      for (int i = 0; i < v.size(); i++) {
        (i < 700 ? first : second).add(v.get(i));
      }
      FeatureWindow merged = FeatureWindow.fromBytes(first.toBytes()).merge(second);
      assertThat(merged.exact()).isFalse();
      assertThat(merged.binCounts()).containsExactly(expected);
      double p = DriftStatistics.compute(reference, merged).get(Statistic.PSI);
      if (psi == null) {
        psi = p;
      }
      assertThat(p).isEqualTo(psi);
    }
  }

  @Test
  void windowsOfDifferentBinsDoNotMerge() {
    FeatureWindow a = FeatureWindow.numeric(0, 10, DecileBins.of(new double[] {1, 2}));
    FeatureWindow b = FeatureWindow.numeric(0, 10, DecileBins.of(new double[] {1, 3}));
    FeatureWindow none = FeatureWindow.numeric(0, 10);
    assertThatThrownBy(() -> a.merge(b))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("different drift bins");
    assertThatThrownBy(() -> a.merge(none)).isInstanceOf(IllegalArgumentException.class);
  }

  /** State written before bins existed (format 1) still reads: a window without bins. */
  @Test
  void aWindowOfTheFormatBeforeBinsStillReads() throws Exception {
    FeatureWindow w = FeatureWindow.numeric(0, 10);
    w.add(3);
    w.add(11);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      out.writeByte(1); // format 1
      out.writeByte(0); // numeric
      out.writeLong(2); // rows
      out.writeLong(0); // missing
      out.writeDouble(0);
      out.writeDouble(10);
      out.writeLong(1); // out of range
      byte[] sketch = QuantileSketches.toBytes(w.sketch());
      out.writeInt(sketch.length);
      out.write(sketch);
    }

    FeatureWindow back = FeatureWindow.fromBytes(bytes.toByteArray());

    assertThat(back.rows()).isEqualTo(2);
    assertThat(back.outOfRange()).isEqualTo(1);
    assertThat(back.bins()).isNull();
    assertThat(back.binCounts()).isNull();
    assertThat(back.toBytes()).isEqualTo(w.toBytes());
  }

  /**
   * Merged sketched halves: counts exact, and the merged sketch's CDF within ε of the whole
   * sample's exact CDF (DataSketches: merging keeps the single-sketch error bound), so its KS
   * distance to the exact sample is at most ε.
   */
  @Test
  void mergingTwoSketchedHalvesStaysWithinTheRankErrorOfTheWhole() {
    NumericCase c = large();
    double[] v = c.window();
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    FeatureWindow first = FeatureWindow.numeric(c.min(), c.max());
    FeatureWindow second = FeatureWindow.numeric(c.min(), c.max());
    long outside = 0;
    for (int i = 0; i < v.length; i++) {
      (i < v.length / 2 ? first : second).add(v[i]);
      outside += v[i] < c.min() || v[i] > c.max() ? 1 : 0;
    }
    assertThat(first.exact()).isFalse();

    FeatureWindow merged = first.merge(FeatureWindow.fromBytes(second.toBytes()));

    assertThat(merged.rows()).isEqualTo(v.length);
    assertThat(merged.outOfRange()).isEqualTo(outside);
    EmpiricalCdf cdf = EmpiricalCdf.of(merged.sketch());
    assertThat(cdf.total).isEqualTo(v.length);
    double[] exact = DriftStatisticsTest.exactCdfAtEach(sorted);
    double worst = 0;
    for (int i = 0; i < sorted.length; i++) {
      worst = Math.max(worst, Math.abs(cdf.cdf(sorted[i]) - exact[i]));
    }
    assertThat(worst).isLessThanOrEqualTo(QuantileSketches.rankError());
  }

  @Test
  void categoricalMergeAddsCountsAndKeepsTheBound() {
    FeatureWindow a = FeatureWindow.categorical(2);
    a.add("x");
    a.add("y");
    FeatureWindow b = FeatureWindow.categorical(2);
    b.add("y");
    b.add("z");
    b.add("z");
    b.addMissing();

    a.merge(b);

    assertThat(a.categories()).containsExactly(Map.entry("x", 1L), Map.entry("y", 2L));
    assertThat(a.otherCount()).isEqualTo(2);
    assertThat(a.rows()).isEqualTo(6);
    assertThat(a.present()).isEqualTo(5);
  }

  @Test
  void misuseIsRefusedWithAReason() {
    assertThatThrownBy(() -> FeatureWindow.numeric().add("red"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("NUMERIC");
    assertThatThrownBy(() -> FeatureWindow.numeric().merge(FeatureWindow.categorical()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FeatureWindow.numeric(0, 1).merge(FeatureWindow.numeric(0, 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("range");
    assertThatThrownBy(() -> FeatureWindow.numeric(2, 1))
        .isInstanceOf(IllegalArgumentException.class);
    // Bytes from the monitoring job's state: a user meets these, so they say what to do.
    assertThatThrownBy(() -> FeatureWindow.fromBytes(new byte[] {7, 0}))
        .isInstanceOf(dev.lakeops.common.error.LakeOpsException.class)
        .hasMessageContaining("not a serialized FeatureWindow: format 7")
        .hasMessageContaining("without restoring that checkpoint or savepoint");
    byte[] truncated = Arrays.copyOf(FeatureWindow.numeric().toBytes(), 20);
    assertThatThrownBy(() -> FeatureWindow.fromBytes(truncated))
        .isInstanceOf(dev.lakeops.common.error.LakeOpsException.class)
        .hasCauseInstanceOf(java.io.EOFException.class);
  }
}
