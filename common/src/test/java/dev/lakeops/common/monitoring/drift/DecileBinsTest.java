package dev.lakeops.common.monitoring.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DecileBinsTest {

  @Test
  void invertedCdfDecilesOfTenValuesAreTheFirstNine() {
    // e_i = sorted[ceil(i * 10 / 10) - 1] = sorted[i - 1]
    DecileBins b = DecileBins.ofSorted(new double[] {10, 11, 12, 13, 14, 15, 16, 17, 18, 19});
    assertThat(b.edges()).containsExactly(10, 11, 12, 13, 14, 15, 16, 17, 18);
    assertThat(b.count()).isEqualTo(10);
  }

  @Test
  void decilesOfFewValuesAndTiesAreMerged() {
    // n = 3: ceil(i * 3 / 10) = 1 for i <= 3, 2 for i = 4..6, 3 for i = 7..9
    assertThat(DecileBins.ofSorted(new double[] {1, 2, 3}).edges()).containsExactly(1, 2, 3);
    // n = 12 with eight zeros: ranks 1..8 are 0 (deciles 1..6), then 5, 6, 7, 8
    // ceil(7 * 12 / 10) = 9 -> 5; ceil(8 * 1.2) = 10 -> 6; ceil(9 * 1.2) = 11 -> 7
    assertThat(DecileBins.ofSorted(new double[] {0, 0, 0, 0, 0, 0, 0, 0, 5, 6, 7, 8}).edges())
        .containsExactly(0, 5, 6, 7);
    assertThat(DecileBins.ofSorted(new double[0]).count()).isEqualTo(1);
  }

  @Test
  void aValueOnAnEdgeBelongsToTheBinItCloses() {
    DecileBins b = DecileBins.of(new double[] {1.0, 2.0, 4.0});
    assertThat(b.index(-5)).isZero();
    assertThat(b.index(1.0)).isZero();
    assertThat(b.index(Math.nextUp(1.0))).isEqualTo(1);
    assertThat(b.index(2.0)).isEqualTo(1);
    assertThat(b.index(3.0)).isEqualTo(2);
    assertThat(b.index(4.0)).isEqualTo(2);
    assertThat(b.index(4.5)).isEqualTo(3);
    assertThat(b.counts(new double[] {0, 1, 1.5, 2, 3, 4, 9, Double.NaN}))
        .containsExactly(2, 2, 2, 1);
  }

  @Test
  void edgesMustBeFiniteAndStrictlyAscending() {
    assertThatThrownBy(() -> DecileBins.of(new double[] {1, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strictly ascending");
    assertThatThrownBy(() -> DecileBins.of(new double[] {Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DecileBins.ofDeciles(new double[] {2, 1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(DecileBins.ofDeciles(new double[] {1, 1, 2, 2, 2}).edges()).containsExactly(1, 2);
  }
}
