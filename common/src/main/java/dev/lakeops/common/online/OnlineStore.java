package dev.lakeops.common.online;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Per (feature view, entity key), the entity's recent feature history, for serving: the partial
 * aggregates per event time within the view's longest window of the entity's latest event, plus
 * always the latest event's slot, and the time from which that history is complete (see {@link
 * dev.lakeops.common.features.FeatureHistory}). Written by the Flink online-store job and by {@code
 * mlops materialize}, which store the same history for the same events; read by streaming inference
 * and by {@code mlops online-store get}.
 *
 * <p><b>Reads</b> at a time {@code t} (epoch ms) answer as the point-in-time join answers a label
 * at {@code t} (the rule is in one place, {@code HistoryReader}): window features aggregate {@code
 * (t − window, t]} (so counts decay to 0), row-level features come from the latest event at or
 * before {@code t}, the TTL rule is {@link dev.lakeops.common.features.Freshness} (inclusive), and
 * a row later than {@code t} is never used: when the kept history does not reach back to {@code t}
 * the answer is "not reached" ({@link OnlineRead.Status}).
 *
 * <p><b>Writes</b> are idempotent: per (view, key) a history replaces the stored one only when its
 * latest event time is at or after the stored one's, so replaying after a failure, or materializing
 * an older state over a fresher streamed one, never moves a key backwards.
 *
 * <p>Open one with {@link OnlineStores#open} (or {@link OnlineStoreSpec#open} in a task).
 */
public interface OnlineStore extends AutoCloseable {

  /** Writes histories of one view (see the class comment for the replace rule). */
  void writeHistories(String view, Collection<StoredHistory> histories);

  /**
   * Writes rows computed elsewhere as values snapshots ({@link FeatureValues#encodeSnapshot}): read
   * as is at or after their event time (within the TTL), "not reached" before it; their windows do
   * not decay. For imports and tests; the feature pipeline's writers store histories.
   */
  default void write(String view, Collection<FeatureRow> rows) {
    List<StoredHistory> out = new ArrayList<>(rows.size());
    for (FeatureRow r : rows) {
      out.add(
          new StoredHistory(
              r.entityKey(), r.eventTimeMillis() * 1000, FeatureValues.encodeSnapshot(r)));
    }
    writeHistories(view, out);
  }

  /**
   * The values of a key at {@code asOfMillis} (epoch ms), or why there are none.
   *
   * @throws dev.lakeops.common.error.LakeOpsException when the store cannot be reached
   */
  OnlineRead lookup(String view, String entityKey, long asOfMillis);

  /** {@link #lookup} for many keys of one view, in order; a store may do it in one round trip. */
  default List<OnlineRead> lookupMany(String view, List<String> entityKeys, long asOfMillis) {
    List<OnlineRead> out = new ArrayList<>(entityKeys.size());
    for (String k : entityKeys) {
      out.add(lookup(view, k, asOfMillis));
    }
    return out;
  }

  /**
   * {@link #lookup} of several (view, key) pairs at one time, as one event needs them: answer i is
   * that of {@code lookup(views.get(i), entityKeys.get(i), asOfMillis)}. Redis reads them in one
   * round trip (a pipeline); the embedded store in one read transaction (one snapshot of the file,
   * one lock acquisition).
   *
   * @param views view names, any order, repeats allowed
   * @param entityKeys the key read in each view, as many as {@code views}
   * @throws IllegalArgumentException when the two lists differ in size
   * @throws dev.lakeops.common.error.LakeOpsException when the store cannot be reached
   */
  default List<OnlineRead> lookupViews(
      List<String> views, List<String> entityKeys, long asOfMillis) {
    checkSameSize(views, entityKeys);
    List<OnlineRead> out = new ArrayList<>(views.size());
    for (int i = 0; i < views.size(); i++) {
      out.add(lookup(views.get(i), entityKeys.get(i), asOfMillis));
    }
    return out;
  }

  /** Fails unless a {@link #lookupViews} call names one key per view. */
  static void checkSameSize(List<String> views, List<String> entityKeys) {
    if (views.size() != entityKeys.size()) {
      throw new IllegalArgumentException(
          views.size() + " views but " + entityKeys.size() + " keys: give one key per view");
    }
  }

  /**
   * The key's values at {@code asOfMillis} (epoch ms), or empty when {@link #lookup} finds none (no
   * row, none at or before that time, history not reaching back, expired, stale). The row's event
   * time is the latest event at or before {@code asOfMillis}; never later.
   */
  default Optional<FeatureRow> read(String view, String entityKey, long asOfMillis) {
    return lookup(view, entityKey, asOfMillis).toOptional();
  }

  /** {@link #read} for many keys of one view, in the order of {@code entityKeys}. */
  default List<Optional<FeatureRow>> readMany(
      String view, List<String> entityKeys, long asOfMillis) {
    List<Optional<FeatureRow>> out = new ArrayList<>(entityKeys.size());
    for (OnlineRead r : lookupMany(view, entityKeys, asOfMillis)) {
      out.add(r.toOptional());
    }
    return out;
  }

  /** How many keys the view holds (expired ones included): for checks and the CLI. */
  long count(String view);

  @Override
  void close();
}
