package dev.lakeops.common.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.training.ExactAuc;
import org.junit.jupiter.api.Test;

/**
 * The gate's rule for ties: improvement >= min_improvement. An identical challenger is no
 * improvement (exactly 0), is accepted with the default margin 0, and refused by any positive
 * margin.
 */
class GateTieTest {
  private static final double[] LABELS = {1, 1, 0, 1, 0, 0, 1, 0};
  private static final double[] SCORES = {0.9, 0.4, 0.4, 0.7, 0.1, 0.7, 0.3, 0.2};

  @Test
  void identicalModelsScoredOnTheSameRowsTieExactly() {
    // The same scores on the same rows give bit-equal exact AUCs, so the improvement is exactly 0.
    double champion = ExactAuc.of(SCORES, LABELS);
    double challenger = ExactAuc.of(SCORES.clone(), LABELS.clone());
    GateDecision d =
        Gate.decide(new GatePolicy("auc_roc", 0.0, true), challenger, champion, true, true);

    assertThat(d.improvement()).isEqualTo(0.0);
    assertThat(d.accepted()).isTrue();
    assertThat(d.reason()).contains("improvement 0.000000 meets the required 0.000000");
    assertThat(d.details())
        .containsEntry("challenger_value", String.valueOf(challenger))
        .containsEntry("champion_value", String.valueOf(champion));
  }

  @Test
  void aPositiveMarginRefusesATie() {
    GateDecision d = Gate.decide(new GatePolicy("auc_roc", 1e-6, true), 0.75, 0.75, true, true);
    assertThat(d.improvement()).isEqualTo(0.0);
    assertThat(d.accepted()).isFalse();
    // Error metrics: lower is better, a tie is still 0.
    GateDecision rmse = Gate.decide(new GatePolicy("rmse", 0.0, false), 1.25, 1.25, true, true);
    assertThat(rmse.improvement()).isEqualTo(0.0);
    assertThat(rmse.accepted()).isTrue();
  }

  @Test
  void theHoldoutSizeIsRecordedWithBothValues() {
    GateDecision d =
        Gate.decide(new GatePolicy("auc_roc", 0.0, true), 0.8, 0.7, true, true)
            .withHoldoutRows(1234);
    assertThat(d.details())
        .containsEntry("challenger_value", "0.8")
        .containsEntry("champion_value", "0.7")
        .containsEntry("holdout_rows", "1234");
  }
}
