package dev.lakeops.flink.monitoring.triggers;

import dev.lakeops.common.monitoring.WindowStatistic;
import dev.lakeops.common.monitoring.trigger.MarkedStatistic;
import dev.lakeops.flink.delta.RowFormat;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;

/**
 * Rows of {@code <db>.drift_<model>} and {@code <db>.performance_<model>} (one layout, as the
 * monitoring contract says): a marked window statistic, timestamps in µs; {@code feature} is null
 * for performance statistics, {@code threshold} and {@code rule} null when no rule watches it.
 */
public final class StatisticRows implements RowFormat<MarkedStatistic> {
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
  public Object[] toRow(MarkedStatistic m) {
    WindowStatistic s = m.statistic();
    return new Object[] {
      s.windowStartMillis() * 1000,
      s.windowEndMillis() * 1000,
      s.modelVersion(),
      s.feature(),
      s.statistic().key(),
      s.value(),
      s.rows(),
      m.threshold(),
      m.breached(),
      m.rule()
    };
  }
}
