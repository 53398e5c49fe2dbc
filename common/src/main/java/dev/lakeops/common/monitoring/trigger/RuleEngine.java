package dev.lakeops.common.monitoring.trigger;

import dev.lakeops.common.monitoring.ModelMonitoring;
import dev.lakeops.common.monitoring.ModelMonitoring.Rule;
import dev.lakeops.common.monitoring.Statistic;
import dev.lakeops.common.monitoring.WindowStatistic;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The trigger rules of one model ({@code monitoring.yaml}'s {@code rules}), applied window by
 * window: engine-free, so the Flink monitoring job keeps its {@link State} in keyed state and a
 * test drives it directly.
 *
 * <p>Fed the statistics of one window of one model version at a time ({@link #evaluate}), it marks
 * each statistic (threshold, breached, rule) and raises a {@link Trigger} for a rule when:
 *
 * <ul>
 *   <li>a statistic the rule watches breaches its threshold in this window (for {@code feature:
 *       any}, any one feature breaching is enough; NaN never breaches, see {@link
 *       Statistic#breaches});
 *   <li>it did so in {@code consecutive} windows in a row of the same model version: each window
 *       ending one slide after the previous one; a window with no breach, a NaN, or a gap (a window
 *       the rule saw no statistic of) starts the count again;
 *   <li>and the rule's previous trigger (any version of the model) is at least {@code cooldown} of
 *       event time before: window end − previous trigger's window end ≥ cooldown. Breaches during
 *       the cooldown still count towards {@code consecutive}; a trigger sets the count back to 0.
 * </ul>
 *
 * <p>A window a rule has already seen for that version (same or earlier window end: the same breach
 * read twice, a replay) changes nothing and raises nothing; it is still marked. Trigger ids are
 * deterministic ({@link Trigger#ruleTriggerId}), so a job restarted from a checkpoint raises the
 * same ids again.
 */
public final class RuleEngine implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ModelMonitoring monitoring;
  private final State state;

  /** A fresh engine: no rule has seen a window. */
  public RuleEngine(ModelMonitoring monitoring) {
    this(monitoring, new State());
  }

  /** An engine resuming from {@code state} (e.g. restored from Flink keyed state). */
  public RuleEngine(ModelMonitoring monitoring, State state) {
    this.monitoring = Objects.requireNonNull(monitoring, "monitoring");
    this.state = state == null ? new State() : state;
  }

  /** The state to keep between windows (mutated by {@link #evaluate}). */
  public State state() {
    return state;
  }

  /**
   * What one window's statistics gave.
   *
   * @param marked every input statistic, marked, in input order
   * @param triggers the triggers raised, in rule order (at most one per rule)
   */
  public record Evaluation(List<MarkedStatistic> marked, List<Trigger> triggers)
      implements Serializable {}

  /**
   * Marks the statistics of one window and raises the triggers due.
   *
   * @param window statistics of one model version and one window (the same model, version, window
   *     start and end); may be empty
   * @param raisedAtMillis the wall clock, epoch ms, written as the triggers' {@code raised_at}
   * @throws IllegalArgumentException when the statistics are of different models, versions or
   *     windows, or of another model than this engine's
   */
  public Evaluation evaluate(List<WindowStatistic> window, long raisedAtMillis) {
    if (window.isEmpty()) {
      return new Evaluation(List.of(), List.of());
    }
    WindowStatistic first = window.get(0);
    for (WindowStatistic s : window) {
      if (!s.model().equals(monitoring.model())
          || s.modelVersion() != first.modelVersion()
          || s.windowStartMillis() != first.windowStartMillis()
          || s.windowEndMillis() != first.windowEndMillis()) {
        throw new IllegalArgumentException(
            "one evaluation takes the statistics of one window of one version of model '"
                + monitoring.model()
                + "'; got "
                + s
                + " with "
                + first);
      }
    }
    List<MarkedStatistic> marked = new ArrayList<>(window.size());
    Map<String, Double> breachedValues = new TreeMap<>();
    for (WindowStatistic s : window) {
      MarkedStatistic m = mark(s);
      marked.add(m);
      if (m.breached()) {
        breachedValues.put(statisticsKey(s), s.value());
      }
    }
    List<Trigger> triggers = new ArrayList<>();
    for (Rule rule : monitoring.rules()) {
      List<WindowStatistic> watched = window.stream().filter(rule::watches).toList();
      if (watched.isEmpty()) {
        continue;
      }
      Trigger t = step(rule, first, watched, breachedValues, raisedAtMillis);
      if (t != null) {
        triggers.add(t);
      }
    }
    return new Evaluation(marked, triggers);
  }

  private MarkedStatistic mark(WindowStatistic s) {
    Rule watching = null;
    for (Rule r : monitoring.rules()) {
      if (r.watches(s)) {
        if (r.breaches(s.value())) {
          return new MarkedStatistic(s, r.threshold(), true, r.name());
        }
        if (watching == null) {
          watching = r;
        }
      }
    }
    return watching == null
        ? new MarkedStatistic(s, null, false, null)
        : new MarkedStatistic(s, watching.threshold(), false, watching.name());
  }

  private Trigger step(
      Rule rule,
      WindowStatistic window,
      List<WindowStatistic> watched,
      Map<String, Double> breachedValues,
      long raisedAtMillis) {
    long end = window.windowEndMillis();
    String key = rule.name() + "@" + window.modelVersion();
    Streak streak = state.streaks.get(key);
    if (streak != null && end <= streak.lastWindowEndMillis) {
      return null; // seen already: the same breach read twice, or a replay
    }
    // The worst breach of the window: the largest margin past the threshold (ties: feature name).
    WindowStatistic worst =
        watched.stream()
            .filter(s -> rule.breaches(s.value()))
            .max(
                Comparator.<WindowStatistic>comparingDouble(s -> margin(rule, s.value()))
                    .thenComparing(
                        s -> s.feature() == null ? "" : s.feature(), Comparator.reverseOrder()))
            .orElse(null);
    long slide = monitoring.windowSlide().toMillis();
    boolean inARow = streak != null && end - streak.lastWindowEndMillis == slide;
    int count = worst == null ? 0 : (inARow ? streak.count : 0) + 1;
    Long lastTrigger = state.lastTriggerEndMillis.get(rule.name());
    boolean cooled = lastTrigger == null || end - lastTrigger >= rule.cooldown().toMillis();
    Trigger trigger = null;
    if (worst != null && count >= rule.consecutive() && cooled) {
      trigger =
          new Trigger(
              Trigger.ruleTriggerId(monitoring.model(), window.modelVersion(), rule.name(), end),
              monitoring.model(),
              window.modelVersion(),
              rule.name(),
              rule.statistic().kind() == Statistic.Kind.DRIFT
                  ? Trigger.Reason.DRIFT
                  : Trigger.Reason.PERFORMANCE,
              worst.feature(),
              worst.statistic().key(),
              worst.value(),
              rule.threshold(),
              window.windowStartMillis(),
              end,
              raisedAtMillis,
              json(breachedValues));
      state.lastTriggerEndMillis.put(rule.name(), end);
      count = 0;
    }
    state.streaks.put(key, new Streak(end, count));
    return trigger;
  }

  private static double margin(Rule rule, double value) {
    return rule.statistic().breachedAbove() ? value - rule.threshold() : rule.threshold() - value;
  }

  private static String statisticsKey(WindowStatistic s) {
    return s.feature() == null
        ? s.statistic().key()
        : s.statistic().key() + "[" + s.feature() + "]";
  }

  /** A JSON object of names to numbers (keys are statistic keys and feature names: no escaping). */
  static String json(Map<String, Double> values) {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, Double> e : values.entrySet()) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append('"').append(e.getKey().replace("\\", "\\\\").replace("\"", "\\\"")).append("\":");
      double v = e.getValue();
      sb.append(Double.isFinite(v) ? Double.toString(v) : "null");
    }
    return sb.append('}').toString();
  }

  /**
   * What the engine remembers between windows: per rule and model version, the last window seen and
   * how many breached in a row up to it; per rule, the window end of its last trigger. Serializable
   * (Java serialization, or Flink's Kryo fallback) and small: one entry per rule and version seen.
   */
  public static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    private final HashMap<String, Streak> streaks = new HashMap<>();
    private final HashMap<String, Long> lastTriggerEndMillis = new HashMap<>();

    /**
     * The window end (epoch ms) of {@code rule}'s last trigger, or null when it has raised none.
     */
    public Long lastTriggerEndMillis(String rule) {
      return lastTriggerEndMillis.get(rule);
    }

    @Override
    public String toString() {
      return "State" + new LinkedHashMap<>(streaks) + lastTriggerEndMillis;
    }
  }

  /** A rule's run of breaching windows for one version: the last window seen and the count. */
  record Streak(long lastWindowEndMillis, int count) implements Serializable {}
}
