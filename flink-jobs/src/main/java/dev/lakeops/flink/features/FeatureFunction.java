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
 * order); after an entity's rows, one expiry timer at its latest slot plus the retention drops what
 * no later row needs once the entity is idle (a later row's timer replaces it). Events at or behind
 * the watermark go to {@link #LATE} with rule {@code late}: their time's rows were already emitted.
 *
 * <p>Rows carry their values ({@link IncrementalFeatures#compute}) only when asked for (a feature
 * log reads them); the online store needs only the history, so without a feature log a row's values
 * are an empty map, which saves computing and copying them per event.
 *
 * <p>State: per entity, the slots within the longest window of the watermark, then only the latest
 * slot (a few hundred bytes per idle entity, as the store keeps per key), so a later event's
 * history knows what came before it; checkpointed and copied by {@link FeatureHistorySerializer}.
 */
final class FeatureFunction extends KeyedProcessFunction<String, SourceEvent, ViewRow> {
  private static final long serialVersionUID = 1L;
  static final OutputTag<Rejection> LATE = new OutputTag<>("late") {};

  private final SourceConfig source;
  private final List<FeatureViewConfig> views;
  private final boolean withValues;
  private transient IncrementalFeatures features;
  private transient List<String> viewNames;
  private transient ValueState<FeatureHistory> state;

  /**
   * @param source the source as loaded (shipped with the task as it is)
   * @param views the source's feature views as loaded, in the order of the rows they emit
   */
  FeatureFunction(SourceConfig source, List<FeatureViewConfig> views) {
    this(source, views, true);
  }

  /**
   * @param source the source as loaded (shipped with the task as it is)
   * @param views the source's feature views as loaded, in the order of the rows they emit
   * @param withValues whether rows carry their values (else an empty map: only the history)
   */
  FeatureFunction(SourceConfig source, List<FeatureViewConfig> views, boolean withValues) {
    this.source = source;
    this.views = List.copyOf(views);
    this.withValues = withValues;
  }

  @Override
  public void open(OpenContext ctx) {
    features = new IncrementalFeatures(source, views);
    viewNames = views.stream().map(FeatureViewConfig::name).toList();
    state = getRuntimeContext().getState(historyState());
  }

  /**
   * The keyed state's descriptor: one {@link FeatureHistory} per entity, written by {@link
   * FeatureHistorySerializer} (not Kryo).
   */
  static ValueStateDescriptor<FeatureHistory> historyState() {
    return new ValueStateDescriptor<>("history", FeatureHistorySerializer.INSTANCE);
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
    long producedBefore = h.emittedUpTo();
    String key = ctx.getCurrentKey();
    for (int d = 0; d < due.size(); d++) {
      long t = due.get(d);
      boolean last = d == due.size() - 1;
      for (int v = 0; v < viewNames.size(); v++) {
        Map<String, Object> values = withValues ? features.compute(h, v, t) : Map.of();
        byte[] history = last ? features.encodeView(h, v, t) : null;
        out.collect(new ViewRow(viewNames.get(v), key, t, values, history));
      }
    }
    if (!due.isEmpty()) {
      features.produced(h, due.get(due.size() - 1));
    }
    // Event time has passed the timer: what no later row reaches can go (the latest slot stays);
    // once only it is left, no further timer is needed.
    boolean done = features.expire(h, timestamp * 1000 + 999);
    state.update(h);
    long next = done ? Long.MIN_VALUE : expiryTimer(h.latest());
    if (!done) {
      ctx.timerService().registerEventTimeTimer(next);
    }
    if (!due.isEmpty() && producedBefore != Long.MIN_VALUE) {
      dropSupersededExpiry(h, expiryTimer(producedBefore), next, timestamp, ctx);
    }
  }

  /** The expiry timer (epoch ms) registered for a history whose latest slot is at {@code t} µs. */
  private long expiryTimer(long latestMicros) {
    return Math.floorDiv(latestMicros + features.retentionMicros(), 1000L);
  }

  /**
   * Deletes the expiry timer the previous rows of this entity registered (at {@code old}, from the
   * latest slot then, its last produced row) now that a later one ({@code next}) replaces it, or
   * that nothing is left to expire ({@code next} is {@link Long#MIN_VALUE}): it would fire only to
   * find nothing to drop that this firing's {@link IncrementalFeatures#produced} and the later
   * timer do not. Rows are unaffected (stored histories do not depend on when slots are dropped).
   * Only an expiry timer can be at {@code old} unless a kept slot falls in that millisecond (its
   * rows' timer is then kept); a guess that names no pending timer deletes nothing.
   */
  private void dropSupersededExpiry(
      FeatureHistory h, long old, long next, long now, OnTimerContext ctx) {
    if (old == next || old <= now) {
      return;
    }
    Long slot = features.latestAtOrBefore(h, old * 1000 + 999);
    if (slot != null && Math.floorDiv(slot, 1000L) == old) {
      return; // an event's timer shares the millisecond
    }
    ctx.timerService().deleteEventTimeTimer(old);
  }
}
