package dev.lakeops.flink.monitoring;

import dev.lakeops.flink.serving.Prediction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins each prediction to its delayed label by event id, in keyed state with a TTL measured in the
 * event time of the prediction stream (the watermark; labels carry no event time of their own):
 *
 * <ul>
 *   <li>a prediction waits for its label until the watermark passes its event time + TTL, then is
 *       emitted {@link Outcome.Kind#EXPIRED};
 *   <li>a label that comes first waits for its prediction until the watermark passes the watermark
 *       at its arrival + TTL, then is emitted {@link Outcome.Kind#UNMATCHED} (a label that arrives
 *       before any watermark starts its wait at the first one);
 *   <li>a prediction and its label, in either order, are emitted {@link Outcome.Kind#LABELLED};
 *   <li>a second prediction of an event that is still waiting is ignored (the serving job logs one
 *       per event; counted in {@code duplicate_predictions}); a second label of a waiting label is
 *       unmatched at once.
 * </ul>
 *
 * An unmatched label has no prediction, so no version: it carries the version of the latest
 * prediction this task saw (the version in service), or -1 before any.
 *
 * <p>Keyed by event id; the state of a key is cleared when its outcome is emitted.
 */
final class LabelJoin extends KeyedProcessFunction<String, MonitorInput, Outcome> {
  private static final long serialVersionUID = 1L;

  private final String model;
  private final long ttlMillis;

  private transient ValueState<Prediction> pending;
  private transient ValueState<Label> waiting;
  private transient ValueState<Long> arrival;
  private transient Counter duplicates;
  private transient Counter labelsWithoutPredictions;

  /** The version of the latest prediction this task saw (-1 before any, also after a restore). */
  private transient int lastVersion;

  LabelJoin(String model, long ttlMillis) {
    this.model = model;
    this.ttlMillis = ttlMillis;
  }

  @Override
  public void open(OpenContext ctx) {
    lastVersion = -1;
    pending =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("pending", TypeInformation.of(Prediction.class)));
    waiting =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("waiting", TypeInformation.of(Label.class)));
    arrival = getRuntimeContext().getState(new ValueStateDescriptor<>("arrival", Types.LONG));
    duplicates = getRuntimeContext().getMetricGroup().counter("duplicate_predictions");
    labelsWithoutPredictions =
        getRuntimeContext().getMetricGroup().counter("labels_unmatched_before_any_prediction");
  }

  @Override
  public void processElement(MonitorInput in, Context ctx, Collector<Outcome> out)
      throws Exception {
    if (in.prediction() != null) {
      Prediction p = in.prediction();
      lastVersion = p.version();
      Label l = waiting.value();
      if (l != null) {
        out.collect(labelled(p, l));
        waiting.clear();
        arrival.clear();
      } else if (pending.value() != null) {
        duplicates.inc();
      } else {
        pending.update(p);
        ctx.timerService().registerEventTimeTimer(Windows.plus(p.eventTimeMillis(), ttlMillis));
      }
      return;
    }
    Label l = in.label();
    Prediction p = pending.value();
    long wm = ctx.timerService().currentWatermark();
    if (p != null) {
      out.collect(labelled(p, l));
      pending.clear();
    } else if (waiting.value() != null) {
      out.collect(unmatched(l, Math.max(wm, 0)));
    } else {
      waiting.update(l);
      arrival.update(wm);
      // before the first watermark, the wait starts at the first one (see onTimer)
      ctx.timerService()
          .registerEventTimeTimer(wm == Long.MIN_VALUE ? wm + 1 : Windows.plus(wm, ttlMillis));
    }
  }

  @Override
  public void onTimer(long time, OnTimerContext ctx, Collector<Outcome> out) throws Exception {
    Prediction p = pending.value();
    if (p != null && Windows.plus(p.eventTimeMillis(), ttlMillis) <= time) {
      out.collect(
          new Outcome(
              Outcome.Kind.EXPIRED,
              p.eventId(),
              p.model(),
              p.version(),
              p.eventTimeMillis(),
              p.prediction(),
              Double.NaN,
              p.probability()));
      pending.clear();
    }
    Label l = waiting.value();
    if (l == null) {
      return;
    }
    long since = arrival.value();
    long wm = ctx.timerService().currentWatermark();
    if (since == Long.MIN_VALUE) {
      if (wm == Long.MAX_VALUE) { // the input ended before any prediction came
        labelsWithoutPredictions.inc();
        waiting.clear();
        arrival.clear();
        return;
      }
      arrival.update(wm);
      ctx.timerService().registerEventTimeTimer(Windows.plus(wm, ttlMillis));
    } else if (Windows.plus(since, ttlMillis) <= time) {
      out.collect(unmatched(l, since));
      waiting.clear();
      arrival.clear();
    }
  }

  private static Outcome labelled(Prediction p, Label l) {
    return new Outcome(
        Outcome.Kind.LABELLED,
        p.eventId(),
        p.model(),
        p.version(),
        p.eventTimeMillis(),
        p.prediction(),
        l.label(),
        p.probability());
  }

  private Outcome unmatched(Label l, long at) {
    return new Outcome(
        Outcome.Kind.UNMATCHED, l.eventId(), model, lastVersion, at, Double.NaN, l.label(), null);
  }
}
