package dev.lakeops.common.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The exact area under the PR curve: hand-computed curves, ties, and degenerate labels. */
class ExactPrAreaTest {

  @Test
  void handComputedCurve() {
    // Scores 0.9 (pos), 0.8 (neg), 0.7 (pos), 0.2 (neg). Thresholds from the top:
    //   0.9: tp 1, fp 0 -> (recall 0.5, precision 1)
    //   0.8: tp 1, fp 1 -> (0.5, 0.5)
    //   0.7: tp 2, fp 1 -> (1, 2/3)
    //   0.2: tp 2, fp 2 -> (1, 0.5)
    // Curve (0, 1), (0.5, 1), (0.5, 0.5), (1, 2/3), (1, 0.5):
    // area 0.5 * 1 + 0 + 0.5 * (0.5 + 2/3) / 2 + 0 = 1/2 + 7/24 = 19/24.
    ExactPrArea pr = new ExactPrArea(2, 2).add(0, 1).add(1, 0).add(0, 1).add(1, 0);

    assertThat(pr.value()).isCloseTo(19.0 / 24.0, org.assertj.core.api.Assertions.within(1e-15));
  }

  @Test
  void tiedScoresAreOnePoint() {
    // One score, one positive and one negative: the only point is (1, 0.5), preceded by (0, 0.5).
    assertThat(new ExactPrArea(1, 1).add(1, 1).value()).isEqualTo(0.5);
    // A perfect ranking: (0, 1), (1, 1), then recall stays 1 while precision falls.
    assertThat(new ExactPrArea(2, 1).add(0, 1).add(2, 0).value()).isEqualTo(1.0);
  }

  @Test
  void withoutPositivesTheAreaIsZero() {
    assertThat(new ExactPrArea(0, 3).add(0, 1).add(0, 2).value()).isEqualTo(0.0);
    assertThat(new ExactPrArea(0, 0).value()).isEqualTo(0.0);
  }

  @Test
  void countsBeyondTheTotalsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ExactPrArea(1, 1).add(2, 0));
    assertThrows(IllegalArgumentException.class, () -> new ExactPrArea(-1, 1));
  }
}
