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
  static final Map<String, Duration> TTLS = Map.of(VIEW, TTL);
  static final Map<String, List<String>> FEATURES =
      Map.of(
          VIEW,
          List.of("spend_30d", "orders", "segment", "active", "missing"),
          OTHER,
          List.of("n"));
  static final long T0 = 1_000_000_000_000L; // 2001-09-09

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
        .isInstanceOf(IllegalArgumentException.class)
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
      out.put(r.entityKey(), s.read(VIEW, r.entityKey(), T0).orElseThrow());
    }
    return out;
  }

  @Test
  void anOlderRowNeverOverwritesANewerOne() {
    OnlineStore s = store();
    s.write(VIEW, List.of(row("k", T0 + 200, 2.0)));
    s.write(VIEW, List.of(row("k", T0 + 100, 1.0)));
    assertThat(s.read(VIEW, "k", T0).get()).isEqualTo(row("k", T0 + 200, 2.0));

    // Same event time: the later write wins (at or after).
    s.write(VIEW, List.of(row("k", T0 + 200, 2.5)));
    assertThat(s.read(VIEW, "k", T0).get()).isEqualTo(row("k", T0 + 200, 2.5));

    // Within one batch, out of order: the newest stays whatever the order.
    s.write(VIEW, List.of(row("k", T0 + 300, 3.0), row("k", T0 + 250, 9.0), row("j", T0, 1.0)));
    assertThat(s.read(VIEW, "k", T0).get()).isEqualTo(row("k", T0 + 300, 3.0));
    assertThat(s.read(VIEW, "j", T0).get()).isEqualTo(row("j", T0, 1.0));

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
    assertThat(s.read(VIEW, "k", T0).get().values()).isEqualTo(fewer);
  }

  @Test
  void ttlIsHonouredOnReadAtTheBoundary() {
    OnlineStore s = store();
    s.write(VIEW, List.of(row("k", T0, 1.0)));
    s.write(OTHER, List.of(new FeatureRow("k", T0, Map.of("n", 1L))));
    long ttl = TTL.toMillis();

    assertThat(s.read(VIEW, "k", T0)).isPresent();
    assertThat(s.read(VIEW, "k", T0 + ttl - 1)).as("one ms inside the TTL").isPresent();
    assertThat(s.read(VIEW, "k", T0 + ttl)).as("event time == asOf - ttl").isEmpty();
    assertThat(s.read(VIEW, "k", T0 + ttl + 1)).isEmpty();
    assertThat(s.read(OTHER, "k", T0 + 10 * ttl)).as("a view without a TTL").isPresent();
    assertThat(s.count(VIEW)).as("expired rows still count").isEqualTo(1);
    // A fresher row makes the key readable again.
    s.write(VIEW, List.of(row("k", T0 + ttl, 2.0)));
    assertThat(s.read(VIEW, "k", T0 + ttl)).isPresent();
  }

  @Test
  void readManyKeepsTheOrderOfTheKeys() {
    OnlineStore s = store();
    s.write(VIEW, List.of(row("a", T0, 1.0), row("b", T0 - TTL.toMillis(), 2.0)));
    List<Optional<FeatureRow>> got = s.readMany(VIEW, List.of("b", "zz", "a"), T0);
    assertThat(got)
        .containsExactly(Optional.empty(), Optional.empty(), Optional.of(row("a", T0, 1.0)));
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
    assertThat(s.read(VIEW, "key-4321", T0).get()).isEqualTo(rows.get(4321));
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
      FeatureRow got = reader.read(VIEW, e.getKey(), T0).orElseThrow();
      assertThat(got.eventTimeMillis()).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(got.values().get("spend_30d")).isEqualTo((double) e.getValue());
    }
    assertThat(reader.count(VIEW)).isEqualTo(newest.size());
  }
}
