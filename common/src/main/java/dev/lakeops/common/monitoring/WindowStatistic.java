package dev.lakeops.common.monitoring;

import java.io.Serializable;
import java.util.Objects;

/**
 * One value of one statistic for one event-time window of one model version: a row of the {@code
 * drift_<model>} or {@code performance_<model>} table before rules mark it.
 *
 * @param model the registry model name
 * @param modelVersion the registry version that scored the window's predictions
 * @param windowStartMillis window start, epoch ms, inclusive
 * @param windowEndMillis window end, epoch ms, exclusive
 * @param feature the model input (or {@code prediction}); null for performance statistics
 * @param statistic the statistic
 * @param value its value; NaN when the window cannot define it (e.g. AUC with one class)
 * @param rows the rows behind the value (window predictions, or labelled predictions)
 */
public record WindowStatistic(
    String model,
    int modelVersion,
    long windowStartMillis,
    long windowEndMillis,
    String feature,
    Statistic statistic,
    double value,
    long rows)
    implements Serializable {
  public WindowStatistic {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(statistic, "statistic");
  }
}
