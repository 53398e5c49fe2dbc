package dev.lakeops.flink.monitoring;

import dev.lakeops.common.monitoring.WindowStatistic;
import dev.lakeops.common.monitoring.performance.PerformanceAccumulator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The live-accuracy windows of one model (keyed by model), per model version, over the label join's
 * outcomes, in event time of the predictions.
 *
 * <p>An outcome at prediction time t is known once its label came or the TTL ran out, i.e. at the
 * latest when the watermark passes t + TTL. So outcomes are held until then and released in
 * event-time order (ties by event id): that order gives the no-change classifier its "previous
 * label of the time-ordered stream" (per model, across versions), and a window [s, e) is complete,
 * and emitted, when the watermark passes e − 1 + TTL. Performance statistics therefore come one TTL
 * after their window closes. An outcome whose windows were all emitted already (a prediction later
 * than the watermark's bound plus the TTL) is dropped and counted ({@code late_outcomes}).
 *
 * <p>An unmatched label has no version: it is counted against the version of the latest labelled or
 * expired prediction released before it (the version in service), or version 0 before any.
 */
final class PerformanceWindows extends KeyedProcessFunction<String, Outcome, WindowStatistic> {
  private static final long serialVersionUID = 1L;

  private final Windows windows;
  private final long ttlMillis;

  private transient MapState<Long, List<Outcome>> held;
  private transient MapState<String, PerformanceAccumulator> open;
  private transient ValueState<Double> previousLabel;
  private transient ValueState<Integer> versionInService;
  private transient Counter late;

  PerformanceWindows(Windows windows, long ttlMillis) {
    this.windows = windows;
    this.ttlMillis = ttlMillis;
  }

  @Override
  public void open(OpenContext ctx) {
    held =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "held", Types.LONG, new ListTypeInfo<>(TypeInformation.of(Outcome.class))));
    open =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "windows", Types.STRING, TypeInformation.of(PerformanceAccumulator.class)));
    previousLabel =
        getRuntimeContext().getState(new ValueStateDescriptor<>("previous-label", Types.DOUBLE));
    versionInService =
        getRuntimeContext().getState(new ValueStateDescriptor<>("version", Types.INT));
    late = getRuntimeContext().getMetricGroup().counter("late_outcomes");
  }

  /** When the window starting at {@code start} is complete (event time). */
  private long fireTime(long start) {
    return Windows.plus(windows.end(start) - 1, ttlMillis);
  }

  @Override
  public void processElement(Outcome o, Context ctx, Collector<WindowStatistic> out)
      throws Exception {
    long wm = ctx.timerService().currentWatermark();
    if (fireTime(windows.lastStart(o.timeMillis())) <= wm) {
      late.inc();
      return;
    }
    if (o.modelVersion() >= 0) {
      versionInService.update(o.modelVersion());
    }
    List<Outcome> at = held.get(o.timeMillis());
    if (at == null) {
      at = new ArrayList<>();
    }
    at.add(o);
    held.put(o.timeMillis(), at);
    ctx.timerService().registerEventTimeTimer(Windows.plus(o.timeMillis(), ttlMillis));
  }

  @Override
  public void onTimer(long time, OnTimerContext ctx, Collector<WindowStatistic> out)
      throws Exception {
    List<Long> due = new ArrayList<>();
    for (Long t : held.keys()) {
      if (Windows.plus(t, ttlMillis) <= time) {
        due.add(t);
      }
    }
    due.sort(Comparator.naturalOrder());
    for (Long t : due) {
      List<Outcome> outcomes = new ArrayList<>(held.get(t));
      outcomes.sort(Comparator.comparing(Outcome::eventId));
      for (Outcome o : outcomes) {
        release(o, time, ctx);
      }
      held.remove(t);
    }
    List<String> fired = new ArrayList<>();
    for (String k : open.keys()) {
      if (fireTime(Long.parseLong(k.split(":", 2)[1])) <= time) {
        fired.add(k);
      }
    }
    // emit in (start, version) order for readable tables
    fired.sort(
        Comparator.comparingLong((String k) -> Long.parseLong(k.split(":", 2)[1]))
            .thenComparingInt(k -> Integer.parseInt(k.split(":", 2)[0])));
    for (String k : fired) {
      String[] key = k.split(":", 2);
      int version = Integer.parseInt(key[0]);
      long start = Long.parseLong(key[1]);
      for (WindowStatistic s :
          open.get(k).statistics(ctx.getCurrentKey(), version, start, windows.end(start))) {
        out.collect(s);
      }
      open.remove(k);
    }
  }

  private void release(Outcome o, long now, OnTimerContext ctx) throws Exception {
    int version;
    if (o.kind() == Outcome.Kind.UNMATCHED && o.modelVersion() < 0) {
      Integer v = versionInService.value();
      version = v == null ? 0 : v;
    } else {
      version = o.modelVersion();
    }
    Double previous = null;
    if (o.kind() == Outcome.Kind.LABELLED) {
      previous = previousLabel.value();
      previousLabel.update(o.label());
    }
    boolean added = false;
    for (long start : windows.starts(o.timeMillis())) {
      long fire = fireTime(start);
      if (fire < now) {
        continue; // emitted already
      }
      String key = version + ":" + start;
      PerformanceAccumulator acc = open.get(key);
      if (acc == null) {
        acc = new PerformanceAccumulator();
        ctx.timerService().registerEventTimeTimer(fire);
      }
      switch (o.kind()) {
        case LABELLED -> {
          if (o.probability() != null) {
            acc.addClassified(o.prediction(), o.label(), o.probability(), previous);
          } else {
            acc.addRegressed(o.prediction(), o.label());
          }
        }
        case EXPIRED -> acc.addExpired();
        case UNMATCHED -> acc.addUnmatched();
      }
      open.put(key, acc);
      added = true;
    }
    if (!added) {
      late.inc();
    }
  }
}
