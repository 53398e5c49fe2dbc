package dev.lakeops.common.online;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Entity key to the latest feature values of each feature view, for serving. Written by the Flink
 * online-store job and by materialization from the offline store; read by streaming inference and
 * by {@code mlops online-store get}.
 *
 * <p>Writes are idempotent: per (view, key) a row replaces the stored one only when its event time
 * is at or after the stored one's, so replaying rows after a failure, or materializing older
 * offline rows over fresher streamed ones, never moves a key backwards.
 *
 * <p>Open one with {@link OnlineStores#open} (or {@link OnlineStoreSpec#open} in a task).
 */
public interface OnlineStore extends AutoCloseable {

  /** Writes rows of one view (see the class comment for the replace rule). */
  void write(String view, Collection<FeatureRow> rows);

  /**
   * The latest row of a key, or empty when there is none or it is older than the view's TTL at
   * {@code asOfMillis} (its event time is at or before {@code asOfMillis - ttl}).
   */
  Optional<FeatureRow> read(String view, String entityKey, long asOfMillis);

  /**
   * {@link #read} for many keys of one view, in the order of {@code entityKeys}; a store may do it
   * in one round trip.
   */
  default List<Optional<FeatureRow>> readMany(
      String view, List<String> entityKeys, long asOfMillis) {
    List<Optional<FeatureRow>> out = new ArrayList<>(entityKeys.size());
    for (String k : entityKeys) {
      out.add(read(view, k, asOfMillis));
    }
    return out;
  }

  /** How many keys the view holds (expired ones included): for checks and the CLI. */
  long count(String view);

  @Override
  void close();
}
