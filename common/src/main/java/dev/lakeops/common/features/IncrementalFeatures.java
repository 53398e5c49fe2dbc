package dev.lakeops.common.features;

import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.expr.ExprEvaluator;
import dev.lakeops.common.expr.ExprType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.Function;

/**
 * Computes the feature views of one source for one entity at a time, event by event, with the
 * semantics of the offline pipeline (Spark's {@code FeatureComputer}), so that both stores hold the
 * same values:
 *
 * <ul>
 *   <li>one row per view and distinct event time {@code t}; a window feature aggregates the events
 *       in {@code (t - window, t]};
 *   <li>the events of one time are first reduced to partials (count, sum, moments, least,
 *       greatest), then the partials of the window's times are combined in ascending time, sums
 *       left to right from the first, as Spark's sliding range frame does, so doubles round the
 *       same way;
 *   <li>mean = sum / n (null when n = 0); stddev is the sample standard deviation of the {@link
 *       Moments} of each time merged in ascending time (Chan et al.), for n ≥ 2, else null; count
 *       counts non-null values (events when there is no expression); sum, min, max are null without
 *       values; {@code last} is the latest time's value, the greatest of that time's values; a
 *       row-level feature is the greatest value at {@code t};
 *   <li>a filter keeps an event's value only where the filter is true (false and null drop it);
 *   <li>NaN orders above every number, strings by code point (as Spark's byte-wise UTF-8 order);
 *   <li>a derived feature ({@link FeatureSpec#derived()}) keeps no slot state: it is its expression
 *       ({@link ExprEvaluator}) on the values of the view's earlier features, computed at the same
 *       time {@code t}.
 * </ul>
 *
 * <p>Thread-safe once built; the mutable state is the {@link FeatureHistory} passed in.
 */
public final class IncrementalFeatures {
  private final List<FeatureViewConfig> views;
  private final List<FeatureSpec> features = new ArrayList<>();
  private final int[] viewStart;
  private final long[] windowMicros;
  private final long reachMicros;
  private final long[] lookbackMicros;
  private final long retentionMicros;
  private final int[] layoutHashes;
  private final Map<String, Integer> columns = new HashMap<>();

  /**
   * @param source the source whose events are added (its schema gives column positions)
   * @param views the views computed from that source
   */
  public IncrementalFeatures(SourceConfig source, List<FeatureViewConfig> views) {
    this(views);
    for (int i = 0; i < source.schema().size(); i++) {
      columns.put(source.schema().get(i).name(), i);
    }
  }

  /**
   * A reader of one view's stored histories ({@link FeatureHistory#decode}): {@link #valuesAt},
   * {@link #latestAtOrBefore} and {@link #reachMicros} work; events cannot be added (the source's
   * columns are unknown), so the features' expressions may be null.
   */
  public static IncrementalFeatures forView(FeatureViewConfig view) {
    return new IncrementalFeatures(List.of(view));
  }

  private IncrementalFeatures(List<FeatureViewConfig> views) {
    this.views = List.copyOf(views);
    this.viewStart = new int[views.size() + 1];
    for (int v = 0; v < views.size(); v++) {
      viewStart[v] = features.size();
      features.addAll(views.get(v).features());
    }
    viewStart[views.size()] = features.size();
    windowMicros = new long[features.size()];
    long reach = 0;
    for (int i = 0; i < features.size(); i++) {
      Duration w = features.get(i).window();
      windowMicros[i] = w == null ? 0 : w.toNanos() / 1000;
      reach = Math.max(reach, windowMicros[i]);
    }
    this.reachMicros = reach;
    this.lookbackMicros = new long[views.size()];
    long retention = reach;
    for (int v = 0; v < views.size(); v++) {
      lookbackMicros[v] = views.get(v).onlineLookback().toNanos() / 1000;
      retention = Math.max(retention, reachMicros(v) + lookbackMicros[v]);
    }
    this.retentionMicros = retention;
    this.layoutHashes = views.stream().mapToInt(IncrementalFeatures::layoutHash).toArray();
  }

  public List<FeatureViewConfig> views() {
    return views;
  }

  /** The longest window, in microseconds: how far back a row looks (0 if all are row-level). */
  public long reachMicros() {
    return reachMicros;
  }

  /**
   * How far behind its latest produced row a history keeps slots, in µs: the longest over the views
   * of the longest window plus the view's {@link FeatureViewConfig#onlineLookback()} (the reach
   * when no view has a lookback).
   */
  public long retentionMicros() {
    return retentionMicros;
  }

