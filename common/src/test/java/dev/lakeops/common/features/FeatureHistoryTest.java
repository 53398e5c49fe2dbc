package dev.lakeops.common.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeops.common.config.ColumnSpec;
import dev.lakeops.common.config.EventTime;
import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.config.SourceFormat;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.expr.ExprParser;
import dev.lakeops.common.expr.ExprType;
import dev.lakeops.common.types.ColumnType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The stored form of a view's history: the streaming job's incremental state and a fold of all
 * events (materialize) store the same bytes; decoded, it answers reads at any later time as a brute
 * force over the raw events does; retention keeps the latest slot.
 */
class FeatureHistoryTest {
  private static final long MIN = 60_000_000L;

  private static final SourceConfig SOURCE =
      new SourceConfig(
          "s",
          SourceFormat.JSONL,
          "x",
          null,
          ",",
          false,
          Map.of(),
          List.of(
              new ColumnSpec("k", ColumnType.STRING, false, null, null, List.of()),
              new ColumnSpec("x", ColumnType.DOUBLE, true, null, null, List.of()),
              new ColumnSpec("c", ColumnType.STRING, true, null, null, List.of())),
          "e",
          ExprParser.parse("k"),
          "k",
          new EventTime.FromRowIndex(Instant.EPOCH, Duration.ofHours(1)),
          List.of());

  private static FeatureSpec f(String name, Aggregation a, String expr, Duration w) {
    return new FeatureSpec(
        name,
        a,
        expr == null ? null : ExprParser.parse(expr),
        null,
        w,
        "c".equals(expr) ? ExprType.STRING : ExprType.NUMBER);
  }

  // Windows of 10 and 30 minutes; a view of row-level features only (reach 0).
  private static final FeatureViewConfig WINDOWED =
      new FeatureViewConfig(
          "w",
          "e",
          "s",
          Duration.ofHours(1),
          List.of(
              f("n10", Aggregation.COUNT, null, Duration.ofMinutes(10)),
              f("sum30", Aggregation.SUM, "x", Duration.ofMinutes(30)),
              f("max10", Aggregation.MAX, "x", Duration.ofMinutes(10)),
              f("lastc30", Aggregation.LAST, "c", Duration.ofMinutes(30)),
              f("x_now", null, "x", null)));
  private static final FeatureViewConfig ROW_LEVEL =
      new FeatureViewConfig(
          "r", "e", "s", null, List.of(f("c_now", null, "c", null), f("x_now", null, "x", null)));
  private static final List<FeatureViewConfig> VIEWS = List.of(WINDOWED, ROW_LEVEL);

  private static SourceEvent ev(long minute, Double x, String c) {
    return new SourceEvent("k", minute * MIN, new Object[] {"k", x, c}, "t", "");
  }

