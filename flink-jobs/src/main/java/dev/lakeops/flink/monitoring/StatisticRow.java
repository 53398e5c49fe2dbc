package dev.lakeops.flink.monitoring;

import dev.lakeops.common.monitoring.WindowStatistic;
import java.io.Serializable;

/**
 * A row of the {@code drift_<model>} or {@code performance_<model>} table: a window statistic as
 * the rule stage marked it.
 *
 * @param threshold the threshold of the rule that checks this statistic, or null when none does
 * @param breached whether the value breaches it (false without a rule)
 * @param rule the rule's name, or null when no rule checks this statistic
 */
public record StatisticRow(
    WindowStatistic statistic, Double threshold, boolean breached, String rule)
    implements Serializable {

  /** A statistic no rule checks. */
  public static StatisticRow unmarked(WindowStatistic s) {
    return new StatisticRow(s, null, false, null);
  }
}
