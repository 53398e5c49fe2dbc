package dev.lakeops.common.online;

import dev.lakeops.common.config.ColumnSpec;
import dev.lakeops.common.config.EventTime;
import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.config.SourceFormat;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.expr.ExprParser;
import dev.lakeops.common.expr.ExprType;
import dev.lakeops.common.features.Aggregation;
import dev.lakeops.common.features.FeatureHistory;
import dev.lakeops.common.features.IncrementalFeatures;
import dev.lakeops.common.types.ColumnType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A feature view with windows ({@code n_1h}: count over 1h, {@code sum_1d}: sum of amount over 1d)
 * and a row-level feature ({@code amount_now}), TTL 1d, and the histories the writers would store
 * for given events (built with the production writer, {@link IncrementalFeatures#encodeView}).
 */
final class HistoryFixture {
  static final String ACTIVITY = "activity";

  static final SourceConfig SOURCE =
      new SourceConfig(
          "payments",
          SourceFormat.JSONL,
          "x",
          null,
          ",",
          false,
          Map.of(),
          List.of(
              new ColumnSpec("k", ColumnType.STRING, false, null, null, List.of()),
              new ColumnSpec("amount", ColumnType.DOUBLE, true, null, null, List.of())),
          "customer",
          ExprParser.parse("k"),
          "k",
          new EventTime.FromRowIndex(Instant.EPOCH, Duration.ofHours(1)),
          List.of());

  static final FeatureViewConfig VIEW =
      new FeatureViewConfig(
          ACTIVITY,
          "customer",
          "payments",
          Duration.ofDays(1),
          List.of(
              new FeatureSpec(
                  "n_1h", Aggregation.COUNT, null, null, Duration.ofHours(1), ExprType.NUMBER),
              new FeatureSpec(
                  "sum_1d",
                  Aggregation.SUM,
                  ExprParser.parse("amount"),
                  null,
                  Duration.ofDays(1),
                  ExprType.NUMBER),
              new FeatureSpec(
                  "amount_now", null, ExprParser.parse("amount"), null, null, ExprType.NUMBER)));

  static final IncrementalFeatures FEATURES = new IncrementalFeatures(SOURCE, List.of(VIEW));

  private HistoryFixture() {}

  static long ms(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  /** An event of {@code key} at an ISO instant. */
  static SourceEvent ev(String key, String at, double amount) {
    return new SourceEvent(
        key, ms(at) * 1000, new Object[] {key, amount}, "test", "{\"k\":\"" + key + "\"}");
  }

  /** What a writer stores for these events (all of them: as of the latest). */
  static StoredHistory stored(String key, SourceEvent... events) {
    FeatureHistory h = new FeatureHistory();
    List<SourceEvent> sorted = new ArrayList<>(List.of(events));
    sorted.sort((a, b) -> Long.compare(a.eventTimeMicros(), b.eventTimeMicros()));
    sorted.forEach(e -> FEATURES.add(h, e));
    byte[] bytes = FEATURES.encodeView(h, 0, Long.MAX_VALUE);
    return new StoredHistory(key, h.latest(), bytes);
  }
}
