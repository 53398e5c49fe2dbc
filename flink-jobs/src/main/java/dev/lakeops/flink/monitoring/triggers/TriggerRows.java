package dev.lakeops.flink.monitoring.triggers;

import dev.lakeops.common.monitoring.trigger.Trigger;
import dev.lakeops.flink.delta.RowFormat;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;

/**
 * Rows of {@code <db>.lakeops_triggers}, laid out as the monitoring contract says (timestamps in
 * µs, as Delta stores them). The scheduler ({@code mlops scheduler}) appends its own cron and
 * new-feature triggers with the same layout.
 */
public final class TriggerRows implements RowFormat<Trigger> {
  private static final long serialVersionUID = 1L;

  @Override
  public StructType schema() {
    return new StructType()
        .add("trigger_id", StringType.STRING, false)
        .add("model", StringType.STRING, false)
        .add("model_version", IntegerType.INTEGER, true)
        .add("rule", StringType.STRING, false)
        .add("reason", StringType.STRING, false)
        .add("feature", StringType.STRING, true)
        .add("statistic", StringType.STRING, true)
        .add("value", DoubleType.DOUBLE, true)
        .add("threshold", DoubleType.DOUBLE, true)
        .add("window_start", TimestampType.TIMESTAMP, true)
        .add("window_end", TimestampType.TIMESTAMP, true)
        .add("raised_at", TimestampType.TIMESTAMP, false)
        .add("statistics", StringType.STRING, true);
  }

  @Override
  public Object[] toRow(Trigger t) {
    return new Object[] {
      t.triggerId(),
      t.model(),
      t.modelVersion(),
      t.rule(),
      t.reason().key(),
      t.feature(),
      t.statistic(),
      t.value(),
      t.threshold(),
      t.windowStartMillis() == null ? null : t.windowStartMillis() * 1000,
      t.windowEndMillis() == null ? null : t.windowEndMillis() * 1000,
      t.raisedAtMillis() * 1000,
      t.statistics()
    };
  }

  /**
   * A trigger from a row read back with {@link dev.lakeops.flink.delta.KernelTables#readAll}
   * (timestamps as epoch µs).
   */
  public static Trigger fromRow(java.util.Map<String, Object> r) {
    return new Trigger(
        (String) r.get("trigger_id"),
        (String) r.get("model"),
        (Integer) r.get("model_version"),
        (String) r.get("rule"),
        Trigger.Reason.of((String) r.get("reason")),
        (String) r.get("feature"),
        (String) r.get("statistic"),
        (Double) r.get("value"),
        (Double) r.get("threshold"),
        millis(r.get("window_start")),
        millis(r.get("window_end")),
        millis(r.get("raised_at")),
        (String) r.get("statistics"));
  }

  private static Long millis(Object micros) {
    return micros == null ? null : Math.floorDiv(((Number) micros).longValue(), 1000L);
  }
}
