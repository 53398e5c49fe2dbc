package dev.lakeops.common.online;

import dev.lakeops.common.features.FeatureHistory;
import dev.lakeops.common.features.Freshness;
import dev.lakeops.common.features.IncrementalFeatures;
import java.time.Duration;
import java.util.Map;

/**
 * The read rule both online stores apply to a stored (view, key) entry at a time {@code t}, in one
 * place:
 *
 * <ol>
 *   <li>nothing stored: {@link OnlineRead.Status#NO_ROW};
 *   <li>the stored history does not reach back to {@code t − reach} (slots were dropped there):
 *       {@link OnlineRead.Status#NOT_REACHED} — never an answer from a row later than {@code t};
 *   <li>no event at or before {@code t}: {@link OnlineRead.Status#NONE_AT_OR_BEFORE};
 *   <li>the latest event at or before {@code t} is not fresh at {@code t} ({@link Freshness}, the
 *       TTL rule of the point-in-time join): {@link OnlineRead.Status#EXPIRED};
 *   <li>else the values at {@code t} ({@link IncrementalFeatures#valuesAt}): windows over {@code (t
 *       − window, t]}, so counts decay; row-level features from the latest event at or before
 *       {@code t}.
 * </ol>
 *
 * A values snapshot (a {@link FeatureRow} written as is) holds one time {@code e}: before {@code e}
 * it does not reach; at or after, TTL-checked, its values as written.
 */
final class HistoryReader {
  private final OnlineView view;
  private final IncrementalFeatures features;
  private final int layoutHash;
  private final long reach;

  HistoryReader(OnlineView view) {
    this.view = view;
    this.features = IncrementalFeatures.forView(view.toConfig());
    this.layoutHash = IncrementalFeatures.layoutHash(view.toConfig());
    this.reach = features.reachMicros();
  }

  /** A reader for a view the store was not told about: reads values snapshots only. */
  static HistoryReader unknown(String name) {
    return new HistoryReader(new OnlineView(name, null, java.util.List.of()));
  }

  Duration ttl() {
    return view.ttl();
  }

  /** The epoch-µs time of a read at {@code asOfMillis}, kept far from overflow. */
  static long micros(long asOfMillis) {
    long clamped = Math.max(-(1L << 52), Math.min(1L << 52, asOfMillis));
    return clamped * 1000;
  }

  OnlineRead read(String key, byte[] stored, long asOfMillis) {
    if (stored == null || stored.length == 0) {
      return OnlineRead.NO_ROW;
    }
    long t = micros(asOfMillis);
    if (FeatureValues.isSnapshot(stored)) {
      return readSnapshot(key, stored, t);
    }
    if (!FeatureHistory.readsVersion(stored[0])
        || view.features().isEmpty()
        || FeatureHistory.layoutHash(stored) != layoutHash) {
      return OnlineRead.STALE;
    }
    // One pass over the stored form (IncrementalFeatures.readStored): what decoding the slots from
    // t - reach and valuesAt would give, without building the slots.
    IncrementalFeatures.StoredRead r = features.readStored(stored, t);
    if (!FeatureHistory.reaches(r.completeAfter(), t, reach)) {
      return OnlineRead.NOT_REACHED;
    }
    Long at = r.latestAtOrBefore();
    if (at == null) {
      // With an online lookback a read may fall before every kept slot: the latest event at or
      // before t was dropped (it is not "none"), so the answer is unknown.
      return r.completeAfter() == Long.MIN_VALUE
          ? OnlineRead.NONE_AT_OR_BEFORE
          : OnlineRead.NOT_REACHED;
    }
    long atMillis = Math.floorDiv(at, 1000L);
    if (!Freshness.isFresh(at, t, view.ttl())) {
      return new OnlineRead(OnlineRead.Status.EXPIRED, null, atMillis);
    }
    return new OnlineRead(
        OnlineRead.Status.FOUND, new FeatureRow(key, atMillis, r.values()), atMillis);
  }

  private OnlineRead readSnapshot(String key, byte[] stored, long t) {
    long e = FeatureValues.snapshotTimeMicros(stored);
    if (e > t) {
      return OnlineRead.NOT_REACHED;
    }
    long eMillis = Math.floorDiv(e, 1000L);
    if (!Freshness.isFresh(e, t, view.ttl())) {
      return new OnlineRead(OnlineRead.Status.EXPIRED, null, eMillis);
    }
    Map<String, Object> values = FeatureValues.decodeSnapshot(stored, view.featureNames());
    return new OnlineRead(OnlineRead.Status.FOUND, new FeatureRow(key, eMillis, values), eMillis);
  }
}
