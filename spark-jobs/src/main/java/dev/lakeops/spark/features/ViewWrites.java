package dev.lakeops.spark.features;

import dev.lakeops.common.config.FeatureViewConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Writes the feature views of one source as concurrent Spark jobs. Each view is its own Delta
 * table, so their commits never conflict; on a small input a view's write is mostly driver work
 * (planning, reading and committing the Delta log), which one after the other leaves the cores
 * idle. Spark runs jobs submitted from several threads side by side (its scheduler is thread-safe).
 */
final class ViewWrites {
  /** At most this many views are written at once. */
  static final int MAX_CONCURRENT = 4;

  private ViewWrites() {}

  /**
   * Runs {@code write} for every view, at most {@link #MAX_CONCURRENT} at once, and returns each
   * view's result (the Delta version written) by view name, in the order of {@code views}.
   *
   * @throws RuntimeException the first failure among the views, in the order of {@code views} (the
   *     other views' writes still end first; a view written before the failure stays written, as it
   *     would one after the other)
   */
  static Map<String, Long> inParallel(
      List<FeatureViewConfig> views, ToLongFunction<FeatureViewConfig> write) {
    Map<String, LongSupplier> writes = new LinkedHashMap<>();
    views.forEach(v -> writes.put(v.name(), () -> write.applyAsLong(v)));
    return inParallel(writes);
  }

  /**
   * Runs every write (by table or view name), at most {@link #MAX_CONCURRENT} at once, and returns
   * each one's result by name, in the order of {@code writes}. Used for any set of writes to
   * distinct Delta tables of one run (quarantine, events and views on a full refresh).
   *
   * @throws RuntimeException the first failure in the order of {@code writes} (the others still end
   *     first)
   */
  static Map<String, Long> inParallel(Map<String, LongSupplier> writes) {
    Map<String, Long> out = new LinkedHashMap<>();
    if (writes.size() <= 1) {
      writes.forEach((name, w) -> out.put(name, w.getAsLong()));
      return out;
    }
    List<String> names = new ArrayList<>(writes.keySet());
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(writes.size(), MAX_CONCURRENT));
    try {
      List<Future<Long>> futures = new ArrayList<>();
      for (String name : names) {
        LongSupplier w = writes.get(name);
        futures.add(pool.submit(w::getAsLong));
      }
      RuntimeException failure = null;
      for (int i = 0; i < names.size(); i++) {
        try {
          out.put(names.get(i), futures.get(i).get());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Error err) {
            throw err;
          }
          RuntimeException r =
              e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e);
          if (failure == null) {
            failure = r;
          } else {
            failure.addSuppressed(r);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while writing the feature views", e);
        }
      }
      if (failure != null) {
        throw failure;
      }
      return out;
    } finally {
      pool.shutdown();
    }
  }
}
