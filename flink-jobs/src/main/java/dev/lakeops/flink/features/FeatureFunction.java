package dev.lakeops.flink.features;

import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.events.EventTimes;
import dev.lakeops.common.events.Rejection;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.features.FeatureHistory;
import dev.lakeops.common.features.IncrementalFeatures;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per entity: keeps the events within the longest window (as per-time partials, {@link
 * FeatureHistory}, and always the latest event's slot) and, once the watermark passes an event
 * time, emits one row per view at that time; the last row of each view that a watermark advance
 * made due carries the view's stored history as of that time ({@link
 * IncrementalFeatures#encodeView}), which the sink writes to the online store. An event-time timer
 * is set per distinct time (per millisecond; times within one millisecond are emitted together, in
 * order). Events at or behind the watermark go to {@link #LATE} with rule {@code late}: their
 * time's rows were already emitted.
 *
 * <p>State: per entity, the slots within the longest window of the watermark, then only the latest
 * slot (a few hundred bytes per idle entity, as the store keeps per key), so a later event's
 * history knows what came before it.
 */
final class FeatureFunction extends KeyedProcessFunction<String, SourceEvent, ViewRow> {
  private static final long serialVersionUID = 1L;
  static final OutputTag<Rejection> LATE = new OutputTag<>("late") {};

  private final SourceConfig source;
  private final List<FeatureViewConfig> views;
  private transient IncrementalFeatures features;
  private transient List<String> viewNames;
  private transient ValueState<FeatureHistory> state;

  /**
   * @param source the source as loaded (shipped with the task as it is)
   * @param views the source's feature views as loaded, in the order of the rows they emit
   */
  FeatureFunction(SourceConfig source, List<FeatureViewConfig> views) {
    this.source = source;
    this.views = List.copyOf(views);
  }

  @Override
  public void open(OpenContext ctx) {
    features = new IncrementalFeatures(source, views);
    viewNames = views.stream().map(FeatureViewConfig::name).toList();
    state =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>("history", TypeInformation.of(FeatureHistory.class)));
  }

  @Override
  public void processElement(SourceEvent e, Context ctx, Collector<ViewRow> out) throws Exception {
    long ms = Math.floorDiv(e.eventTimeMicros(), 1000L);
    long watermark = ctx.timerService().currentWatermark();
    FeatureHistory h = state.value();
    if (h == null) {
      h = new FeatureHistory();
    }
    if (ms <= watermark || !features.accepts(h, e.eventTimeMicros())) {
      ctx.output(
          LATE,
          new Rejection(
              source.name(),
              "late",
              "event time "
                  + EventTimes.format(e.eventTimeMicros())
                  + " is at or behind the watermark "
                  + (watermark == Long.MIN_VALUE ? "(none)" : EventTimes.format(watermark * 1000))
                  + ": its rows were already emitted (raise the out-of-orderness bound to wait"
                  + " longer)",
              e.raw(),
              e.origin()));
      return;
    }
    features.add(h, e);
    state.update(h);
    ctx.timerService().registerEventTimeTimer(ms);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ViewRow> out) throws Exception {
    FeatureHistory h = state.value();
    if (h == null) {
      return;
    }
    List<Long> due = features.due(h, timestamp * 1000 + 999);
    String key = ctx.getCurrentKey();
    for (int d = 0; d < due.size(); d++) {
      long t = due.get(d);
      boolean last = d == due.size() - 1;
      for (int v = 0; v < viewNames.size(); v++) {
        Map<String, Object> values = features.compute(h, v, t);
        byte[] history = last ? features.encodeView(h, v, t) : null;
        out.collect(new ViewRow(viewNames.get(v), key, t, values, history));
      }
    }
    if (!due.isEmpty()) {
      features.produced(h, due.get(due.size() - 1));
    }
    // Event time has passed the timer: what no later row reaches can go (the latest slot stays);
    // once only it is left, no further timer is needed.
    if (features.expire(h, timestamp * 1000 + 999)) {
      state.update(h);
    } else {
      state.update(h);
      ctx.timerService()
          .registerEventTimeTimer(Math.floorDiv(h.latest() + features.retentionMicros(), 1000L));
    }
  }
}