  /** Adds an event of the history's entity to the slot of its event time. */
  public void add(FeatureHistory h, SourceEvent e) {
    if (columns.isEmpty()) {
      throw new IllegalStateException("a view reader (forView) cannot add events");
    }
    FeatureHistory.Slot slot =
        h.slots.computeIfAbsent(e.eventTimeMicros(), t -> new FeatureHistory.Slot(features.size()));
    Object[] values = e.values();
    Function<String, Object> row =
        name -> {
          Integer i = columns.get(name);
          return i == null ? null : values[i];
        };
    for (int i = 0; i < features.size(); i++) {
      if (features.get(i).derived()) {
        continue; // no state: evaluated on the view's values when read
      }
      Object v = value(features.get(i), row);
      if (v == null) {
        continue;
      }
      Aggregation a = features.get(i).aggregation();
      if (a == null || a == Aggregation.LAST || a == Aggregation.MAX) {
        slot.pick[i] = greatest(slot.pick[i], v);
      } else if (a == Aggregation.MIN) {
        slot.pick[i] = least(slot.pick[i], v);
      } else {
        double x = v instanceof Double d ? d : 1.0;
        slot.s[i] = slot.n[i] == 0 ? x : slot.s[i] + x;
        Moments m = new Moments(slot.n[i], slot.mean[i], slot.m2[i]).add(x);
        slot.mean[i] = m.rawMean();
        slot.m2[i] = m.m2();
        slot.n[i]++;
      }
    }
  }

  /** The value an event contributes to a feature (null: none), as the offline pipeline's. */
  static Object value(FeatureSpec f, Function<String, Object> row) {
    Object v = f.expr() == null ? (Object) 1.0 : ExprEvaluator.eval(f.expr(), row);
    if (v instanceof Number n && f.exprType() == ExprType.NUMBER) {
      v = n.doubleValue();
    }
    if (f.filter() != null && !Boolean.TRUE.equals(ExprEvaluator.eval(f.filter(), row))) {
      return null;
    }
    return v;
  }

  /**
   * The event times whose rows are due once event time has passed {@code upTo} (inclusive): every
   * kept time after the last produced one, ascending.
   */
  public List<Long> due(FeatureHistory h, long upToMicros) {
    if (upToMicros <= h.emittedUpTo) {
      return List.of();
    }
    NavigableMap<Long, FeatureHistory.Slot> m =
        h.emittedUpTo == Long.MIN_VALUE
            ? h.slots.headMap(upToMicros, true)
            : h.slots.subMap(h.emittedUpTo, false, upToMicros, true);
    return new ArrayList<>(m.keySet());
  }

  /**
   * Marks rows up to {@code t} as produced and drops the slots no later row, nor a read within the
   * online lookback, can reach (at or before {@code t -} {@link #retentionMicros()}) — except the
   * latest slot, which row-level features and the TTL read at any later time. {@link
   * FeatureHistory#completeAfter()} records how far back the rest is complete.
   */
  public void produced(FeatureHistory h, long t) {
    h.emittedUpTo = Math.max(h.emittedUpTo, t);
    h.dropAtOrBefore(h.emittedUpTo - retentionMicros);
  }

  /**
   * Drops the slots no row after {@code now} can reach, once event time has passed {@code now} (no
   * event at or before it will come): at or before {@code now -} {@link #retentionMicros()}, except
   * the latest slot.
   *
   * @return whether nothing more can expire: the history holds at most its latest slot, which is
   *     kept for good (the caller needs no further timer for it)
   */
  public boolean expire(FeatureHistory h, long now) {
    h.dropAtOrBefore(now - retentionMicros);
    return h.slots.size() <= 1;
  }

  /** The longest window of view {@code view} (an index into {@link #views()}), in µs. */
  public long reachMicros(int view) {
    long r = 0;
    for (int i = viewStart[view]; i < viewStart[view + 1]; i++) {
      r = Math.max(r, windowMicros[i]);
    }
    return r;
  }

