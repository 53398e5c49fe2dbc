package dev.lakeops.common.features;

import dev.lakeops.common.error.Errors;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The state one entity needs for incremental feature computation: per distinct event time, the
 * partial aggregates of that time's events (one slot per time), kept while some window still
 * reaches them — and the latest slot always, which row-level features read — plus the latest event
 * time whose rows were already produced and how far back the kept slots are complete.
 *
 * <p>Completeness: {@link #completeAfter()} is the latest time at or before which slots may have
 * been dropped; every event later than it is kept. {@link Long#MIN_VALUE} means nothing was ever
 * dropped (the history holds every event of the entity).
 *
 * <p>Mutable and plain (no engine types), so a streaming engine can keep it as keyed state. Only
 * {@link IncrementalFeatures} changes it.
 *
 * <p><b>Stored form</b> ({@link #decode}, written by {@link IncrementalFeatures#encodeView}): what
 * the online stores keep per (feature view, entity key). Layout, all integers little-end-first
 * varints unless said otherwise:
 *
 * <pre>
 * byte    format version ({@value #FORMAT_VERSION})
 * int32   layout hash of the view's features (name, aggregation, window, type), big-endian
 * varint  feature count
 * zigzag  completeAfter (epoch µs; Long.MIN_VALUE when complete from the start)
 * varint  slot count
 * per slot, ascending time:
 *   zigzag  time (epoch µs), the first absolute, then the difference to the previous slot's
 *   per feature: tag 0 empty | 1 moments: varint n, double s, double mean, double m2 (raw IEEE
 *                bits, big-endian) | 2 one event (version 2 on): double x, read as n = 1, s = x,
 *                mean = x, m2 = +0.0 | 3 the same partials as an earlier feature of the slot
 *                (version 2 on): varint its index | 16 + value tag: a picked value as {@code
 *                FeatureValues}
 * </pre>
 *
 * <p>Tags 2 and 3 are written only where they are exact (tag 2: the moments of one event whose raw
 * bits are s = mean and m2 = +0.0; tag 3: partials equal as raw bits to those of an earlier feature
 * written in full), so a decoded history equals the encoded one bit for bit. Tag 2 takes 9 bytes
 * where tag 1 takes 26 (a slot holds one event in the common case of one event per time); tag 3
 * takes 2 where views aggregate one expression several ways or over several windows. Version 1
 * (tags 0, 1, 16+) is a subset of version 2 and is still read.
 *
 * <p>Not Java serialization: the format is versioned here and read by any process of any version
 * that knows it; an unknown version is refused with a message that says to re-materialize.
 */
public final class FeatureHistory implements Serializable {
  private static final long serialVersionUID = 2L;

  /** The version byte of the stored form. */
  public static final byte FORMAT_VERSION = 2;

  /** The oldest version of the stored form this build reads. */
  static final byte OLDEST_READ_VERSION = 1;

  static final byte EMPTY = 0;
  static final byte MOMENTS = 1;
  static final byte ONE_EVENT = 2;
  static final byte SAME_AS = 3;
  static final byte PICK = 16;
  static final byte P_NULL = 0;
  static final byte P_DOUBLE = 1;
  static final byte P_LONG = 2;
  static final byte P_STRING = 3;
  static final byte P_TRUE = 4;
  static final byte P_FALSE = 5;

  /** Event time (epoch microseconds) to the partials of the events at that time. */
  TreeMap<Long, Slot> slots = new TreeMap<>();

  /** Rows were produced for every slot at or before this time (epoch microseconds). */
  long emittedUpTo = Long.MIN_VALUE;

  /** Slots at or before this time (epoch µs) may have been dropped; all later ones are kept. */
  long completeAfter = Long.MIN_VALUE;

  public FeatureHistory() {}

  /** How many distinct event times are kept. */
  public int size() {
    return slots.size();
  }

  /** The earliest kept event time, or null when empty. */
  public Long earliest() {
    return slots.isEmpty() ? null : slots.firstKey();
  }

  /** The latest kept event time, or null when empty. */
  public Long latest() {
    return slots.isEmpty() ? null : slots.lastKey();
  }

  /** The time up to which rows were produced ({@link Long#MIN_VALUE} before the first). */
  public long emittedUpTo() {
    return emittedUpTo;
  }

  /**
   * Every event later than this time (epoch µs) is kept; earlier slots may have been dropped.
   * {@link Long#MIN_VALUE} when nothing was ever dropped.
   */
  public long completeAfter() {
    return completeAfter;
  }

  /**
   * Whether a read at {@code tMicros} that looks back {@code reachMicros} (a window {@code (t −
   * reach, t]}, and the latest event at or before {@code t}) sees every event it needs: {@code t −
   * reach ≥ completeAfter}, or nothing was dropped.
   */
  public boolean reaches(long tMicros, long reachMicros) {
    return reaches(completeAfter, tMicros, reachMicros);
  }

  /** {@link #reaches(long, long)} of a history complete after {@code completeAfter}. */
  public static boolean reaches(long completeAfter, long tMicros, long reachMicros) {
    return completeAfter == Long.MIN_VALUE || tMicros - reachMicros >= completeAfter;
  }

  /**
   * A deep copy: its own map and slots (the slots' arrays are copied; their picked values are
   * immutable and shared), so changing either history leaves the other as it was. Linear in the
   * slots.
   */
  public FeatureHistory copy() {
    FeatureHistory c = new FeatureHistory();
    c.slots = new TreeMap<>(slots); // built from the sorted map in linear time
    c.slots.replaceAll((t, s) -> s.copy());
    c.emittedUpTo = emittedUpTo;
    c.completeAfter = completeAfter;
    return c;
  }

  /**
   * The whole history in the stored form (see the class comment): every kept slot, every feature of
   * every view it holds, its completeness, layout hash 0 — for a streaming engine's keyed state,
   * with {@link #emittedUpTo()} kept beside it ({@link #restore}). An empty history has 0 features.
   *
   * @throws IllegalArgumentException when a picked value has no stored form (not Double, Long,
   *     String, Boolean)
   */
  public byte[] encodeAll() {
    int features = slots.isEmpty() ? 0 : slots.firstEntry().getValue().n.length;
    return encode(slots, 0, features, completeAfter, 0);
  }

  /**
   * The history {@link #encodeAll} wrote, with rows produced up to {@code emittedUpTo} (epoch µs,
   * {@link Long#MIN_VALUE} before the first): equal slot for slot, doubles to the bit.
   *
   * @throws dev.lakeops.common.error.LakeOpsException for an unknown version or corrupt bytes
   */
  public static FeatureHistory restore(byte[] all, long emittedUpTo) {
    FeatureHistory h = decode(all, Long.MIN_VALUE);
    h.emittedUpTo = emittedUpTo;
    return h;
  }

  /**
   * Drops the slots before the latest slot at or before {@code cut} (the anchor), keeping
   * completeness: the anchor stays, so a read at any time after {@code cut} still finds the latest
   * event at or before it (its time for the TTL, its row-level values) even when that event is
   * older than every window. With {@code cut} at or after the latest slot, only the latest stays.
   */
  void dropAtOrBefore(long cut) {
    Long anchor = slots.floorKey(cut);
    if (anchor == null) {
      return;
    }
    NavigableMap<Long, Slot> head = slots.headMap(anchor, false);
    if (!head.isEmpty()) {
      completeAfter = Math.max(completeAfter, head.lastKey());
      head.clear();
    }
  }

  /**
   * The partial aggregates of one feature set at one event time, per feature {@code i}: {@code
   * n[i]} non-null values, their sum {@code s[i]} (summed in arrival order), their mean {@code
   * mean[i]} and sum of squared deviations {@code m2[i]} (a {@link Moments} added in arrival
   * order), and {@code pick[i]}: the least, greatest or, for {@code last} and row-level features,
   * greatest value.
   */
  public static final class Slot implements Serializable {
    private static final long serialVersionUID = 1L;

    long[] n;
    double[] s;
    double[] mean;
    double[] m2;
    Object[] pick;

    public Slot() {}

    Slot(int features) {
      n = new long[features];
      s = new double[features];
      mean = new double[features];
      m2 = new double[features];
      pick = new Object[features];
    }

    /** A copy with its own arrays (the picked values, immutable, are shared). */
    Slot copy() {
      Slot c = new Slot();
      c.n = n.clone();
      c.s = s.clone();
      c.mean = mean.clone();
      c.m2 = m2.clone();
      c.pick = pick.clone();
      return c;
    }
  }

  // ---- stored form -------------------------------------------------------------------------

  /**
   * Encodes the slots of {@code slots} for features {@code [from, to)} (renumbered from 0), with
   * the given completeness; see the class comment for the layout.
   */
  static byte[] encode(
      NavigableMap<Long, Slot> slots, int from, int to, long completeAfter, int layoutHash) {
    // Sized exactly, so the buffer neither grows nor is copied at the end.
    CompactBytes.Out b = new CompactBytes.Out(encodedSize(slots, from, to, completeAfter));
    b.put(FORMAT_VERSION);
    b.putInt(layoutHash);
    b.varint(to - from);
    b.zigzag(completeAfter);
    b.varint(slots.size());
    long prev = 0;
    boolean first = true;
    for (Map.Entry<Long, Slot> e : slots.entrySet()) {
      long t = e.getKey();
      b.zigzag(first ? t : t - prev);
      first = false;
      prev = t;
      Slot s = e.getValue();
      int[] same = sameAs(s, from, to);
      for (int i = from; i < to; i++) {
        if (same != null && same[i - from] >= 0) {
          b.put(SAME_AS);
          b.varint(same[i - from]);
        } else if (isOneEvent(s, i)) {
          b.put(ONE_EVENT);
          b.putLong(Double.doubleToRawLongBits(s.s[i]));
        } else if (s.n[i] != 0) {
          b.put(MOMENTS);
          b.varint(s.n[i]);
          b.putLong(Double.doubleToRawLongBits(s.s[i]));
          b.putLong(Double.doubleToRawLongBits(s.mean[i]));
          b.putLong(Double.doubleToRawLongBits(s.m2[i]));
        } else if (s.pick[i] != null) {
          putPick(b, s.pick[i]);
        } else {
          b.put(EMPTY);
        }
      }
    }
    return b.toArray();
  }

  /** The exact length of {@link #encode}'s result for the same arguments. */
  static int encodedSize(NavigableMap<Long, Slot> slots, int from, int to, long completeAfter) {
    int n =
        5
            + CompactBytes.varintSize(to - from)
            + CompactBytes.zigzagSize(completeAfter)
            + CompactBytes.varintSize(slots.size());
    long prev = 0;
    boolean first = true;
    for (Map.Entry<Long, Slot> e : slots.entrySet()) {
      long t = e.getKey();
      n += CompactBytes.zigzagSize(first ? t : t - prev);
      first = false;
      prev = t;
      Slot s = e.getValue();
      int[] same = sameAs(s, from, to);
      for (int i = from; i < to; i++) {
        n +=
            same != null && same[i - from] >= 0
                ? 1 + CompactBytes.varintSize(same[i - from])
                : valueSize(s, i);
      }
    }
    return n;
  }

  /** The length of feature {@code i}'s own encoding (not a {@link #SAME_AS} reference). */
  private static int valueSize(Slot s, int i) {
    if (isOneEvent(s, i)) {
      return 9;
    } else if (s.n[i] != 0) {
      return 25 + CompactBytes.varintSize(s.n[i]);
    } else if (s.pick[i] != null) {
      return pickSize(s.pick[i]);
    }
    return 1;
  }

  /**
   * Per feature of {@code [from, to)} of {@code s}, the earlier feature (numbered from {@code
   * from}) whose partials it repeats bit for bit, which tag {@link #SAME_AS} then names instead of
   * repeating them, or -1; null when no feature repeats one. Views often aggregate one expression
   * several ways over several windows (sum, mean and stddev share their moments; a slot holds the
   * same partials whatever the window), so a slot often repeats partials. A reference always names
   * a feature written in full, and is taken only where it is shorter than the feature's own form.
   */
  private static int[] sameAs(Slot s, int from, int to) {
    int[] same = null;
    int[] written = new int[to - from]; // features written in full that a later one may repeat
    int count = 0;
    for (int i = from; i < to; i++) {
      int own = valueSize(s, i);
      int found = -1;
      if (own > 2) {
        for (int k = 0; k < count && found < 0; k++) {
          if (samePartials(s, i, written[k])
              && 1 + CompactBytes.varintSize(written[k] - from) < own) {
            found = written[k] - from;
          }
        }
      }
      if (found >= 0) {
        if (same == null) {
          same = new int[to - from];
          java.util.Arrays.fill(same, -1);
        }
        same[i - from] = found;
      } else if (own > 2) {
        written[count++] = i;
      }
    }
    return same;
  }

  /** Whether features {@code i} and {@code j} of {@code s} hold the same partials, as raw bits. */
  private static boolean samePartials(Slot s, int i, int j) {
    return s.n[i] == s.n[j]
        && Double.doubleToRawLongBits(s.s[i]) == Double.doubleToRawLongBits(s.s[j])
        && Double.doubleToRawLongBits(s.mean[i]) == Double.doubleToRawLongBits(s.mean[j])
        && Double.doubleToRawLongBits(s.m2[i]) == Double.doubleToRawLongBits(s.m2[j])
        && samePick(s.pick[i], s.pick[j]);
  }

  private static boolean samePick(Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.getClass() != b.getClass()) {
      return false;
    }
    return a instanceof Double da
        ? Double.doubleToRawLongBits(da) == Double.doubleToRawLongBits((Double) b)
        : a.equals(b);
  }

  /**
   * Whether feature {@code i} of {@code s} holds exactly the moments one event gives (n = 1, mean =
   * s, m2 = +0.0, compared as raw bits), so that tag {@link #ONE_EVENT} restores them bit for bit.
   */
  private static boolean isOneEvent(Slot s, int i) {
    return s.n[i] == 1
        && Double.doubleToRawLongBits(s.mean[i]) == Double.doubleToRawLongBits(s.s[i])
        && Double.doubleToRawLongBits(s.m2[i]) == 0L;
  }

  /** The length {@link #putPick} writes for {@code v} (1 for a type it refuses). */
  private static int pickSize(Object v) {
    if (v instanceof Double) {
      return 9;
    } else if (v instanceof Long l) {
      return 1 + CompactBytes.zigzagSize(l);
    } else if (v instanceof String str) {
      int utf8 = CompactBytes.utf8Size(str);
      return 1 + CompactBytes.varintSize(utf8) + utf8;
    }
    return 1;
  }

  private static void putPick(CompactBytes.Out b, Object v) {
    if (v instanceof Double d) {
      b.put((byte) (PICK + P_DOUBLE));
      b.putLong(Double.doubleToRawLongBits(d));
    } else if (v instanceof Long l) {
      b.put((byte) (PICK + P_LONG));
      b.zigzag(l);
    } else if (v instanceof String str) {
      byte[] utf8 = str.getBytes(StandardCharsets.UTF_8);
      b.put((byte) (PICK + P_STRING));
      b.varint(utf8.length);
      b.put(utf8);
    } else if (v instanceof Boolean bool) {
      b.put((byte) (PICK + (bool ? P_TRUE : P_FALSE)));
    } else {
      throw new IllegalArgumentException(
          "a feature value of type " + v.getClass().getName() + " cannot be stored");
    }
  }

  /** The layout hash of a stored history (see the class comment), without decoding the rest. */
  public static int layoutHash(byte[] stored) {
    checkVersion(stored);
    return ((stored[1] & 0xFF) << 24)
        | ((stored[2] & 0xFF) << 16)
        | ((stored[3] & 0xFF) << 8)
        | (stored[4] & 0xFF);
  }

  /** Whether this build reads a stored form whose first byte is {@code version}. */
  public static boolean readsVersion(byte version) {
    return version >= OLDEST_READ_VERSION && version <= FORMAT_VERSION;
  }

  private static void checkVersion(byte[] stored) {
    if (stored.length < 5 || !readsVersion(stored[0])) {
      throw Errors.featureHistoryVersion(
          stored.length == 0 ? "(empty)" : Byte.toString(stored[0]),
          OLDEST_READ_VERSION,
          FORMAT_VERSION);
    }
  }

  /**
   * Decodes a stored history, keeping only the slots at or after {@code fromMicros} and the latest
   * slot at or before it (what a read at a time ≥ {@code fromMicros + reach} can need; pass {@link
   * Long#MIN_VALUE} for all). {@code emittedUpTo} is the latest slot's time.
   *
   * @throws dev.lakeops.common.error.LakeOpsException for an unknown version or a corrupt history
   *     (it says to re-run materialize)
   */
  public static FeatureHistory decode(byte[] stored, long fromMicros) {
    checkVersion(stored);
    CompactBytes.In r = new CompactBytes.In(stored, 5);
    int features = (int) r.varint();
    FeatureHistory h = new FeatureHistory();
    h.completeAfter = r.zigzag();
    int count = (int) r.varint();
    long t = 0;
    // Slots before fromMicros are only stepped over (a read needs the latest of them alone): its
    // position is kept and it is decoded at the end.
    int beforePos = -1;
    long beforeTime = 0;
    for (int k = 0; k < count; k++) {
      t = k == 0 ? r.zigzag() : t + r.zigzag();
      if (t < fromMicros) {
        beforePos = r.pos;
        beforeTime = t;
        skipSlot(r, features);
      } else {
        h.slots.put(t, readSlot(r, features));
      }
    }
    if (r.pos != stored.length) {
      throw Errors.corruptFeatureHistory((stored.length - r.pos) + " bytes after the last slot");
    }
    if (beforePos >= 0) {
      h.slots.put(beforeTime, readSlot(new CompactBytes.In(stored, beforePos), features));
    }
    h.emittedUpTo = h.slots.isEmpty() ? Long.MIN_VALUE : h.slots.lastKey();
    return h;
  }

  private static Slot readSlot(CompactBytes.In r, int features) {
    Slot s = new Slot(features);
    for (int i = 0; i < features; i++) {
      if (r.b[r.pos] == SAME_AS) {
        r.pos++;
        int j = sameAsIndex(r, i);
        s.n[i] = s.n[j];
        s.s[i] = s.s[j];
        s.mean[i] = s.mean[j];
        s.m2[i] = s.m2[j];
        s.pick[i] = s.pick[j];
      } else {
        readValue(r, s, i);
      }
    }
    return s;
  }

  /** The feature index after tag {@link #SAME_AS} read for feature {@code i}: an earlier one. */
  private static int sameAsIndex(CompactBytes.In r, int i) {
    long j = r.varint();
    if (j < 0 || j >= i) {
      throw Errors.corruptFeatureHistory("feature " + i + " repeats feature " + j);
    }
    return (int) j;
  }

  /** Reads one feature's stored partials into {@code s}'s feature {@code i}. */
  private static void readValue(CompactBytes.In r, Slot s, int i) {
    byte[] stored = r.b;
    byte tag = stored[r.pos++];
    if (tag == EMPTY) {
      return;
    }
    if (tag == MOMENTS) {
      s.n[i] = r.varint();
      s.s[i] = Double.longBitsToDouble(r.getLong());
      s.mean[i] = Double.longBitsToDouble(r.getLong());
      s.m2[i] = Double.longBitsToDouble(r.getLong());
      return;
    }
    if (tag == ONE_EVENT) {
      double x = Double.longBitsToDouble(r.getLong());
      s.n[i] = 1;
      s.s[i] = x;
      s.mean[i] = x;
      s.m2[i] = 0.0;
      return;
    }
    s.pick[i] = readPick(r, tag);
  }

  /** A picked value whose tag was just read. */
  private static Object readPick(CompactBytes.In r, byte tag) {
    return switch (tag - PICK) {
      case P_NULL -> null;
      case P_DOUBLE -> Double.longBitsToDouble(r.getLong());
      case P_LONG -> r.zigzag();
      case P_STRING -> {
        int n = (int) r.varint();
        String str = new String(r.b, r.pos, n, StandardCharsets.UTF_8);
        r.pos += n;
        yield str;
      }
      case P_TRUE -> Boolean.TRUE;
      case P_FALSE -> Boolean.FALSE;
      default -> throw Errors.corruptFeatureHistory("tag " + tag);
    };
  }

  /** Moves past one slot's features as {@link #readSlot} reads them, building nothing. */
  private static void skipSlot(CompactBytes.In r, int features) {
    byte[] stored = r.b;
    for (int i = 0; i < features; i++) {
      byte tag = stored[r.pos++];
      if (tag == EMPTY) {
        continue;
      }
      if (tag == MOMENTS) {
        r.varint();
        r.pos += 24;
        continue;
      }
      if (tag == ONE_EVENT) {
        r.pos += 8;
        continue;
      }
      if (tag == SAME_AS) {
        r.varint();
        continue;
      }
      switch (tag - PICK) {
        case P_NULL, P_TRUE, P_FALSE -> {}
        case P_DOUBLE -> r.pos += 8;
        case P_LONG -> r.varint();
        case P_STRING -> {
          int n = (int) r.varint();
          r.pos += n;
        }
        default -> throw Errors.corruptFeatureHistory("tag " + tag);
      }
    }
    if (r.pos > stored.length) {
      throw new ArrayIndexOutOfBoundsException(
          "Index " + (r.pos - 1) + " out of bounds for length " + stored.length);
    }
  }

  /**
   * A forward reader of a stored history's slots (for {@link IncrementalFeatures#readStored}): the
   * header is read on construction; then per slot {@link #nextTime} and either {@link #skipSlot} or
   * one {@link #skipValue} / {@link #addValue} per feature; then {@link #end}.
   */
  static final class Cursor {
    private final CompactBytes.In r;
    final int features;
    final long completeAfter;
    final int count;
    private long t;
    private boolean first = true;
    // Where each feature of the current slot starts, for a later feature's SAME_AS reference.
    private final int[] at;
    private int next;

    Cursor(byte[] stored) {
      checkVersion(stored);
      r = new CompactBytes.In(stored, 5);
      features = (int) r.varint();
      completeAfter = r.zigzag();
      count = (int) r.varint();
      at = new int[features];
    }

    int pos() {
      return r.pos;
    }

    long nextTime() {
      t = first ? r.zigzag() : t + r.zigzag();
      first = false;
      next = 0;
      return t;
    }

    void skipSlot(int n) {
      FeatureHistory.skipSlot(r, n);
    }

    void skipValue() {
      at[next++] = r.pos;
      FeatureHistory.skipSlot(r, 1);
    }

    /** Feeds the next feature's partials to {@code a}, reading the picked value only if needed. */
    void addValue(IncrementalFeatures.Aggregate a) {
      int i = next++;
      at[i] = r.pos;
      if (r.b[r.pos] == SAME_AS) {
        r.pos++;
        int j = sameAsIndex(r, i);
        feed(new CompactBytes.In(r.b, at[j]), a);
      } else {
        feed(r, a);
      }
    }

    /**
     * Feeds the partials written in full at {@code r}'s position to {@code a}, moving past them.
     */
    private static void feed(CompactBytes.In r, IncrementalFeatures.Aggregate a) {
      byte tag = r.b[r.pos];
      if (tag == EMPTY) {
        r.pos++;
        a.add(0, 0, 0, 0, null);
      } else if (tag == MOMENTS) {
        r.pos++;
        long n = r.varint();
        double s = Double.longBitsToDouble(r.getLong());
        double mean = Double.longBitsToDouble(r.getLong());
        double m2 = Double.longBitsToDouble(r.getLong());
        a.add(n, s, mean, m2, null);
      } else if (tag == ONE_EVENT) {
        r.pos++;
        double x = Double.longBitsToDouble(r.getLong());
        a.add(1, x, x, 0.0, null);
      } else if (a.picks()) {
        r.pos++;
        a.add(0, 0, 0, 0, readPick(r, tag));
      } else {
        FeatureHistory.skipSlot(r, 1);
        a.add(0, 0, 0, 0, null);
      }
    }

    /** Checks that the last slot ends the stored form. */
    void end() {
      if (r.pos != r.b.length) {
        throw Errors.corruptFeatureHistory((r.b.length - r.pos) + " bytes after the last slot");
      }
    }
  }

  /** The picked values of the slot whose features start at {@code pos}. */
  static Object[] picksAt(byte[] stored, int pos, int features) {
    return readSlot(new CompactBytes.In(stored, pos), features).pick;
  }

  /** The latest event time (epoch µs) of a stored history, or null when it has no slot. */
  public static Long latestOf(byte[] stored) {
    FeatureHistory h = decode(stored, Long.MAX_VALUE);
    return h.latest();
  }

  /** A hash of a view's feature layout, stored with each history to detect a changed view. */
  public static int layoutHash(Iterable<String> parts) {
    int h = 17;
    for (String p : parts) {
      h = 31 * h + p.hashCode();
    }
    return h;
  }
}
