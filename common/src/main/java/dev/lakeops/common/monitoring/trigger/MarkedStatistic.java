package dev.lakeops.common.monitoring.trigger;

import dev.lakeops.common.monitoring.WindowStatistic;
import java.io.Serializable;
import java.util.Objects;

/**
 * A window statistic marked by the rules: a row of {@code drift_<model>} or {@code
 * performance_<model>} as the monitoring contract lays it out.
 *
 * @param statistic the window's value
 * @param threshold the threshold of the rule named in {@code rule}; null when no rule watches the
 *     statistic
 * @param breached whether the value breaches some rule watching it, in this window alone (before
 *     {@code consecutive} and {@code cooldown} are applied); false when no rule watches it and when
 *     the value is NaN
 * @param rule the first rule (in file order) the value breaches, or when it breaches none the first
 *     rule watching it; null when none does
 */
public record MarkedStatistic(
    WindowStatistic statistic, Double threshold, boolean breached, String rule)
    implements Serializable {
  public MarkedStatistic {
    Objects.requireNonNull(statistic, "statistic");
  }
}