  /**
   * The stored form of view {@code view}'s history of this entity as of {@code upToMicros}: the
   * slots at or before it within the view's longest window plus its online lookback of the latest
   * of them ({@code L}), i.e. in {@code (L − reach − lookback, L]}, plus the latest slot at or
   * before {@code L − reach − lookback} (the anchor: what a read in the lookback whose latest event
   * is older than every window finds); complete after the latest event left out when the entity had
   * an earlier event (dropped here or before), else complete from the start. A read at {@code t} is
   * then answered for {@code t ≥ L − lookback} ({@code HistoryReader}). This is a function of the
   * entity's events up to {@code upToMicros} only, so the streaming job and {@code materialize}
   * store the same bytes. See {@link FeatureHistory} for the layout.
   *
   * @return null when no event is at or before {@code upToMicros}
   * @throws IllegalStateException when the history has already dropped slots the view needs
   */
  public byte[] encodeView(FeatureHistory h, int view, long upToMicros) {
    Long latest = h.slots.floorKey(upToMicros);
    if (latest == null) {
      return null;
    }
    long kept = reachMicros(view) + lookbackMicros[view]; // window plus online lookback
    long cut = latest - kept;
    if (h.completeAfter != Long.MIN_VALUE && h.completeAfter > cut) {
      throw new IllegalStateException(
          "the history was pruned after "
              + h.completeAfter
              + " µs, past the view's reach "
              + cut
              + " µs");
    }
    // The anchor: the latest slot at or before the cut. A read at t >= L - lookback whose latest
    // event at or before t is older than every window finds it there (its time for the TTL, its
    // row-level values), as the point-in-time join does; the windows never reach it.
    Long anchor = h.slots.floorKey(cut);
    boolean anchorKnown = anchor != null && h.completeAfter < anchor;
    NavigableMap<Long, FeatureHistory.Slot> slots =
        anchorKnown
            ? h.slots.subMap(anchor, true, latest, true)
            : h.slots.subMap(cut, false, latest, true);
    long completeAfter;
    if (anchorKnown) {
      // Complete after the latest slot left out (the anchor's predecessor, or what was dropped
      // before): every later event is stored.
      Long before = h.slots.lowerKey(anchor);
      completeAfter = before != null ? before : h.completeAfter;
    } else {
      completeAfter = h.completeAfter == Long.MIN_VALUE && anchor == null ? Long.MIN_VALUE : cut;
    }
    return FeatureHistory.encode(
        slots, viewStart[view], viewStart[view + 1], completeAfter, layoutHashes[view]);
  }

  /**
   * The layout hash of a view (features' names, aggregations, windows and output types in order),
   * stored with each history so a reader with a changed definition refuses it.
   */
  public static int layoutHash(FeatureViewConfig view) {
    List<String> parts = new ArrayList<>();
    for (FeatureSpec f : view.features()) {
      parts.add(f.name());
      parts.add(String.valueOf(f.aggregation()));
      parts.add(String.valueOf(f.window() == null ? 0 : f.window().toNanos() / 1000));
      parts.add(f.exprType() == null ? "" : f.outputType().name());
    }
    return FeatureHistory.layoutHash(parts);
  }

  /** Whether an event at {@code t} comes after the rows already produced (else it is too late). */
  public boolean accepts(FeatureHistory h, long t) {
    return t > h.emittedUpTo;
  }

  /**
   * The values of view {@code view} (an index into {@link #views()}) at event time {@code t}, in
   * the view's feature order: {@code Long} for counts, {@code Double}, {@code String} or {@code
   * Boolean} otherwise, or null.
   */
  public Map<String, Object> compute(FeatureHistory h, int view, long t) {
    Map<String, Object> out = valuesMap(viewStart[view + 1] - viewStart[view]);
    for (int i = viewStart[view]; i < viewStart[view + 1]; i++) {
      FeatureSpec f = features.get(i);
      out.put(f.name(), f.derived() ? derive(f, out) : finish(h, i, f, t));
    }
    return out;
  }

  /**
   * A derived feature's value on the view's values so far (its earlier features): the expression's
   * value, typed as the feature's output ({@code Double} for numbers).
   */
  private static Object derive(FeatureSpec f, Map<String, Object> earlier) {
    return ExprEvaluator.eval(f.expr(), earlier::get);
  }

  /**
   * The event time of the latest kept event at or before {@code tMicros} (epoch µs), or null when
   * no kept event is that early: the time of the feature row a read at {@code tMicros} sees, which
   * the TTL rule ({@link Freshness}) judges.
   */
  public Long latestAtOrBefore(FeatureHistory h, long tMicros) {
    return h.slots.floorKey(tMicros);
  }

