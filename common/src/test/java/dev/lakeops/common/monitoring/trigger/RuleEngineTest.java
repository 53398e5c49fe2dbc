package dev.lakeops.common.monitoring.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeops.common.monitoring.ModelMonitoring;
import dev.lakeops.common.monitoring.ModelMonitoring.Rule;
import dev.lakeops.common.monitoring.Statistic;
import dev.lakeops.common.monitoring.WindowStatistic;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trigger rules window by window: consecutive, cooldown, NaN, replays, deterministic ids. */
class RuleEngineTest {
  private static final long DAY = Duration.ofDays(1).toMillis();
  private static final long T0 = 1_700_000_000_000L - 1_700_000_000_000L % DAY;

  private static ModelMonitoring monitoring(Rule... rules) {
    return new ModelMonitoring("m", Duration.ofDays(1), null, null, List.of(rules));
  }

  private static Rule psi(int consecutive, Duration cooldown) {
    return new Rule("shift", Statistic.PSI, "any", 0.2, consecutive, cooldown);
  }

  /** Window {@code i} (0-based, 1 day each) of version {@code v}: PSI per feature. */
  private static List<WindowStatistic> window(int v, int i, double a, double b) {
    long start = T0 + i * DAY;
    return List.of(
        new WindowStatistic("m", v, start, start + DAY, "a", Statistic.PSI, a, 100),
        new WindowStatistic("m", v, start, start + DAY, "b", Statistic.PSI, b, 100));
  }

