package dev.lakeops.flink.monitoring;

import dev.lakeops.common.monitoring.Statistic;
import dev.lakeops.common.monitoring.WindowStatistic;
import dev.lakeops.flink.serving.Prediction;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The drift branch: the predictions' event-time windows per model version (Flink windows, the same
 * bounds as {@link Windows}), aggregated incrementally into one bounded summary per model input,
 * and turned into {@link WindowStatistic}s when the watermark passes the window's end. Predictions
 * behind the watermark when they come are late: they go to {@link #LATE} (the dead letter), as in
 * the other jobs.
 */
final class DriftStage {
  /** Predictions that came after their windows were emitted. */
  static final OutputTag<Prediction> LATE =
      new OutputTag<>("late-predictions", TypeInformation.of(Prediction.class)) {};

  private DriftStage() {}

  static SingleOutputStreamOperator<WindowStatistic> attach(
      DataStream<Prediction> timed, MonitorSettings s) {
    return timed
        .keyBy(Prediction::version, Types.INT)
        .window(assigner(s.windowSize(), s.windowSlide()))
        .sideOutputLateData(LATE)
        .aggregate(new Summarize(), new Emit(s.model()))
        .name("drift-windows-" + s.model())
        .uid("monitor-drift-windows");
  }

  static WindowAssigner<Object, TimeWindow> assigner(Duration size, Duration slide) {
    return size.equals(slide)
        ? TumblingEventTimeWindows.of(size)
        : SlidingEventTimeWindows.of(size, slide);
  }

  /**
   * The window's summary: its rows and, per numeric and text input, the rows without a value.
   * Mergeable; its size grows with the model's inputs only.
   */
  static final class Summary implements Serializable {
    private static final long serialVersionUID = 1L;
    long rows;
    final TreeMap<String, Long> missing = new TreeMap<>();

    void add(Prediction p) {
      rows++;
      p.features().forEach((f, v) -> missing.merge(f, v == null || v.isNaN() ? 1L : 0L, Long::sum));
      p.textFeatures().forEach((f, v) -> missing.merge(f, v == null ? 1L : 0L, Long::sum));
    }

    Summary merge(Summary o) {
      rows += o.rows;
      o.missing.forEach((f, n) -> missing.merge(f, n, Long::sum));
      return this;
    }
  }

  static final class Summarize implements AggregateFunction<Prediction, Summary, Summary> {
    private static final long serialVersionUID = 1L;

    @Override
    public Summary createAccumulator() {
      return new Summary();
    }

    @Override
    public Summary add(Prediction p, Summary acc) {
      acc.add(p);
      return acc;
    }

    @Override
    public Summary getResult(Summary acc) {
      return acc;
    }

    @Override
    public Summary merge(Summary a, Summary b) {
      return a.merge(b);
    }
  }

  static final class Emit
      extends ProcessWindowFunction<Summary, WindowStatistic, Integer, TimeWindow> {
    private static final long serialVersionUID = 1L;
    private final String model;

    Emit(String model) {
      this.model = model;
    }

    @Override
    public void process(
        Integer version, Context ctx, Iterable<Summary> summaries, Collector<WindowStatistic> out) {
      Summary s = summaries.iterator().next();
      TimeWindow w = ctx.window();
      for (Map.Entry<String, Long> e : s.missing.entrySet()) {
        out.collect(
            new WindowStatistic(
                model,
                version,
                w.getStart(),
                w.getEnd(),
                e.getKey(),
                Statistic.MISSING_RATE,
                (double) e.getValue() / s.rows,
                s.rows));
      }
    }
  }
}
