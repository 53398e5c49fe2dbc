package dev.lakeops.common.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeops.common.error.LakeOpsException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelStateTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static ModelVersion draft() {
    return new ModelVersion(
        "m",
        0,
        "/a",
        T0,
        Stage.NONE,
        Map.of("auc_roc", 0.7),
        Map.of(),
        "{}",
        "{}",
        new Lineage("run", "ts", Map.of("db.ts", 3L), "abc", "hash"),
        List.of());
  }

  @Test
  void versionsAreNumberedAndRegistrationIsAudited() {
    ModelState s =
        ModelState.empty("m")
            .register(draft(), "ana", T0, "first")
            .register(draft(), "bo", T0, "second");
    assertThat(s.versions()).extracting(ModelVersion::version).containsExactly(1, 2);
    assertThat(s.epoch()).isEqualTo(2);
    assertThat(s.auditTrail())
        .extracting(Transition::kind)
        .containsExactly("registered", "registered");
    assertThat(s.version(2).orElseThrow().lineage().inputs()).containsEntry("db.ts", 3L);
  }

  @Test
  void promotingArchivesThePreviousChampion() {
    ModelState s =
        ModelState.empty("m").register(draft(), "a", T0, "").register(draft(), "a", T0, "");
    s = s.move(1, Stage.PRODUCTION, "ana", T0.plusSeconds(1), "first champion", Map.of());
    s =
        s.move(
            2, Stage.PRODUCTION, "bo", T0.plusSeconds(2), "better", Map.of("improvement", "0.02"));
    assertThat(s.champion().orElseThrow().version()).isEqualTo(2);
    assertThat(s.version(1).orElseThrow().stage()).isEqualTo(Stage.ARCHIVED);
    assertThat(s.versions().stream().filter(v -> v.stage() == Stage.PRODUCTION)).hasSize(1);
    Transition archived = s.version(1).orElseThrow().history().get(2);
    assertThat(archived.kind()).isEqualTo("archived");
    assertThat(archived.by()).isEqualTo("bo");
    assertThat(archived.reason()).isEqualTo("replaced by version 2 in production");
    Transition promoted = s.version(2).orElseThrow().history().get(1);
    assertThat(promoted.details()).containsEntry("improvement", "0.02");
    assertThat(promoted.from()).isEqualTo(Stage.NONE);
  }

  @Test
  void refusalIsRecordedWithoutMovingAnything() {
    ModelState s = ModelState.empty("m").register(draft(), "a", T0, "");
    s = s.refuse(1, Stage.PRODUCTION, "ci", T0, "worse", Map.of("challenger_value", "0.6"));
    assertThat(s.champion()).isEmpty();
    assertThat(s.version(1).orElseThrow().history())
        .extracting(Transition::kind)
        .containsExactly("registered", "refused");
  }

  @Test
  void unknownVersionsAndNoOpMovesAreClearErrors() {
    ModelState s = ModelState.empty("m").register(draft(), "a", T0, "");
    assertThatThrownBy(() -> s.move(7, Stage.PRODUCTION, "a", T0, "", Map.of()))
        .isInstanceOf(LakeOpsException.class)
        .hasMessageContaining("Model 'm' has no version 7; its versions are [1]");
    assertThatThrownBy(() -> s.move(1, Stage.NONE, "a", T0, "", Map.of()))
        .hasMessageContaining("already in none");
  }

  @Test
  void gateComparesOnTheConfiguredMetricAndMargin() {
    GatePolicy auc = new GatePolicy("auc_roc", 0.01, true);
    assertThat(Gate.decide(auc, 0.80, 0.78, true, true).accepted()).isTrue();
    GateDecision worse = Gate.decide(auc, 0.785, 0.78, true, true);
    assertThat(worse.accepted()).isFalse();
    assertThat(worse.reason()).contains("improvement 0.005000 is below the required 0.010000");
    assertThat(worse.details())
        .containsEntry("champion_value", "0.78")
        .containsEntry("accepted", "false");
    GatePolicy rmse = new GatePolicy("rmse", 0.0, false);
    assertThat(Gate.decide(rmse, 1.0, 1.2, true, true).accepted()).isTrue();
    assertThat(Gate.decide(rmse, 1.3, 1.2, true, true).accepted()).isFalse();
    assertThat(Gate.decide(auc, 0.9, null, true, true).accepted()).isTrue();
    assertThat(Gate.decide(auc, 0.9, 0.5, false, true).reason()).contains("NaN");
    assertThat(Gate.decide(auc, 0.9, 0.5, true, false).accepted()).isFalse();
  }
}