  /**
   * The values of view {@code view} (an index into {@link #views()}) read at an arbitrary time
   * {@code tMicros} (epoch µs), which need not be an event time: each window feature aggregates the
   * kept events in {@code (t − window, t]} — so a count decays to 0 once its window has passed the
   * last event — and each row-level feature is the value at the latest event time at or before
   * {@code t} (null when there is none). Events later than {@code t} are never seen. Values are in
   * the view's feature order, typed as in {@link #compute}.
   *
   * <p>The caller checks the TTL on {@link #latestAtOrBefore} and that the history reaches back far
   * enough ({@code t − reach} at or after the earliest time it was kept from); this method answers
   * from what is kept.
   */
  public Map<String, Object> valuesAt(FeatureHistory h, int view, long tMicros) {
    Map<String, Object> out = valuesMap(viewStart[view + 1] - viewStart[view]);
    Long latest = h.slots.floorKey(tMicros);
    for (int i = viewStart[view]; i < viewStart[view + 1]; i++) {
      FeatureSpec f = features.get(i);
      if (f.derived()) {
        out.put(f.name(), derive(f, out));
      } else if (f.aggregation() == null) {
        out.put(f.name(), latest == null ? null : h.slots.get(latest).pick[i]);
      } else {
        out.put(f.name(), finish(h, i, f, tMicros));
      }
    }
    return out;
  }

  private Object finish(FeatureHistory h, int i, FeatureSpec f, long t) {
    Aggregation a = f.aggregation();
    if (a == null) {
      FeatureHistory.Slot at = h.slots.get(t);
      return at == null ? null : at.pick[i];
    }
    NavigableMap<Long, FeatureHistory.Slot> window =
        h.slots.subMap(t - windowMicros[i], false, t, true);
    Aggregate acc = new Aggregate(a);
    for (FeatureHistory.Slot slot : window.values()) {
      acc.add(slot.n[i], slot.s[i], slot.mean[i], slot.m2[i], slot.pick[i]);
    }
    return acc.result();
  }

  /**
   * One window feature's aggregate over the slots of its window, fed in ascending time: the one
   * rule of every window aggregation (rows at event times, reads at any time, reads straight from
   * the stored form).
   */
  static final class Aggregate {
    private final Aggregation a;
    private final boolean picks;
    private long n;
    // The sum from 0.0, meaningful once n > 0 (a primitive: no boxing per slot added).
    private double s;
    // Only the standard deviation needs the merged moments; the others read n and s.
    private final Moments moments;
    private Object best;

    Aggregate(Aggregation a) {
      this.a = a;
      this.picks =
          switch (a) {
            case COUNT, SUM, MEAN, STDDEV -> false;
            case MIN, MAX, LAST -> true;
            default -> throw new IllegalStateException("unhandled aggregation " + a);
          };
      this.moments = a == Aggregation.STDDEV ? new Moments() : null;
    }

    /** Whether {@link #add} reads the slot's picked value (else it may be null). */
    boolean picks() {
      return picks;
    }

    /** Adds one slot's partials of the feature: its moments and its picked value. */
    void add(long sn, double ss, double smean, double sm2, Object pick) {
      switch (a) {
        case COUNT, SUM, MEAN, STDDEV -> {
          if (sn == 0) {
            return;
          }
          // Spark's Sum: coalesce(sum, 0) + x, folded left in frame order (s starts at 0.0).
          s += ss;
          n += sn;
          if (moments != null) {
            moments.merge(sn, smean, sm2);
          }
        }
        case MIN -> best = least(best, pick);
        case MAX -> best = greatest(best, pick);
        default -> {
          // LAST: the latest non-null value
          if (pick != null) {
            best = pick;
          }
        }
      }
    }

    Object result() {
      return switch (a) {
        case COUNT -> n;
        case SUM -> n > 0 ? (Double) s : null;
        case MEAN -> n > 0 ? (Double) (s / (double) n) : null;
        case STDDEV -> moments.sampleStddev();
        default -> best;
      };
    }
  }

  /**
   * What a read at {@code t} finds in a stored history ({@link #readStored}).
   *
   * @param completeAfter the history's {@link FeatureHistory#completeAfter()}
   * @param latestAtOrBefore the latest slot at or before {@code t} (epoch µs), or null
   * @param values the view's values at {@code t} as {@link #valuesAt} gives them on the decoded
   *     history (meaningful when {@code latestAtOrBefore} is not null)
   */
  public record StoredRead(long completeAfter, Long latestAtOrBefore, Map<String, Object> values) {}

