package dev.lakeops.flink.serving;

import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.common.features.Freshness;
import dev.lakeops.common.online.FeatureRow;
import dev.lakeops.common.online.OnlineRead;
import dev.lakeops.common.online.OnlineStore;
import dev.lakeops.common.scoring.MissingViews;
import dev.lakeops.common.scoring.Scored;
import dev.lakeops.common.training.Signature;
import dev.lakeops.common.types.ColumnType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Event line → prediction. Parses the event, reads the entity's features from the online store as
 * of the event time (the store returns no row later than it and honours each view's TTL), overlays
 * the event's request-time fields, checks the values against the model's signature and scores them
 * with the current production version ({@link ModelHolder}). Each prediction records the views that
 * had no row ({@link Prediction#missingViews()}); the model's {@code on_missing_features} policy
 * decides whether such an event is scored or dead-lettered. Anything that cannot be scored goes to
 * {@link #DEAD_LETTER} with the reason; the job keeps running.
 */
public final class ScoreFunction extends ProcessFunction<String, Prediction> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTER =
      new OutputTag<>(
          "dead-letter",
          org.apache.flink.api.common.typeinfo.TypeInformation.of(DeadLetter.class)) {};

  private final ServingPlan plan;
  private transient EventParser parser;
  private transient ModelHolder holder;
  private transient OnlineStore store;
  private transient ModelHolder.Loaded routedFor;
  private transient Map<String, String> viewOfInput;
  private transient LongCounter scoredCount;
  private transient LongCounter deadCount;

  /** Accumulator: events scored (sent to the prediction log). */
  public static final String SCORED = "serve-scored";

  /** Accumulator: events sent to the dead letter. */
  public static final String DEAD_LETTERED = "serve-dead-lettered";

  public ScoreFunction(ServingPlan plan) {
    this.plan = plan;
  }

  @Override
  public void open(OpenContext context) {
    parser = new EventParser(plan.keyField(), plan.keyFields());
    store = plan.store().open();
    holder = new ModelHolder(plan.model(), plan.champions().open(plan.model()), plan.loader());
    holder.start(plan.pollInterval());
    scoredCount = new LongCounter();
    deadCount = new LongCounter();
    getRuntimeContext().addAccumulator(SCORED, scoredCount);
    getRuntimeContext().addAccumulator(DEAD_LETTERED, deadCount);
  }

  @Override
  public void close() {
    if (holder != null) {
      holder.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Override
  public void processElement(String line, Context ctx, Collector<Prediction> out) {
    ModelHolder.Loaded model = holder.current();
    ServeEvent event;
    try {
      event = parser.parse(line);
    } catch (EventParser.BadEvent e) {
      deadLetter(ctx, dead(line, e.eventId(), e.getMessage(), model));
      return;
    }
    Features features;
    try {
      features = features(event, model);
    } catch (EventParser.BadEvent e) {
      deadLetter(ctx, dead(line, event.eventId(), e.getMessage(), model));
      return;
    }
    if (plan.onMissingFeatures().deadLetters(features.missingViews().size(), features.looked())) {
      deadLetter(ctx, dead(line, event.eventId(), missingReason(event, features), model));
      return;
    }
    Map<String, Object> row = features.row();
    Scored scored;
    try {
      scored = model.scorer().score(row);
    } catch (LakeOpsException | IllegalArgumentException e) {
      deadLetter(
          ctx, dead(line, event.eventId(), "the model rejects the row: " + e.getMessage(), model));
      return;
    }
    Map<String, Double> numeric = new LinkedHashMap<>();
    Map<String, String> text = new LinkedHashMap<>();
    for (Signature.Field f : model.signature().inputs()) {
      Object v = row.get(f.name());
      if (v instanceof String s) {
        text.put(f.name(), s);
      } else if (v instanceof Boolean b) {
        numeric.put(f.name(), b ? 1.0 : 0.0);
      } else if (v instanceof Number n) {
        numeric.put(f.name(), n.doubleValue());
      } else if (f.type() == ColumnType.STRING) {
        text.put(f.name(), null);
      } else {
        numeric.put(f.name(), null);
      }
    }
    if (scoredCount != null) {
      scoredCount.add(1);
    }
    out.collect(
        new Prediction(
            event.eventId(),
            event.entityKey(),
            event.eventTimeMillis(),
            model.champion().model(),
            model.champion().version(),
            numeric,
            text,
            scored.prediction(),
            scored.probability(),
            System.currentTimeMillis(),
            features.missingViews()));
  }

  private void deadLetter(Context ctx, DeadLetter d) {
    if (deadCount != null) {
      deadCount.add(1);
    }
    ctx.output(DEAD_LETTER, d);
  }

  /** Why an event missing views goes to the dead letter, naming the policy and how to change it. */
  private String missingReason(ServeEvent event, Features f) {
    return MissingViews.reason(
        plan.keyField(),
        event.entityKey(),
        java.time.Instant.ofEpochMilli(event.eventTimeMillis()),
        f.missingViews(),
        f.looked(),
        plan.onMissingFeatures());
  }

  private DeadLetter dead(String line, String eventId, String reason, ModelHolder.Loaded model) {
    return new DeadLetter(
        line,
        eventId,
        reason,
        plan.model(),
        model == null ? 0 : model.champion().version(),
        System.currentTimeMillis());
  }

  /**
   * The model's input row for one event, and which views had no row.
   *
   * @param row input name to value (null when missing: the model imputes it as in training)
   * @param missingViews the views read from the store that had no row as of the event time, in the
   *     training set's order
   * @param looked how many views were read (views whose every input the event carries are not)
   */
  record Features(Map<String, Object> row, List<String> missingViews, int looked) {}

  /**
   * The model's input row: online-store values as of the event time (no row later than the event,
   * none older than the view's TTL: the store's rule), then request-time fields. A view is read
   * once per event, with the event's time as the as-of time; an empty answer (or, defensively, a
   * row later than the event) makes it a missing view.
   */
  Features features(ServeEvent event, ModelHolder.Loaded model) throws EventParser.BadEvent {
    if (routedFor != model) {
      viewOfInput = viewOfInput(plan, model.signature());
      routedFor = model;
    }
    return lookup(plan, store, viewOfInput, model.signature().inputs(), event);
  }

  /** Input name to the view it is read from (inputs of no view: absent). */
  static Map<String, String> viewOfInput(ServingPlan plan, Signature signature) {
    Map<String, String> out = new HashMap<>();
    for (Signature.Field f : signature.inputs()) {
      for (Map.Entry<String, List<String>> v : plan.views().entrySet()) {
        if (v.getValue().contains(f.name())) {
          out.put(f.name(), v.getKey());
          break;
        }
      }
    }
    return out;
  }

  /**
   * {@link #features}, given the store (null: no lookups) and the routing of inputs to views. The
   * views some input needs (in the order of their first such input) are read in one call ({@link
   * OnlineStore#lookupViews}: one Redis round trip, one SQLite read transaction).
   *
   * @throws EventParser.BadEvent when a request-time value does not fit the signature
   */
  static Features lookup(
      ServingPlan plan,
      OnlineStore store,
      Map<String, String> viewOfInput,
      List<Signature.Field> inputs,
      ServeEvent event)
      throws EventParser.BadEvent {
    Map<String, Object> row = new HashMap<>(inputs.size() * 2);
    List<String> views = store == null ? null : new ArrayList<>(4);
    for (Signature.Field f : inputs) {
      String name = f.name();
      if (event.fields().containsKey(name)) {
        row.put(name, checked(f, event.fields().get(name)));
        continue;
      }
      String view = viewOfInput.get(name);
      if (view != null && views != null && !views.contains(view)) {
        views.add(view);
      }
    }
    if (views == null || views.isEmpty()) {
      for (Signature.Field f : inputs) {
        row.putIfAbsent(f.name(), null);
      }
      return new Features(row, List.of(), 0);
    }
    long asOf = event.eventTimeMillis();
    List<String> keys = new ArrayList<>(views.size());
    for (String v : views) {
      keys.add(event.key(plan.viewKeys().get(v)));
    }
    List<OnlineRead> answers = store.lookupViews(views, keys, asOf);
    Map<String, FeatureRow> found = new HashMap<>(views.size() * 2);
    for (int i = 0; i < views.size(); i++) {
      FeatureRow r = answers.get(i).row();
      // Defensively: a row later than the event is a missing view.
      if (r != null && Freshness.isFreshMillis(r.eventTimeMillis(), asOf, null)) {
        found.put(views.get(i), r);
      }
    }
    for (Signature.Field f : inputs) {
      String name = f.name();
      if (row.containsKey(name)) {
        continue;
      }
      String view = viewOfInput.get(name);
      FeatureRow r = view == null ? null : found.get(view);
      row.put(name, r == null ? null : r.values().get(name));
    }
    List<String> missing =
        MissingViews.missing(plan.views().keySet(), views::contains, found::containsKey);
    return new Features(row, missing, views.size());
  }

  /** A request-time value in the signature's type, or why it does not fit. */
  static Object checked(Signature.Field f, Object v) throws EventParser.BadEvent {
    if (v == null) {
      return null;
    }
    ColumnType type = f.type();
    switch (type) {
      case DOUBLE -> {
        if (v instanceof Number n) {
          return n.doubleValue();
        }
      }
      case LONG -> {
        if (v instanceof Long) {
          return v;
        }
      }
      case INT -> {
        if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
          return l.intValue();
        }
      }
      case STRING -> {
        if (v instanceof String) {
          return v;
        }
      }
      case BOOLEAN -> {
        if (v instanceof Boolean) {
          return v;
        }
      }
      default -> {}
    }
    throw new EventParser.BadEvent(
        "wrong type: '"
            + f.name()
            + "' must be "
            + type.signatureName()
            + " (the model's signature), got "
            + EventParser.describe(v));
  }
}