  private static List<SourceEvent> randomEvents(Random rnd, int n) {
    List<SourceEvent> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Double x = rnd.nextInt(6) == 0 ? null : (double) rnd.nextInt(20);
      String c = rnd.nextInt(5) == 0 ? null : String.valueOf((char) ('a' + rnd.nextInt(3)));
      // clusters and gaps longer than the longest window
      long minute = rnd.nextInt(4) == 0 ? rnd.nextInt(600) : 200 + rnd.nextInt(40);
      out.add(ev(minute, x, c));
    }
    out.sort((a, b) -> Long.compare(a.eventTimeMicros(), b.eventTimeMicros()));
    return out;
  }

  @Test
  void theStreamingStateAndAFoldOfAllEventsStoreTheSameBytes() {
    Random rnd = new Random(7);
    for (int round = 0; round < 40; round++) {
      List<SourceEvent> events = randomEvents(rnd, 5 + rnd.nextInt(40));
      IncrementalFeatures inc = new IncrementalFeatures(SOURCE, VIEWS);
      FeatureHistory streaming = new FeatureHistory();
      int next = 0;
      long watermark = Long.MIN_VALUE;
      while (next < events.size()) {
        // a batch of events arrives, then the watermark advances to just before the next one
        int upTo = Math.min(events.size(), next + 1 + rnd.nextInt(4));
        while (next < upTo) {
          inc.add(streaming, events.get(next++));
        }
        watermark =
            next < events.size()
                ? events.get(next).eventTimeMicros() - 1
                : events.get(events.size() - 1).eventTimeMicros() + rnd.nextInt(3) * 40 * MIN;
        List<Long> due = inc.due(streaming, watermark);
        if (due.isEmpty()) {
          continue;
        }
        long last = due.get(due.size() - 1);
        List<SourceEvent> soFar = events.stream().filter(e -> e.eventTimeMicros() <= last).toList();
        for (int v = 0; v < VIEWS.size(); v++) {
          byte[] fromStream = inc.encodeView(streaming, v, last);
          byte[] fromFold = fold(soFar, v);
          assertThat(fromStream).as("round %d view %d at %d", round, v, last).isEqualTo(fromFold);
        }
        inc.produced(streaming, last);
        inc.expire(streaming, watermark);
      }
      assertThat(streaming.size()).as("the latest slot is always kept").isGreaterThanOrEqualTo(1);
      assertThat(streaming.latest()).isEqualTo(events.get(events.size() - 1).eventTimeMicros());
    }
  }

  @Test
  void theStoredFormIsSizedExactlyBeforeItIsWritten() {
    Random rnd = new Random(11);
    for (int round = 0; round < 40; round++) {
      IncrementalFeatures inc = new IncrementalFeatures(SOURCE, VIEWS);
      FeatureHistory h = new FeatureHistory();
      randomEvents(rnd, 1 + rnd.nextInt(40)).forEach(e -> inc.add(h, e));
      int features = h.slots.firstEntry().getValue().n.length;
      int from = rnd.nextInt(features);
      int to = from + 1 + rnd.nextInt(features - from);
      long completeAfter = rnd.nextBoolean() ? Long.MIN_VALUE : rnd.nextLong();
      byte[] stored = FeatureHistory.encode(h.slots, from, to, completeAfter, 7);
      assertThat(FeatureHistory.encodedSize(h.slots, from, to, completeAfter))
          .as("round %d, features [%d, %d)", round, from, to)
          .isEqualTo(stored.length);
    }
  }

  /** A slot of one feature holding the moments of {@code xs} added in order, as ingest does. */
  private static FeatureHistory.Slot momentsOf(double... xs) {
    FeatureHistory.Slot slot = new FeatureHistory.Slot(1);
    Moments m = new Moments();
    for (double x : xs) {
      slot.s[0] = slot.n[0] == 0 ? x : slot.s[0] + x;
      m.add(x);
      slot.n[0]++;
    }
    slot.mean[0] = m.rawMean();
    slot.m2[0] = m.m2();
    return slot;
  }

  @Test
  void oneEventsMomentsAreStoredShortAndRestoredBitForBit() {
    // One event of x has mean x and m2 +0.0 (tag 2, 9 bytes) unless the arithmetic changes them:
    // -0.0 gets mean +0.0 (0.0 + -0.0), NaN and infinity get m2 NaN; those keep tag 1.
    double[] xs = {2.5, -3.0, 0.0, 1e-310, -0.0, Double.NaN, Double.POSITIVE_INFINITY};
    byte[] tags = {2, 2, 2, 2, 1, 1, 1};
    for (int k = 0; k < xs.length; k++) {
      assertStoredAs(momentsOf(xs[k]), tags[k], "x = " + xs[k]);
    }
    assertStoredAs(momentsOf(1.0, 1.0), (byte) 1, "two events");
  }

  private static void assertStoredAs(FeatureHistory.Slot slot, byte tag, String what) {
    java.util.TreeMap<Long, FeatureHistory.Slot> slots = new java.util.TreeMap<>();
    slots.put(600L, slot);
    byte[] stored = FeatureHistory.encode(slots, 0, 1, Long.MIN_VALUE, 7);
    // header: version, int32 hash, varint 1, zigzag(MIN_VALUE) = 10 bytes, varint 1; time 600 = 2
    int tagAt = 5 + 1 + 10 + 1 + 2;
    assertThat(stored[tagAt]).as(what).isEqualTo(tag);
    assertThat(stored.length).as(what).isEqualTo(tagAt + (tag == 2 ? 9 : 1 + 1 + 24));
    assertSameSlot(FeatureHistory.decode(stored, Long.MIN_VALUE).slots.get(600L), slot, what);
  }

  /** Every partial of {@code read} equals {@code written}'s, doubles as raw bits. */
  private static void assertSameSlot(
      FeatureHistory.Slot read, FeatureHistory.Slot written, String what) {
    assertThat(read.n).as(what).isEqualTo(written.n);
    assertThat(bits(read.s)).as(what).isEqualTo(bits(written.s));
    assertThat(bits(read.mean)).as(what).isEqualTo(bits(written.mean));
    assertThat(bits(read.m2)).as(what).isEqualTo(bits(written.m2));
    assertThat(read.pick).as(what).containsExactly(written.pick);
  }

  private static long[] bits(double[] d) {
    return Arrays.stream(d).mapToLong(Double::doubleToRawLongBits).toArray();
  }

  @Test
  void aSlotNamesPartialsItRepeatsInsteadOfWritingThemAgain() {
    IncrementalFeatures inc = new IncrementalFeatures(SOURCE, List.of(ALL_AGGREGATIONS));
    FeatureHistory h = new FeatureHistory();
    inc.add(h, ev(10, 2.5, "b"));
    byte[] stored = inc.encodeView(h, 0, Long.MAX_VALUE);
    // header 5 + features 1 + completeAfter (MIN_VALUE) 10 + slots 1 + time (6e8 µs) 5 = 22; then
    // n10 one event (1.0) 9, sum30 one event (2.5) 9, mean20 and sd30 as sum30 2 + 2, min5 a
    // double 9, max10 as min5 2, minc30 "b" 3, lastc30 as minc30 2, x_now as min5 2, c_now as
    // minc30 2: 42
    assertThat(stored).hasSize(22 + 42);
    assertSameSlot(
        FeatureHistory.decode(stored, Long.MIN_VALUE).slots.get(10 * MIN),
        h.slots.firstEntry().getValue(),
        "one event");
  }

  @Test
  void aVersionOneStoredFormIsStillRead() {
    // written as version 1 did (its layout has no tag 2): one slot at 10 min, moments of 2 events
    CompactBytes.Out b = new CompactBytes.Out(64);
    b.put((byte) 1);
    b.putInt(7);
    b.varint(1);
    b.zigzag(Long.MIN_VALUE);
    b.varint(1);
    b.zigzag(10 * MIN);
    b.put((byte) 1);
    b.varint(2);
    b.putLong(Double.doubleToRawLongBits(3.0));
    b.putLong(Double.doubleToRawLongBits(1.5));
    b.putLong(Double.doubleToRawLongBits(0.5));
    byte[] v1 = b.toArray();
    FeatureHistory h = FeatureHistory.decode(v1, Long.MIN_VALUE);
    FeatureHistory.Slot slot = h.slots.get(10 * MIN);
    assertThat(slot.n).containsExactly(2);
    assertThat(slot.s).containsExactly(3.0);
    assertThat(slot.mean).containsExactly(1.5);
    assertThat(slot.m2).containsExactly(0.5);
    assertThat(FeatureHistory.layoutHash(v1)).isEqualTo(7);
    assertThat(FeatureHistory.latestOf(v1)).isEqualTo(10 * MIN);
  }

  private static byte[] fold(List<SourceEvent> events, int view) {
    IncrementalFeatures one = new IncrementalFeatures(SOURCE, List.of(VIEWS.get(view)));
    FeatureHistory h = new FeatureHistory();
    events.forEach(e -> one.add(h, e));
    return one.encodeView(h, 0, Long.MAX_VALUE);
  }

  @Test
  void aDecodedHistoryAnswersLaterReadsAsABruteForceOverTheEvents() {
    Random rnd = new Random(11);
    int compared = 0;
    for (int round = 0; round < 60; round++) {
      List<SourceEvent> events = randomEvents(rnd, 1 + rnd.nextInt(30));
      long latest = events.get(events.size() - 1).eventTimeMicros();
      for (int v = 0; v < VIEWS.size(); v++) {
        FeatureViewConfig view = VIEWS.get(v);
        IncrementalFeatures reader = IncrementalFeatures.forView(view);
        byte[] stored = fold(events, v);
        for (int probe = 0; probe < 8; probe++) {
          long t = latest + (probe == 0 ? 0 : rnd.nextInt(50) * MIN + rnd.nextInt(3) - 1);
          if (t < latest) {
            continue;
          }
          FeatureHistory h = FeatureHistory.decode(stored, t - reader.reachMicros());
          assertThat(h.reaches(t, reader.reachMicros())).isTrue();
          assertThat(reader.latestAtOrBefore(h, t)).isEqualTo(latest);
          Map<String, Object> got = reader.valuesAt(h, 0, t);
          for (FeatureSpec f : view.features()) {
            assertThat(got.get(f.name()))
                .as("%s at %d", f.name(), t)
                .isEqualTo(bruteForce(f, events, t));
            compared++;
          }
        }
      }
    }
    assertThat(compared).isGreaterThan(500);
  }

  // Every aggregation, for the one-pass read of the stored form.
  private static final FeatureViewConfig ALL_AGGREGATIONS =
      new FeatureViewConfig(
          "a",
          "e",
          "s",
          Duration.ofMinutes(45),
          List.of(
              f("n10", Aggregation.COUNT, null, Duration.ofMinutes(10)),
              f("sum30", Aggregation.SUM, "x", Duration.ofMinutes(30)),
              f("mean20", Aggregation.MEAN, "x", Duration.ofMinutes(20)),
              f("sd30", Aggregation.STDDEV, "x", Duration.ofMinutes(30)),
              f("min5", Aggregation.MIN, "x", Duration.ofMinutes(5)),
              f("max10", Aggregation.MAX, "x", Duration.ofMinutes(10)),
              f("minc30", Aggregation.MIN, "c", Duration.ofMinutes(30)),
              f("lastc30", Aggregation.LAST, "c", Duration.ofMinutes(30)),
              f("x_now", null, "x", null),
              f("c_now", null, "c", null)),
          Duration.ofMinutes(50));

  @Test
  void theOnePassReadOfTheStoredFormGivesWhatDecodingAndValuesAtGive() {
    Random rnd = new Random(13);
    int compared = 0;
    List<FeatureViewConfig> views = List.of(WINDOWED, ROW_LEVEL, ALL_AGGREGATIONS);
    for (int round = 0; round < 80; round++) {
      List<SourceEvent> events = randomEvents(rnd, 1 + rnd.nextInt(60));
      long latest = events.get(events.size() - 1).eventTimeMicros();
      for (FeatureViewConfig view : views) {
        IncrementalFeatures writer = new IncrementalFeatures(SOURCE, List.of(view));
        FeatureHistory all = new FeatureHistory();
        events.forEach(e -> writer.add(all, e));
        // as stored at the latest event, and (some rounds) at an earlier one: its lookback and
        // anchor drop slots, so reads before them are "not reached"
        long upTo =
            rnd.nextBoolean()
                ? Long.MAX_VALUE
                : events.get(rnd.nextInt(events.size())).eventTimeMicros();
        byte[] stored = writer.encodeView(all, 0, upTo);
        IncrementalFeatures reader = IncrementalFeatures.forView(view);
        for (int probe = 0; probe < 12; probe++) {
          long t = latest + (rnd.nextInt(800) - 600) * MIN + rnd.nextInt(3) - 1;
          FeatureHistory h = FeatureHistory.decode(stored, t - reader.reachMicros());
          IncrementalFeatures.StoredRead r = reader.readStored(stored, t);
          assertThat(r.completeAfter()).isEqualTo(h.completeAfter());
          assertThat(FeatureHistory.reaches(r.completeAfter(), t, reader.reachMicros()))
              .isEqualTo(h.reaches(t, reader.reachMicros()));
          assertThat(r.latestAtOrBefore()).isEqualTo(reader.latestAtOrBefore(h, t));
          if (r.latestAtOrBefore() != null) {
            // equal to the bit: the same doubles, folded in the same order
            assertThat(r.values())
                .as("round %d view %s at %d", round, view.name(), t)
                .containsExactlyEntriesOf(reader.valuesAt(h, 0, t));
            compared++;
          }
        }
      }
    }
    assertThat(compared).isGreaterThan(1000);
  }

  @Test
  void theOnePassReadRefusesWhatDecodeRefuses() {
    IncrementalFeatures inc = new IncrementalFeatures(SOURCE, List.of(WINDOWED));
    FeatureHistory h = new FeatureHistory();
    inc.add(h, ev(10, 1.5, "a"));
    byte[] stored = inc.encodeView(h, 0, Long.MAX_VALUE);
    IncrementalFeatures reader = IncrementalFeatures.forView(WINDOWED);
    byte[] longer = Arrays.copyOf(stored, stored.length + 1);
    assertThatThrownBy(() -> reader.readStored(longer, 20 * MIN))
        .isInstanceOf(dev.lakeops.common.error.LakeOpsException.class)
        .hasMessageContaining("corrupt feature history");
    byte[] future = stored.clone();
    future[0] = 9;
    assertThatThrownBy(() -> reader.readStored(future, 20 * MIN))
        .isInstanceOf(dev.lakeops.common.error.LakeOpsException.class)
        .hasMessageContaining("format version 9");
  }

  /** The feature over the raw events, read at {@code t}, written out by definition. */
  private static Object bruteForce(FeatureSpec f, List<SourceEvent> events, long t) {
    int col = "c".equals(f.expr() == null ? null : f.expr().toString()) ? 2 : 1;
    if (f.name().startsWith("c_") || f.name().startsWith("lastc")) {
      col = 2;
    }
    if (f.aggregation() == null) {
      // greatest value among the events at the latest time at or before t (null if none there)
      long at = Long.MIN_VALUE;
      for (SourceEvent e : events) {
        if (e.eventTimeMicros() <= t) {
          at = Math.max(at, e.eventTimeMicros());
        }
      }
      Object best = null;
      for (SourceEvent e : events) {
        if (e.eventTimeMicros() == at && e.values()[col] != null) {
          best =
              best == null || IncrementalFeatures.compare(e.values()[col], best) > 0
                  ? e.values()[col]
                  : best;
        }
      }
      return best;
    }
    long w = f.window().toNanos() / 1000;
    List<SourceEvent> in =
        events.stream()
            .filter(e -> e.eventTimeMicros() > t - w && e.eventTimeMicros() <= t)
            .toList();
    switch (f.aggregation()) {
      case COUNT:
        return (long) in.size();
      case SUM:
        {
          Double s = null;
          for (SourceEvent e : in) {
            if (e.values()[1] != null) {
              s = (s == null ? 0.0 : s) + (Double) e.values()[1];
            }
          }
          return s;
        }
      case MAX:
        {
          Double m = null;
          for (SourceEvent e : in) {
            Double x = (Double) e.values()[1];
            if (x != null && (m == null || x > m)) {
              m = x;
            }
          }
          return m;
        }
      case LAST:
        {
          // the latest time with a value; among that time's values the greatest
          long at = Long.MIN_VALUE;
          Object best = null;
          for (SourceEvent e : in) {
            Object c = e.values()[2];
            if (c == null) {
              continue;
            }
            if (e.eventTimeMicros() > at
                || e.eventTimeMicros() == at && ((String) c).compareTo((String) best) > 0) {
              at = e.eventTimeMicros();
              best = c;
            }
          }
          return best;
        }
      default:
        throw new AssertionError(f.aggregation());
    }
  }

  @Test
  void retentionKeepsTheLatestSlotAndRecordsWhatWasDropped() {
    IncrementalFeatures inc = new IncrementalFeatures(SOURCE, List.of(ROW_LEVEL));
    FeatureHistory h = new FeatureHistory();
    inc.add(h, ev(10, 1.0, "a"));
    inc.add(h, ev(20, 2.0, "b"));
    inc.produced(h, 20 * MIN);
    // reach 0: everything before the latest goes, the latest stays for row-level reads
    assertThat(h.size()).isEqualTo(1);
    assertThat(h.latest()).isEqualTo(20 * MIN);
    assertThat(h.completeAfter()).isEqualTo(10 * MIN);
    assertThat(inc.expire(h, 999 * MIN)).as("nothing more to expire").isTrue();
    assertThat(h.size()).isEqualTo(1);
    // stored: the latest event is the anchor; complete after the dropped event of 10 min, so a
    // read between the two finds no event at or before it in a history that is not complete:
    // the reader answers "not reached", never "none"
    FeatureHistory stored = FeatureHistory.decode(inc.encodeView(h, 0, Long.MAX_VALUE), 0);
    assertThat(stored.completeAfter()).isEqualTo(10 * MIN);
    assertThat(stored.reaches(20 * MIN, 0)).isTrue();
    assertThat(stored.reaches(10 * MIN - 1, 0)).isFalse();
    assertThat(inc.latestAtOrBefore(stored, 20 * MIN - 1)).isNull();
    // one event only: complete from the start, so earlier reads are answered ("none before")
    FeatureHistory single = new FeatureHistory();
    inc.add(single, ev(30, 3.0, "c"));
    FeatureHistory one = FeatureHistory.decode(inc.encodeView(single, 0, Long.MAX_VALUE), 0);
    assertThat(one.completeAfter()).isEqualTo(Long.MIN_VALUE);
    assertThat(one.reaches(0, 0)).isTrue();
    assertThat(inc.latestAtOrBefore(one, 29 * MIN)).isNull();
  }

  @Test
  void theStoredFormIsVersionedAndCheckedWhole() {
    IncrementalFeatures inc = new IncrementalFeatures(SOURCE, List.of(WINDOWED));
    FeatureHistory h = new FeatureHistory();
    inc.add(h, ev(10, 1.5, "a"));
    byte[] stored = inc.encodeView(h, 0, Long.MAX_VALUE);
    assertThat(stored[0]).isEqualTo(FeatureHistory.FORMAT_VERSION);
    assertThat(FeatureHistory.layoutHash(stored))
        .isEqualTo(IncrementalFeatures.layoutHash(WINDOWED))
        .isNotEqualTo(IncrementalFeatures.layoutHash(ROW_LEVEL));
    assertThat(FeatureHistory.latestOf(stored)).isEqualTo(10 * MIN);
    byte[] future = stored.clone();
    future[0] = 9;
    assertThatThrownBy(() -> FeatureHistory.decode(future, 0))
        .isInstanceOf(dev.lakeops.common.error.LakeOpsException.class)
        .hasMessageContaining("format version 9")
        .hasMessageContaining("reads versions 1 to 2")
        .hasMessageContaining("re-run 'mlops materialize'");
    byte[] longer = Arrays.copyOf(stored, stored.length + 1);
    assertThatThrownBy(() -> FeatureHistory.decode(longer, 0))
        .isInstanceOf(dev.lakeops.common.error.LakeOpsException.class)
        .hasMessageContaining("corrupt feature history")
        .hasMessageContaining("re-run 'mlops materialize'");
    assertThat(inc.encodeView(h, 0, 10 * MIN - 1)).as("no event at or before").isNull();
  }
}
