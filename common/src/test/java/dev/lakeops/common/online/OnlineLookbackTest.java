package dev.lakeops.common.online;

import static dev.lakeops.common.online.HistoryFixture.ACTIVITY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.features.FeatureHistory;
import dev.lakeops.common.features.IncrementalFeatures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code online_lookback}: the store keeps the longest window plus the lookback behind an entity's
 * latest event, so a read up to the lookback before it is answered with the values at that time.
 */
class OnlineLookbackTest {
  private static final FeatureViewConfig VIEW = HistoryFixture.VIEW;
  private static final FeatureViewConfig WITH_LOOKBACK =
      new FeatureViewConfig(
          VIEW.name(),
          VIEW.entity(),
          VIEW.source(),
          VIEW.ttl(),
          VIEW.features(),
          Duration.ofHours(12));
  private static final Instant START = Instant.parse("2021-01-01T00:00:00Z");

  @TempDir Path tmp;

  /** Hourly events 0..48 from 2021-01-01T00:00Z, amount = the hour's index. */
  private static List<SourceEvent> events() {
    List<SourceEvent> out = new java.util.ArrayList<>();
    for (int i = 0; i <= 48; i++) {
      out.add(HistoryFixture.ev("c", START.plusSeconds(3600L * i).toString(), i));
    }
    return out;
  }

  /** What the streaming job stores after producing every row (its state trimmed as it goes). */
  private static StoredHistory streamed(FeatureViewConfig view) {
    IncrementalFeatures f = new IncrementalFeatures(HistoryFixture.SOURCE, List.of(view));
    FeatureHistory h = new FeatureHistory();
    for (SourceEvent e : events()) {
      f.add(h, e);
      f.produced(h, e.eventTimeMicros());
    }
    return new StoredHistory("c", h.latest(), f.encodeView(h, 0, Long.MAX_VALUE));
  }

  private OnlineStore store() {
    return new SqliteOnlineStore(tmp.resolve("features.db"), Map.of(ACTIVITY, OnlineView.of(VIEW)));
  }

  private static long hour(int i) {
    return START.plusSeconds(3600L * i).toEpochMilli();
  }

  private static Map<String, Object> activity(long n1h, Double sum1d, Double now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n_1h", n1h);
    m.put("sum_1d", sum1d);
    m.put("amount_now", now);
    return m;
  }

  @Test
  void aReadWithinTheLookbackGetsTheValuesAtItsTime() {
    try (OnlineStore s = store()) {
      s.writeHistories(ACTIVITY, List.of(streamed(WITH_LOOKBACK)));
      // Latest event at hour 48; 6 hours before it, at hour 42: (41h, 42h] holds one event, the
      // 1d window (18h, 42h] holds hours 19..42, whose amounts sum to (19 + 42) * 24 / 2 = 732.
      OnlineRead at42 = s.lookup(ACTIVITY, "c", hour(42));
      assertThat(at42.status()).isEqualTo(OnlineRead.Status.FOUND);
      assertThat(at42.row()).isEqualTo(new FeatureRow("c", hour(42), activity(1, 732.0, 42.0)));
      // Half an hour after hour 36 (near the lookback's edge, 12 h back): the latest event is hour
      // 36, which (35.5h, 36.5h] holds; the 1d window (12.5h, 36.5h] holds hours 13..36:
      // (13 + 36) * 24 / 2 = 588.
      OnlineRead edge = s.lookup(ACTIVITY, "c", hour(36) + 1_800_000);
      assertThat(edge.row()).isEqualTo(new FeatureRow("c", hour(36), activity(1, 588.0, 36.0)));
      // The store keeps (12h, 48h] and the anchor at hour 12 (the latest event before that), and
      // dropped hour 11 and earlier: a read is answered as long as its 1d window starts at or
      // after hour 11. At hour 35, (11h, 35h] holds hours 12..35: (12 + 35) * 24 / 2 = 564.
      assertThat(s.lookup(ACTIVITY, "c", hour(35)).row())
          .isEqualTo(new FeatureRow("c", hour(35), activity(1, 564.0, 35.0)));
      // Further back the store says it does not know, never a later row.
      assertThat(s.lookup(ACTIVITY, "c", hour(35) - 1).status())
          .isEqualTo(OnlineRead.Status.NOT_REACHED);
    }
  }

  @Test
  void withoutALookbackOnlyTheLatestEventIsReached() {
    try (OnlineStore s = store()) {
      s.writeHistories(ACTIVITY, List.of(streamed(VIEW)));
      assertThat(s.lookup(ACTIVITY, "c", hour(42)).status())
          .isEqualTo(OnlineRead.Status.NOT_REACHED);
      assertThat(s.lookup(ACTIVITY, "c", hour(48)).row())
          .isEqualTo(new FeatureRow("c", hour(48), activity(1, (25.0 + 48) * 24 / 2, 48.0)));
    }
  }
}
