package dev.lakeops.common.online;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The other process of {@link SqliteCrossProcessTest}: opens the store, prints READY, then polls
 * one key and prints every new event time it sees with a consistency check, until it sees {@code
 * last} or times out.
 *
 * <p>Args: file view key last
 */
public final class EmbeddedStoreReaderMain {
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    String view = args[1];
    String key = args[2];
    long last = Long.parseLong(args[3]);
    long deadline = System.currentTimeMillis() + 60_000;
    try (SqliteOnlineStore store = new SqliteOnlineStore(file, Map.of())) {
      System.out.println("READY");
      System.out.flush();
      long seen = Long.MIN_VALUE;
      while (System.currentTimeMillis() < deadline) {
        Optional<FeatureRow> r = store.read(view, key, Long.MAX_VALUE / 4);
        if (r.isPresent() && r.get().eventTimeMillis() != seen) {
          seen = r.get().eventTimeMillis();
          // The writer stores v = 2 * event time and n = count of rows in its batch: a torn or
          // uncommitted read would break the first.
          boolean consistent = r.get().values().get("v").equals(2.0 * seen);
          System.out.println("SEEN " + seen + " " + consistent + " " + store.count(view));
          System.out.flush();
          if (seen == last) {
            System.out.println("DONE");
            return;
          }
        }
        Thread.sleep(1);
      }
      System.out.println("TIMEOUT " + seen);
    }
  }
}