  /**
   * {@code valuesAt(FeatureHistory.decode(stored, t − reach), 0, t)}, with the history's
   * completeness and {@link #latestAtOrBefore}, computed in one pass over the stored form of a
   * reader of one view ({@link #forView}) without building the slots: each window feature
   * aggregates the slots in {@code (t − window, t]} in ascending time as {@link #valuesAt} does, so
   * the values are the same to the bit; slots outside every window are stepped over.
   *
   * @throws dev.lakeops.common.error.LakeOpsException for an unknown version or a corrupt history,
   *     as {@link FeatureHistory#decode} does
   */
  public StoredRead readStored(byte[] bytes, long tMicros) {
    int nf = viewStart[1];
    Aggregate[] acc = new Aggregate[nf];
    long[] from = new long[nf];
    boolean anyPick = false;
    for (int i = 0; i < nf; i++) {
      FeatureSpec f = features.get(i);
      if (!f.derived() && f.aggregation() != null) {
        acc[i] = new Aggregate(f.aggregation());
        from[i] = tMicros - windowMicros[i];
      } else if (!f.derived()) {
        anyPick = true;
      }
    }
    long lowest = tMicros - reachMicros;
    FeatureHistory.Cursor c = new FeatureHistory.Cursor(bytes);
    int stored = c.features;
    int latestPos = -1;
    long latest = 0;
    for (int k = 0; k < c.count; k++) {
      long t = c.nextTime();
      if (t > tMicros) {
        c.skipSlot(stored);
        continue;
      }
      latestPos = c.pos();
      latest = t;
      if (t <= lowest) {
        c.skipSlot(stored);
        continue;
      }
      for (int i = 0; i < stored; i++) {
        Aggregate a = i < nf && t > from[i] ? acc[i] : null;
        if (a == null) {
          c.skipValue();
        } else {
          c.addValue(a);
        }
      }
    }
    c.end();
    Long at = latestPos < 0 ? null : latest;
    Object[] picks =
        anyPick && latestPos >= 0 ? FeatureHistory.picksAt(bytes, latestPos, stored) : null;
    Map<String, Object> out = valuesMap(nf);
    for (int i = 0; i < nf; i++) {
      FeatureSpec f = features.get(i);
      if (f.derived()) {
        out.put(f.name(), derive(f, out));
      } else if (f.aggregation() == null) {
        out.put(f.name(), picks == null ? null : picks[i]);
      } else {
        out.put(f.name(), acc[i].result());
      }
    }
    return new StoredRead(c.completeAfter, at, out);
  }

  /** An empty values map for {@code features} values, sized so that filling it never rehashes. */
  private static Map<String, Object> valuesMap(int features) {
    return new LinkedHashMap<>((int) (features / 0.75f) + 1);
  }

  /** The greater of two values (null loses), in Spark's order. */
  static Object greatest(Object a, Object b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return compare(b, a) > 0 ? b : a;
  }

  static Object least(Object a, Object b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return compare(b, a) < 0 ? b : a;
  }

  /** Spark's ordering: NaN above all numbers, -0.0 = 0.0, strings by code point, false < true. */
  static int compare(Object a, Object b) {
    if (a instanceof Double x && b instanceof Double y) {
      if (Double.isNaN(x) || Double.isNaN(y)) {
        return Double.isNaN(x) ? (Double.isNaN(y) ? 0 : 1) : -1;
      }
      return x == y.doubleValue() ? 0 : x < y ? -1 : 1;
    }
    if (a instanceof String x && b instanceof String y) {
      return compareCodePoints(x, y);
    }
    if (a instanceof Boolean x && b instanceof Boolean y) {
      return Boolean.compare(x, y);
    }
    throw new IllegalArgumentException(
        "cannot order " + a.getClass().getSimpleName() + " and " + b.getClass().getSimpleName());
  }

  private static int compareCodePoints(String x, String y) {
    int i = 0;
    int j = 0;
    while (i < x.length() && j < y.length()) {
      int a = x.codePointAt(i);
      int b = y.codePointAt(j);
      if (a != b) {
        return Integer.compare(a, b);
      }
      i += Character.charCount(a);
      j += Character.charCount(b);
    }
    return Integer.compare(x.length() - i, y.length() - j);
  }
}
