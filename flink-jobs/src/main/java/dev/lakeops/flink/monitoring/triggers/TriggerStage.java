package dev.lakeops.flink.monitoring.triggers;

import dev.lakeops.common.config.MonitoringConfig;
import dev.lakeops.common.monitoring.WindowStatistic;
import dev.lakeops.common.monitoring.trigger.MarkedStatistic;
import dev.lakeops.common.monitoring.trigger.Trigger;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.delta.DeltaSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The monitoring job's trigger stage: the window statistics in, keyed by model, through the rules
 * of {@code monitoring.yaml} ({@link dev.lakeops.common.monitoring.trigger.RuleEngine}, state in
 * Flink keyed state); the triggers out into {@code <db>.lakeops_triggers} through the exactly-once
 * {@link DeltaSink}; the statistics, marked with threshold, breached and rule, back to the caller
 * for the {@code drift_<model>} and {@code performance_<model>} tables ({@link StatisticRows}).
 *
 * <p>The input must carry event-time timestamps and watermarks (a window operator's output does:
 * each result at its window's end − 1 ms): a window's statistics are evaluated together once the
 * watermark passes the window's end − 1 ms. Statistics of a model {@code monitoring.yaml} does not
 * name pass through unmarked. The channel is the Delta table only (no Kafka topic yet).
 */
public final class TriggerStage {
  private TriggerStage() {}

  /**
   * What {@link #attach} adds to the job.
   *
   * @param marked every input statistic, marked (in event-time order of window ends per model)
   * @param triggers the triggers raised (also written to the trigger table)
   */
  public record Attached(DataStream<MarkedStatistic> marked, DataStream<Trigger> triggers) {}

  /**
   * Adds the stage to the job of {@code statistics}.
   *
   * @param statistics the window statistics of the monitored models (timestamps and watermarks set)
   * @param monitoring the project's {@code monitoring.yaml}
   * @param warehouse where {@code <db>.lakeops_triggers} is ({@link Warehouse#triggers()})
   * @param sinkName names the trigger sink's Delta transactions; unique per job writing the table,
   *     e.g. {@code monitor-<model>}
   */
  public static Attached attach(
      DataStream<WindowStatistic> statistics,
      MonitoringConfig monitoring,
      Warehouse warehouse,
      String sinkName) {
    SingleOutputStreamOperator<MarkedStatistic> marked =
        statistics
            .keyBy(WindowStatistic::model)
            .process(new RuleFunction(monitoring))
            .name("monitoring-rules")
            .uid("monitoring-rules");
    DataStream<Trigger> triggers = marked.getSideOutput(RuleFunction.TRIGGERS);
    triggers
        .sinkTo(new DeltaSink<>(warehouse.triggers().path(), sinkName, new TriggerRows()))
        .name("triggers-" + warehouse.triggers().name())
        .uid("triggers-sink");
    return new Attached(marked, triggers);
  }
}