  /** Feeds windows 0..n-1 with feature a's PSI from {@code a}; returns the trigger windows. */
  private static List<Integer> triggerWindows(RuleEngine engine, double... a) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < a.length; i++) {
      if (!engine.evaluate(window(1, i, a[i], 0.0), 0).triggers().isEmpty()) {
        out.add(i);
      }
    }
    return out;
  }

  @Test
  void oneBreachTriggersWhenConsecutiveIsOne() {
    RuleEngine e = new RuleEngine(monitoring(psi(1, Duration.ZERO)));
    // breaches at 1, 3, 4 (0.2 itself is not above the threshold)
    assertThat(triggerWindows(e, 0.1, 0.3, 0.2, 0.25, 0.9)).containsExactly(1, 3, 4);
  }

  @Test
  void consecutiveNeedsThatManyBreachingWindowsInARow() {
    RuleEngine e = new RuleEngine(monitoring(psi(3, Duration.ZERO)));
    // breach runs: [1,2] (too short), [4,5,6] -> trigger at 6, count restarts: [7,8,9] -> at 9
    assertThat(triggerWindows(e, 0, 0.5, 0.5, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5))
        .containsExactly(6, 9);
  }

  @Test
  void aGapBetweenWindowsBreaksTheRun() {
    RuleEngine e = new RuleEngine(monitoring(psi(2, Duration.ZERO)));
    assertThat(e.evaluate(window(1, 0, 0.5, 0), 0).triggers()).isEmpty();
    // window 1 never comes (no data): window 2 is not "in a row" with window 0
    assertThat(e.evaluate(window(1, 2, 0.5, 0), 0).triggers()).isEmpty();
    assertThat(e.evaluate(window(1, 3, 0.5, 0), 0).triggers()).hasSize(1);
  }

  @Test
  void cooldownSilencesTheRuleForThatMuchEventTime() {
    RuleEngine e = new RuleEngine(monitoring(psi(1, Duration.ofDays(3))));
    double[] a = new double[10];
    java.util.Arrays.fill(a, 0.5);
    // every window breaches: triggers at 0, then at the first window ending >= 3 days later: 3, 6,
    // 9
    assertThat(triggerWindows(e, a)).containsExactly(0, 3, 6, 9);
  }

  @Test
  void nanNeverBreachesAndEndsARun() {
    RuleEngine e =
        new RuleEngine(
            monitoring(new Rule("acc", Statistic.ACCURACY, null, 0.7, 2, Duration.ZERO)));
    double[] acc = {0.5, Double.NaN, 0.5, 0.5};
    List<Integer> fired = new ArrayList<>();
    for (int i = 0; i < acc.length; i++) {
      long start = T0 + i * DAY;
      var w =
          List.of(
              new WindowStatistic("m", 1, start, start + DAY, null, Statistic.ACCURACY, acc[i], 9));
      RuleEngine.Evaluation ev = e.evaluate(w, 0);
      assertThat(ev.marked().get(0).breached()).isEqualTo(!Double.isNaN(acc[i]));
      assertThat(ev.marked().get(0).threshold()).isEqualTo(0.7);
      if (!ev.triggers().isEmpty()) {
        fired.add(i);
        assertThat(ev.triggers().get(0).reason()).isEqualTo(Trigger.Reason.PERFORMANCE);
      }
    }
    assertThat(fired).containsExactly(3); // NaN at 1 breaks the run of 0; 2,3 is the first pair
  }

  @Test
  void theSameBreachReadTwiceRaisesOneTrigger() {
    RuleEngine e = new RuleEngine(monitoring(psi(1, Duration.ZERO)));
    List<Trigger> first = e.evaluate(window(1, 0, 0.5, 0), 0).triggers();
    List<Trigger> again = e.evaluate(window(1, 0, 0.5, 0), 0).triggers();
    assertThat(first).hasSize(1);
    assertThat(again).isEmpty();
    // an older window replayed after a newer one is ignored as well
    assertThat(e.evaluate(window(1, 1, 0.5, 0), 0).triggers()).hasSize(1);
    assertThat(e.evaluate(window(1, 0, 0.5, 0), 0).triggers()).isEmpty();
  }

  @Test
  void idsAreTheSha256OfModelVersionRuleAndWindowEnd() {
    Trigger t =
        new RuleEngine(monitoring(psi(1, Duration.ZERO)))
            .evaluate(window(4, 0, 0.5, 0), 123)
            .triggers()
            .get(0);
    // Worked out independently: printf 'm|4|shift|<end>' | sha256sum
    String text = "m|4|shift|" + (T0 + DAY);
    assertThat(t.triggerId()).isEqualTo(sha256sum(text)).hasSize(64);
    assertThat(t.modelVersion()).isEqualTo(4);
    assertThat(t.windowEndMillis()).isEqualTo(T0 + DAY);
    assertThat(t.raisedAtMillis()).isEqualTo(123);
  }

  @Test
  void aRestartFromTheSameStateRaisesTheSameIds() throws Exception {
    RuleEngine e = new RuleEngine(monitoring(psi(2, Duration.ZERO)));
    e.evaluate(window(1, 0, 0.5, 0), 0);
    byte[] checkpoint = serialize(e.state());
    Trigger before = e.evaluate(window(1, 1, 0.5, 0), 0).triggers().get(0);
    // the job fails after raising it and restarts from the checkpoint: window 1 is re-read
    RuleEngine restored =
        new RuleEngine(
            monitoring(psi(2, Duration.ZERO)), (RuleEngine.State) deserialize(checkpoint));
    Trigger after = restored.evaluate(window(1, 1, 0.5, 0), 999).triggers().get(0);
    assertThat(after.triggerId()).isEqualTo(before.triggerId());
  }

  @Test
  void markingNamesTheBreachedRuleAndTheWorstFeatureIsReported() {
    Rule loose = new Rule("loose", Statistic.PSI, "any", 0.3, 1, Duration.ZERO);
    Rule onB = new Rule("on_b", Statistic.PSI, "b", 0.1, 1, Duration.ZERO);
    RuleEngine e = new RuleEngine(monitoring(loose, onB));
    RuleEngine.Evaluation ev = e.evaluate(window(1, 0, 0.35, 0.15), 0);
    // a: 0.35 > 0.3 breaches 'loose'; b: 0.15 breaches only 'on_b' (not loose's 0.3)
    assertThat(ev.marked())
        .extracting(MarkedStatistic::rule, MarkedStatistic::threshold, MarkedStatistic::breached)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("loose", 0.3, true),
            org.assertj.core.groups.Tuple.tuple("on_b", 0.1, true));
    assertThat(ev.triggers()).extracting(Trigger::rule).containsExactly("loose", "on_b");
    Trigger t = ev.triggers().get(0);
    assertThat(t.feature()).isEqualTo("a");
    assertThat(t.value()).isEqualTo(0.35);
    assertThat(t.statistics()).isEqualTo("{\"psi[a]\":0.35,\"psi[b]\":0.15}");
    // a statistic no rule watches is unmarked
    long s = T0;
    var ks = new WindowStatistic("m", 1, s, s + DAY, "a", Statistic.KS_STATISTIC, 0.9, 5);
    MarkedStatistic m = new RuleEngine(monitoring(loose)).evaluate(List.of(ks), 0).marked().get(0);
    assertThat(m.rule()).isNull();
    assertThat(m.threshold()).isNull();
    assertThat(m.breached()).isFalse();
  }

  @Test
  void runsAreCountedPerModelVersion() {
    RuleEngine e = new RuleEngine(monitoring(psi(2, Duration.ZERO)));
    assertThat(e.evaluate(window(1, 0, 0.5, 0), 0).triggers()).isEmpty();
    // version 2 takes over: its first breach is not the second of version 1's run
    assertThat(e.evaluate(window(2, 1, 0.5, 0), 0).triggers()).isEmpty();
    assertThat(e.evaluate(window(2, 2, 0.5, 0), 0).triggers()).hasSize(1);
  }

  @Test
  void mixedWindowsAreRefused() {
    RuleEngine e = new RuleEngine(monitoring(psi(1, Duration.ZERO)));
    List<WindowStatistic> mixed = new ArrayList<>(window(1, 0, 0, 0));
    mixed.addAll(window(1, 1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> e.evaluate(mixed, 0));
  }

  private static String sha256sum(String text) {
    try {
      Process p = new ProcessBuilder("sha256sum").start();
      p.getOutputStream().write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return out.split("\\s+")[0];
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] serialize(Object o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  private static Object deserialize(byte[] b) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b))) {
      return in.readObject();
    }
  }
}
