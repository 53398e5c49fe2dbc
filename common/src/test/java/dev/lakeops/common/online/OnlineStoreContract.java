package dev.lakeops.common.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link OnlineStore} must have; each store's test extends this and opens a
 * real store (a SQLite file, a Redis server).
 */
abstract class OnlineStoreContract {
  static final String VIEW = "customer_spend";
  static final String OTHER = "customer_purchases";
  static final Duration TTL = Duration.ofHours(1);
  static final Map<String, List<String>> FEATURES =
      Map.of(
          VIEW,
          List.of("spend_30d", "orders", "segment", "active", "missing"),
          OTHER,
          List.of("n"));
  static final Map<String, OnlineView> VIEWS =
      Map.of(
          VIEW,
          OnlineView.rowLevel(VIEW, TTL, FEATURES.get(VIEW)),
          OTHER,
          OnlineView.rowLevel(OTHER, null, FEATURES.get(OTHER)),
          HistoryFixture.ACTIVITY,
          OnlineView.of(HistoryFixture.VIEW));
  static final long T0 = 1_000_000_000_000L; // 2001-09-09

  /** A read time after every row the row tests write (within the TTL of all of them). */
  static final long LATER = T0 + 1_000;

  private final List<OnlineStore> opened = new ArrayList<>();

  /** Opens a store over the same data each time (within one test). */
  abstract OnlineStore openStore();

  OnlineStore store() {
    OnlineStore s = openStore();
    opened.add(s);
    return s;
  }

  @AfterEach
  void closeAll() {
    opened.forEach(OnlineStore::close);
  }

