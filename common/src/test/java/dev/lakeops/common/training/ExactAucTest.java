package dev.lakeops.common.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The exact AUC: hand-computed examples with ties, and an independent O(n²) pair count. */
class ExactAucTest {

  @Test
  void handComputedExampleWithTies() {
    // Positives scored 0.8, 0.4, 0.4; negatives scored 0.4, 0.2, 0.1.
    // Pairs (pos, neg), 3 x 3 = 9:
    //   0.8 beats 0.4, 0.2, 0.1                      -> 3
    //   0.4 ties 0.4 (1/2), beats 0.2 and 0.1        -> 2.5, twice -> 5
    // U = 8, AUC = 8 / 9.
    double[] scores = {0.8, 0.4, 0.4, 0.4, 0.2, 0.1};
    double[] labels = {1, 1, 1, 0, 0, 0};

    assertThat(ExactAuc.of(scores, labels)).isEqualTo(8.0 / 9.0);
  }

  @Test
  void allTiedIsOneHalfAndPerfectSeparationIsOne() {
    assertThat(ExactAuc.of(new double[] {0.3, 0.3, 0.3, 0.3}, new double[] {1, 0, 1, 0}))
        .isEqualTo(0.5);
    assertThat(ExactAuc.of(new double[] {0.9, 0.8, 0.2}, new double[] {1, 1, 0})).isEqualTo(1.0);
    assertThat(ExactAuc.of(new double[] {0.1, 0.8, 0.9}, new double[] {1, 0, 0})).isEqualTo(0.0);
  }

  @Test
  void negativeZeroTiesWithZero() {
    // One positive at -0.0, one negative at 0.0: a tie, 1/2.
    assertThat(ExactAuc.of(new double[] {-0.0, 0.0}, new double[] {1, 0})).isEqualTo(0.5);
  }

  @Test
  void undefinedWithoutBothClasses() {
    assertThat(ExactAuc.of(new double[] {0.1, 0.2}, new double[] {1, 1})).isNaN();
    assertThat(new ExactAuc().value()).isNaN();
  }

  @Test
  void countsPerDistinctScoreInAscendingOrder() {
    // The same example as handComputedExampleWithTies, given as counts per distinct score.
    ExactAuc auc = new ExactAuc().add(0.1, 0, 1).add(0.2, 0, 1).add(0.4, 2, 1).add(0.8, 1, 0);
    assertThat(auc.value()).isEqualTo(8.0 / 9.0);
    assertThat(auc.positives()).isEqualTo(3);
    assertThat(auc.negatives()).isEqualTo(3);
    // NaN sorts last, as in Spark: a positive at NaN beats every negative.
    assertThat(new ExactAuc().add(0.5, 0, 2).add(Double.NaN, 1, 0).value()).isEqualTo(1.0);
  }

  @Test
  void refusesUnorderedScoresAndBadLabels() {
    assertThrows(
        IllegalArgumentException.class, () -> new ExactAuc().add(0.5, 1, 0).add(0.5, 0, 1));
    assertThrows(
        IllegalArgumentException.class, () -> new ExactAuc().add(0.5, 1, 0).add(0.4, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new ExactAuc().add(0.5, -1, 0));
    assertThrows(
        IllegalArgumentException.class, () -> ExactAuc.of(new double[] {0.1}, new double[] {2}));
  }

  @Test
  void equalsTheDefinitionOnRandomScoresWithManyTies() {
    Random r = new Random(7);
    for (int round = 0; round < 50; round++) {
      int n = 1 + r.nextInt(200);
      double[] s = new double[n];
      double[] l = new double[n];
      for (int i = 0; i < n; i++) {
        s[i] = r.nextInt(10) / 10.0; // few distinct scores: many ties
        l[i] = r.nextBoolean() ? 1 : 0;
      }
      // The definition: every (positive, negative) pair, 1 if the positive is higher, 1/2 if tied.
      double pairs = 0;
      double u = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if (l[i] == 1 && l[j] == 0) {
            pairs++;
            u += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
          }
        }
      }
      double expected = pairs == 0 ? Double.NaN : u / pairs;
      assertThat(ExactAuc.of(s, l)).isEqualTo(expected);
    }
  }
}
