package dev.lakeops.flink.features;

import dev.lakeops.common.online.FeatureRow;
import dev.lakeops.common.online.OnlineStore;
import java.time.Instant;
import java.util.Optional;

/** Waits for the online store to hold a key's row at a given event time. */
final class FeatureRowCheck {
  private FeatureRowCheck() {}

  static FeatureRow await(
      OnlineStore store, String view, String key, String eventTime, long timeoutMs)
      throws InterruptedException {
    long t = Instant.parse(eventTime).toEpochMilli();
    long end = System.currentTimeMillis() + timeoutMs;
    Optional<FeatureRow> last = Optional.empty();
    while (System.currentTimeMillis() < end) {
      last = store.read(view, key, t);
      if (last.isPresent() && last.get().eventTimeMillis() == t) {
        return last.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        view
            + " "
            + key
            + ": no row at "
            + eventTime
            + " within "
            + timeoutMs
            + " ms; last "
            + last);
  }
}
