package dev.lakeops.flink.monitoring;

import dev.lakeops.common.monitoring.WindowStatistic;
import dev.lakeops.flink.delta.RowFormat;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;

/**
 * The layout of the {@code drift_<model>} and {@code performance_<model>} Delta tables (the
 * monitoring contract): window_start, window_end (timestamps, µs), model_version, feature (null in
 * performance), statistic ({@code Statistic.key()}), value (NaN allowed), rows, threshold,
 * breached, rule.
 */
public final class StatisticRows implements RowFormat<StatisticRow> {
  private static final long serialVersionUID = 1L;

  @Override
  public StructType schema() {
    return new StructType()
        .add("window_start", TimestampType.TIMESTAMP, false)
        .add("window_end", TimestampType.TIMESTAMP, false)
        .add("model_version", IntegerType.INTEGER, false)
        .add("feature", StringType.STRING, true)
        .add("statistic", StringType.STRING, false)
        .add("value", DoubleType.DOUBLE, true)
        .add("rows", LongType.LONG, false)
        .add("threshold", DoubleType.DOUBLE, true)
        .add("breached", BooleanType.BOOLEAN, false)
        .add("rule", StringType.STRING, true);
  }

  @Override
  public Object[] toRow(StatisticRow r) {
    WindowStatistic s = r.statistic();
    return new Object[] {
      s.windowStartMillis() * 1000,
      s.windowEndMillis() * 1000,
      s.modelVersion(),
      s.feature(),
      s.statistic().key(),
      s.value(),
      s.rows(),
      r.threshold(),
      r.breached(),
      r.rule()
    };
  }
}