  static Map<String, Object> values(double spend, long orders, String segment, Boolean active) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("spend_30d", spend);
    m.put("orders", orders);
    m.put("segment", segment);
    m.put("active", active);
    m.put("missing", null);
    return m;
  }

  static FeatureRow row(String key, long t, double spend) {
    return new FeatureRow(key, t, values(spend, 3L, "gold", true));
  }

  @Test
  void typedValuesRoundTrip() {
    OnlineStore s = store();
    FeatureRow a = new FeatureRow("c1", T0, values(12.5, 7L, "gold ✓ é", true));
    FeatureRow b =
        new FeatureRow("c2", T0 - 5, values(-0.0, Long.MIN_VALUE, "", false)); // edge values
    FeatureRow c = new FeatureRow("c3", T0, values(Double.NaN, Long.MAX_VALUE, null, null));
    FeatureRow d = new FeatureRow("c4", T0, values(Double.MIN_VALUE, -1L, "x:y\n\"z\"", true));
    s.write(VIEW, List.of(a, b, c, d));

    for (FeatureRow r : List.of(a, b, c, d)) {
      FeatureRow got = s.read(VIEW, r.entityKey(), T0).orElseThrow();
      assertThat(got).isEqualTo(r);
      assertThat(got.values().keySet()).containsExactlyElementsOf(FEATURES.get(VIEW));
      got.values().forEach((k, v) -> assertThat(v).isEqualTo(r.values().get(k)));
    }
    assertThat(s.read(VIEW, "c2", T0).get().values().get("spend_30d")).isEqualTo(-0.0);
    assertThat(s.read(VIEW, "c2", T0).get().values().get("orders")).isInstanceOf(Long.class);
    assertThat(s.read(VIEW, "nobody", T0)).isEmpty();
    assertThat(s.read(OTHER, "c1", T0)).isEmpty();
    assertThat(s.count(VIEW)).isEqualTo(4);
    assertThat(s.count(OTHER)).isZero();
  }

  @Test
  void narrowNumbersAreWidenedAndOtherTypesRefused() {
    OnlineStore s = store();
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("n", 5); // Integer
    s.write(OTHER, List.of(new FeatureRow("k", T0, v)));
    assertThat(s.read(OTHER, "k", T0).get().values()).containsEntry("n", 5L);

    Map<String, Object> bad = new LinkedHashMap<>();
    bad.put("n", java.time.Instant.EPOCH);
    List<FeatureRow> batch =
        List.of(new FeatureRow("k2", T0, Map.of("n", 1L)), new FeatureRow("k3", T0, bad));
    assertThatThrownBy(() -> s.write(OTHER, batch))
        .isInstanceOf(dev.lakeops.common.error.LakeOpsException.class)
        .hasMessageContaining("feature 'n'")
        .hasMessageContaining("java.time.Instant");
    assertThat(s.read(OTHER, "k2", T0)).as("a failed batch writes nothing").isEmpty();
  }

  @Test
  void replayingTheSameRowsIsANoOp() {
    OnlineStore s = store();
    List<FeatureRow> rows = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      rows.add(row("k" + i, T0 + i, i * 1.5));
    }
    s.write(VIEW, rows);
    Map<String, FeatureRow> first = readAll(s, rows);
    s.write(VIEW, rows);
    s.write(VIEW, rows.subList(100, 200));
    assertThat(readAll(s, rows)).isEqualTo(first);
    assertThat(s.count(VIEW)).isEqualTo(500);
    for (FeatureRow r : rows) {
      assertThat(first.get(r.entityKey())).isEqualTo(r);
    }
  }

  private static Map<String, FeatureRow> readAll(OnlineStore s, List<FeatureRow> rows) {
    Map<String, FeatureRow> out = new LinkedHashMap<>();
    for (FeatureRow r : rows) {
      out.put(r.entityKey(), s.read(VIEW, r.entityKey(), LATER).orElseThrow());
    }
    return out;
  }

  @Test
  void anOlderRowNeverOverwritesANewerOne() {
    OnlineStore s = store();
    s.write(VIEW, List.of(row("k", T0 + 200, 2.0)));
    s.write(VIEW, List.of(row("k", T0 + 100, 1.0)));
    assertThat(s.read(VIEW, "k", LATER).get()).isEqualTo(row("k", T0 + 200, 2.0));

    // Same event time: the later write wins (at or after).
    s.write(VIEW, List.of(row("k", T0 + 200, 2.5)));
    assertThat(s.read(VIEW, "k", LATER).get()).isEqualTo(row("k", T0 + 200, 2.5));

    // Within one batch, out of order: the newest stays whatever the order.
    s.write(VIEW, List.of(row("k", T0 + 300, 3.0), row("k", T0 + 250, 9.0), row("j", T0, 1.0)));
    assertThat(s.read(VIEW, "k", LATER).get()).isEqualTo(row("k", T0 + 300, 3.0));
    assertThat(s.read(VIEW, "j", LATER).get()).isEqualTo(row("j", T0, 1.0));

    // Negative (pre-1970) event times compare as numbers.
    s.write(VIEW, List.of(row("old", -5_000, 1.0)));
    s.write(VIEW, List.of(row("old", -10_000, 2.0)));
    assertThat(s.read(VIEW, "old", -5_000).get().eventTimeMillis()).isEqualTo(-5_000);
  }

  @Test
  void aNewerRowReplacesTheWholeRow() {
    OnlineStore s = store();
    s.write(VIEW, List.of(row("k", T0, 1.0)));
    Map<String, Object> fewer = new LinkedHashMap<>();
    fewer.put("spend_30d", 4.0);
    s.write(VIEW, List.of(new FeatureRow("k", T0 + 1, fewer)));
    assertThat(s.read(VIEW, "k", T0 + 1).get().values()).isEqualTo(fewer);
  }

  @Test
  void ttlIsHonouredOnReadAtTheBoundary() {
    OnlineStore s = store();
    s.write(VIEW, List.of(row("k", T0, 1.0)));
    s.write(OTHER, List.of(new FeatureRow("k", T0, Map.of("n", 1L))));
    long ttl = TTL.toMillis();

    assertThat(s.read(VIEW, "k", T0)).isPresent();
    assertThat(s.read(VIEW, "k", T0 + ttl - 1)).as("one ms inside the TTL").isPresent();
    assertThat(s.read(VIEW, "k", T0 + ttl)).as("event time == asOf - ttl: inclusive").isPresent();
    assertThat(s.read(VIEW, "k", T0 + ttl + 1)).isEmpty();
    assertThat(s.lookup(VIEW, "k", T0 + ttl + 1).status()).isEqualTo(OnlineRead.Status.EXPIRED);
    assertThat(s.read(OTHER, "k", T0 + 10 * ttl)).as("a view without a TTL").isPresent();
    assertThat(s.count(VIEW)).as("expired rows still count").isEqualTo(1);
    // A fresher row makes the key readable again.
    s.write(VIEW, List.of(row("k", T0 + 2 * ttl, 2.0)));
    assertThat(s.read(VIEW, "k", T0 + 2 * ttl)).isPresent();
  }

  @Test
  void readManyKeepsTheOrderOfTheKeys() {
    OnlineStore s = store();
    s.write(VIEW, List.of(row("a", T0, 1.0), row("b", T0 - TTL.toMillis() - 1, 2.0)));
    List<Optional<FeatureRow>> got = s.readMany(VIEW, List.of("b", "zz", "a"), T0);
    assertThat(got)
        .containsExactly(Optional.empty(), Optional.empty(), Optional.of(row("a", T0, 1.0)));
  }

  @Test
  void lookupViewsAnswersEachPairAsLookupDoes() {
    OnlineStore s = store();
    s.write(VIEW, List.of(row("a", T0, 1.0), row("b", T0 - TTL.toMillis() - 1, 2.0)));
    s.write(OTHER, List.of(row("a", T0 + 5, 3.0)));
    List<String> views = List.of(VIEW, OTHER, VIEW, VIEW, OTHER, "no_such_view");
    List<String> keys = List.of("a", "a", "b", "zz", "b", "a");
    List<OnlineRead> got = s.lookupViews(views, keys, T0);
    assertThat(got).hasSize(views.size());
    for (int i = 0; i < views.size(); i++) {
      assertThat(got.get(i)).as("pair %d", i).isEqualTo(s.lookup(views.get(i), keys.get(i), T0));
    }
    assertThat(got.get(0).row()).isEqualTo(row("a", T0, 1.0));
    assertThat(got.get(1).status())
        .as("later than the read")
        .isEqualTo(OnlineRead.Status.NOT_REACHED);
    assertThat(got.get(2).status()).isEqualTo(OnlineRead.Status.EXPIRED);
    assertThat(got.get(3).status()).isEqualTo(OnlineRead.Status.NO_ROW);
    assertThat(s.lookupViews(List.of(VIEW), List.of("a"), T0)).containsExactly(got.get(0));
    assertThatThrownBy(() -> s.lookupViews(List.of(VIEW, OTHER), List.of("a"), T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one key per view");
    // the store still reads after the refused call
    assertThat(s.lookup(VIEW, "a", T0).row()).isEqualTo(row("a", T0, 1.0));
  }

  @Test
  void dataSurvivesCloseAndReopen() {
    OnlineStore s = store();
    s.write(VIEW, List.of(row("k", T0, 1.0)));
    s.close();
    OnlineStore again = store();
    assertThat(again.read(VIEW, "k", T0)).contains(row("k", T0, 1.0));
    assertThat(again.count(VIEW)).isEqualTo(1);
  }

  @Test
  void aLargeBatchIsWrittenAndReadBack() {
    OnlineStore s = store();
    List<FeatureRow> rows = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      rows.add(row("key-" + i, T0 + i % 7, i));
    }
    s.write(VIEW, rows);
    assertThat(s.count(VIEW)).isEqualTo(5_000);
    assertThat(s.read(VIEW, "key-4321", LATER).get()).isEqualTo(rows.get(4321));
  }

  @Test
  void concurrentWritersOfSeveralStoresLeaveEveryKeyAtItsNewestRow() throws Exception {
    int writers = 4;
    int keys = 200;
    List<OnlineStore> stores = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      stores.add(store()); // one store per writer, as one per Flink subtask
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(writers);
    List<java.util.concurrent.Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int id = w;
      done.add(
          pool.submit(
              () -> {
                java.util.SplittableRandom rnd = new java.util.SplittableRandom(id);
                for (int b = 0; b < 20; b++) {
                  List<FeatureRow> batch = new ArrayList<>();
                  for (int i = 0; i < 50; i++) {
                    int k = rnd.nextInt(keys);
                    long t = T0 + rnd.nextInt(1000);
                    batch.add(row("k" + k, t, t)); // the value says which row it is
                  }
                  stores.get(id).write(VIEW, batch);
                }
              }));
    }
    for (var f : done) {
      f.get(60, java.util.concurrent.TimeUnit.SECONDS);
    }
    pool.shutdown();
    // Replay every writer's rows to find each key's newest event time.
    Map<String, Long> newest = new java.util.HashMap<>();
    for (int w = 0; w < writers; w++) {
      java.util.SplittableRandom rnd = new java.util.SplittableRandom(w);
      for (int n = 0; n < 20 * 50; n++) {
        int k = rnd.nextInt(keys);
        long t = T0 + rnd.nextInt(1000);
        newest.merge("k" + k, t, Math::max);
      }
    }
    OnlineStore reader = stores.get(0);
    for (var e : newest.entrySet()) {
      FeatureRow got = reader.read(VIEW, e.getKey(), LATER).orElseThrow();
      assertThat(got.eventTimeMillis()).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(got.values().get("spend_30d")).isEqualTo((double) e.getValue());
    }
    assertThat(reader.count(VIEW)).isEqualTo(newest.size());
  }

  // ---- feature histories: the read rule at a time t -----------------------------------------

  private static final String A = HistoryFixture.ACTIVITY;

  private static long ms(String instant) {
    return HistoryFixture.ms(instant);
  }

  private static Map<String, Object> activity(long n1h, Double sum1d, Double amountNow) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n_1h", n1h);
    m.put("sum_1d", sum1d);
    m.put("amount_now", amountNow);
    return m;
  }

  @Test
  void ttlBoundaryIsInclusiveToTheMillisecond() {
    OnlineStore s = store();
    s.writeHistories(
        A, List.of(HistoryFixture.stored("c", HistoryFixture.ev("c", "2021-01-01T00:00:00Z", 5))));
    long boundary = ms("2021-01-02T00:00:00Z"); // event + ttl 1d: still fresh (inclusive)

    OnlineRead at = s.lookup(A, "c", boundary);
    assertThat(at.status()).isEqualTo(OnlineRead.Status.FOUND);
    // (t - 1h, t] and (t - 1d, t] both exclude the event at exactly t - 1d.
    assertThat(at.row())
        .isEqualTo(new FeatureRow("c", ms("2021-01-01T00:00:00Z"), activity(0, null, 5.0)));
    OnlineRead after = s.lookup(A, "c", boundary + 1);
    assertThat(after.status()).isEqualTo(OnlineRead.Status.EXPIRED);
    assertThat(after.rowTimeMillis()).isEqualTo(ms("2021-01-01T00:00:00Z"));
    assertThat(s.read(A, "c", boundary + 1)).isEmpty();
    assertThat(s.readMany(A, List.of("c", "c"), boundary))
        .allSatisfy(r -> assertThat(r).isPresent());
  }

  @Test
  void aRowLaterThanTheReadTimeIsNeverUsed() {
    OnlineStore s = store();
    s.writeHistories(
        A, List.of(HistoryFixture.stored("c", HistoryFixture.ev("c", "2021-01-01T05:00:00Z", 7))));
    // The entity's only row is at 05:00: an event at 04:00 has no row (its history starts later).
    OnlineRead before = s.lookup(A, "c", ms("2021-01-01T04:00:00Z"));
    assertThat(before.status()).isEqualTo(OnlineRead.Status.NONE_AT_OR_BEFORE);
    assertThat(before.row()).isNull();
    assertThat(s.read(A, "c", ms("2021-01-01T05:00:00Z") - 1)).isEmpty();
    assertThat(s.read(A, "c", ms("2021-01-01T05:00:00Z")).orElseThrow().values())
        .isEqualTo(activity(1, 7.0, 7.0));

    // A row written as values at 05:00: the same, it does not reach back to 04:00.
    s.write(VIEW, List.of(row("v", ms("2021-01-01T05:00:00Z"), 1.0)));
    assertThat(s.lookup(VIEW, "v", ms("2021-01-01T04:00:00Z")).status())
        .isEqualTo(OnlineRead.Status.NOT_REACHED);
  }

  @Test
  void windowsDecayToZeroAtTheTimeTheyAreRead() {
    OnlineStore s = store();
    s.writeHistories(
        A,
        List.of(
            HistoryFixture.stored(
                "c",
                HistoryFixture.ev("c", "2021-01-01T10:15:00Z", 1),
                HistoryFixture.ev("c", "2021-01-01T10:30:00Z", 2),
                HistoryFixture.ev("c", "2021-01-01T11:00:00Z", 3))));
    long last = ms("2021-01-01T11:00:00Z");
    assertThat(s.read(A, "c", last).get().values()).isEqualTo(activity(3, 6.0, 3.0));
    // (11:14 - 1h, 11:14] still holds 10:15; (10:15, 11:15] no longer does.
    assertThat(s.read(A, "c", ms("2021-01-01T11:14:00Z")).get().values())
        .isEqualTo(activity(3, 6.0, 3.0));
    assertThat(s.read(A, "c", ms("2021-01-01T11:15:00Z")).get().values())
        .isEqualTo(activity(2, 6.0, 3.0)); // the 1d window still holds all three
    FeatureRow at20 = s.read(A, "c", ms("2021-01-01T20:00:00Z")).orElseThrow();
    assertThat(at20.values()).isEqualTo(activity(0, 6.0, 3.0));
    assertThat(at20.eventTimeMillis()).as("the row's time is the latest event").isEqualTo(last);
    // The 1d window has passed every event (sum is null without values, as offline); TTL 1d from
    // 11:00 still holds at exactly 11:00 the next day.
    assertThat(s.read(A, "c", ms("2021-01-02T11:00:00Z")).get().values())
        .isEqualTo(activity(0, null, 3.0));
    // Between the events: what had happened by then, nothing later.
    assertThat(s.read(A, "c", ms("2021-01-01T10:20:00Z")).get())
        .isEqualTo(new FeatureRow("c", ms("2021-01-01T10:15:00Z"), activity(1, 1.0, 1.0)));
  }

  @Test
  void aTrimmedHistoryKeepsItsAnchorAndDoesNotReachBackBeforeIt() {
    OnlineStore s = store();
    // The store keeps the 1d window of the latest event (03T05), and the latest event before that
    // window (the anchor, 01-01): the event of 12-30 is dropped. A read between the anchor and
    // the window finds the anchor, as the point-in-time join would: expired at 03T04 (52 h > the
    // 1d TTL), fresh at 01T12 (windows empty of it, its row-level value).
    s.writeHistories(
        A,
        List.of(
            HistoryFixture.stored(
                "c",
                HistoryFixture.ev("c", "2020-12-30T00:00:00Z", 5),
                HistoryFixture.ev("c", "2021-01-01T00:00:00Z", 1),
                HistoryFixture.ev("c", "2021-01-03T05:00:00Z", 2))));
    OnlineRead at03 = s.lookup(A, "c", ms("2021-01-03T04:00:00Z"));
    assertThat(at03.status()).isEqualTo(OnlineRead.Status.EXPIRED);
    assertThat(at03.rowTimeMillis()).isEqualTo(ms("2021-01-01T00:00:00Z"));
    assertThat(s.read(A, "c", ms("2021-01-01T12:00:00Z")).orElseThrow())
        .isEqualTo(new FeatureRow("c", ms("2021-01-01T00:00:00Z"), activity(0, 1.0, 1.0)));
    // Before the anchor the dropped event of 12-30 would count: not answered.
    assertThat(s.lookup(A, "c", ms("2020-12-31T12:00:00Z")).status())
        .isEqualTo(OnlineRead.Status.NOT_REACHED);
    assertThat(s.read(A, "c", ms("2021-01-03T05:00:00Z")).get().values())
        .isEqualTo(activity(1, 2.0, 2.0));
    // Within one window the whole history is kept: every earlier time is answered.
    s.writeHistories(
        A,
        List.of(
            HistoryFixture.stored(
                "d",
                HistoryFixture.ev("d", "2021-01-03T00:00:00Z", 1),
                HistoryFixture.ev("d", "2021-01-03T05:00:00Z", 2))));
    assertThat(s.read(A, "d", ms("2021-01-03T04:00:00Z")).get().values())
        .isEqualTo(activity(0, 1.0, 1.0));
    assertThat(s.lookup(A, "d", ms("2021-01-02T23:59:59Z")).status())
        .isEqualTo(OnlineRead.Status.NONE_AT_OR_BEFORE);
  }

  @Test
  void replayedAndOlderHistoriesNeverMoveAKeyBackwards() {
    OnlineStore s = store();
    StoredHistory two =
        HistoryFixture.stored(
            "c",
            HistoryFixture.ev("c", "2021-01-01T10:00:00Z", 1),
            HistoryFixture.ev("c", "2021-01-01T10:30:00Z", 2));
    StoredHistory three =
        HistoryFixture.stored(
            "c",
            HistoryFixture.ev("c", "2021-01-01T10:00:00Z", 1),
            HistoryFixture.ev("c", "2021-01-01T10:30:00Z", 2),
            HistoryFixture.ev("c", "2021-01-01T10:45:00Z", 4));
    long t = ms("2021-01-01T10:50:00Z");
    s.writeHistories(A, List.of(three));
    s.writeHistories(A, List.of(two)); // an older state (a replay, a materialize of older data)
    s.writeHistories(A, List.of(three, two, three));
    assertThat(s.read(A, "c", t).get().values()).isEqualTo(activity(3, 7.0, 4.0));
    // Same latest time, one more event at it (a late write of that time): at or after replaces.
    StoredHistory threeAndMore =
        HistoryFixture.stored(
            "c",
            HistoryFixture.ev("c", "2021-01-01T10:00:00Z", 1),
            HistoryFixture.ev("c", "2021-01-01T10:30:00Z", 2),
            HistoryFixture.ev("c", "2021-01-01T10:45:00Z", 4),
            HistoryFixture.ev("c", "2021-01-01T10:45:00Z", 6));
    s.writeHistories(A, List.of(threeAndMore));
    assertThat(s.read(A, "c", t).get().values()).isEqualTo(activity(4, 13.0, 6.0));
    assertThat(s.count(A)).isEqualTo(1);
  }

  @Test
  void historiesSurviveARestart() {
    OnlineStore s = store();
    s.writeHistories(
        A,
        List.of(
            HistoryFixture.stored(
                "c",
                HistoryFixture.ev("c", "2021-01-01T10:15:00Z", 1),
                HistoryFixture.ev("c", "2021-01-01T11:00:00Z", 3))));
    s.close();
    OnlineStore again = store();
    assertThat(again.read(A, "c", ms("2021-01-01T11:00:00Z")).get().values())
        .isEqualTo(activity(2, 4.0, 3.0));
    assertThat(again.read(A, "c", ms("2021-01-01T20:00:00Z")).get().values())
        .isEqualTo(activity(0, 4.0, 3.0));
  }

  @Test
  void aHistoryOfAnotherDefinitionIsRefusedAsStale() {
    OnlineStore s = store();
    // The store knows the view with a TTL only (no features): the stored layout does not match.
    s.writeHistories(
        OTHER,
        List.of(HistoryFixture.stored("c", HistoryFixture.ev("c", "2021-01-01T10:15:00Z", 1))));
    assertThat(s.lookup(OTHER, "c", ms("2021-01-01T11:00:00Z")).status())
        .isEqualTo(OnlineRead.Status.STALE);
  }
}
