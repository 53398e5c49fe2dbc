package dev.lakeops.flink.monitoring;

import dev.lakeops.common.monitoring.WindowStatistic;
import dev.lakeops.common.monitoring.trigger.MarkedStatistic;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * Publishes the latest value of every (model version, feature, statistic) as a Flink gauge, passing
 * the rows through. The gauge is {@code lakeops_monitoring_value} in the groups {@code model},
 * {@code model_version}, {@code feature} ({@code none} for performance statistics) and {@code
 * statistic} (key/value groups, which Flink's Prometheus reporter turns into labels, their keys
 * joining the metric's name), e.g. {@code
 * flink_taskmanager_job_task_operator_lakeops_monitoring_model_model_version_feature_statistic_value
 * {model="elec2",model_version="3",feature="nswprice",statistic="psi",...}}. A gauge exists from
 * the first window of its series on.
 */
final class StatisticGauges extends RichMapFunction<MarkedStatistic, MarkedStatistic> {
  private static final long serialVersionUID = 1L;

  /** The metric group and gauge name. */
  static final String GROUP = "lakeops_monitoring";

  static final String GAUGE = "value";

  private transient Map<String, Latest> gauges;
  private transient MetricGroup group;

  @Override
  public void open(OpenContext ctx) {
    gauges = new HashMap<>();
    group = getRuntimeContext().getMetricGroup().addGroup(GROUP);
  }

  @Override
  public MarkedStatistic map(MarkedStatistic row) {
    WindowStatistic s = row.statistic();
    String feature = s.feature() == null ? "none" : s.feature();
    String key = s.model() + "|" + s.modelVersion() + "|" + feature + "|" + s.statistic().key();
    Latest g = gauges.get(key);
    if (g == null) {
      g = new Latest();
      group
          .addGroup("model", s.model())
          .addGroup("model_version", Integer.toString(s.modelVersion()))
          .addGroup("feature", feature)
          .addGroup("statistic", s.statistic().key())
          .gauge(GAUGE, g);
      gauges.put(key, g);
    }
    // a late window does not overwrite a later one's value
    if (s.windowEndMillis() >= g.windowEnd) {
      g.windowEnd = s.windowEndMillis();
      g.value = s.value();
    }
    return row;
  }

  private static final class Latest implements Gauge<Double> {
    volatile double value = Double.NaN;
    volatile long windowEnd = Long.MIN_VALUE;

    @Override
    public Double getValue() {
      return value;
    }
  }
}
