package dev.lakeops.spark.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeops.common.config.FeatureViewConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ViewWritesTest {
  private static List<FeatureViewConfig> views(int n) {
    List<FeatureViewConfig> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new FeatureViewConfig("v" + i, "e", "s", Duration.ofDays(1), List.of()));
    }
    return out;
  }

  @Test
  void everyViewIsWrittenOnceAndResultsKeepTheViewsOrder() {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    Map<String, Long> out =
        ViewWrites.inParallel(
            views(5),
            v -> {
              threads.add(Thread.currentThread().getName());
              return Long.parseLong(v.name().substring(1)) * 10;
            });
    assertEquals(List.of("v0", "v1", "v2", "v3", "v4"), List.copyOf(out.keySet()));
    assertEquals(List.of(0L, 10L, 20L, 30L, 40L), List.copyOf(out.values()));
    assertTrue(threads.size() <= ViewWrites.MAX_CONCURRENT, "threads " + threads);
  }

  @Test
  void twoViewsAreWrittenAtTheSameTime() {
    // Each write waits until both have started: written one after the other, this would time out.
    CountDownLatch started = new CountDownLatch(2);
    Map<String, Long> out =
        ViewWrites.inParallel(
            views(2),
            v -> {
              started.countDown();
              try {
                return started.await(10, TimeUnit.SECONDS) ? 1L : 0L;
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    assertEquals(Map.of("v0", 1L, "v1", 1L), out);
  }

  @Test
  void theFirstFailureInViewOrderIsThrownWithTheOthersSuppressed() {
    IllegalStateException first = new IllegalStateException("v1 failed");
    IllegalArgumentException second = new IllegalArgumentException("v3 failed");
    Set<String> written = ConcurrentHashMap.newKeySet();
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () ->
                ViewWrites.inParallel(
                    views(4),
                    v -> {
                      if (v.name().equals("v1")) {
                        throw first;
                      }
                      if (v.name().equals("v3")) {
                        throw second;
                      }
                      written.add(v.name());
                      return 0L;
                    }));
    assertSame(first, e);
    assertEquals(List.of(second), List.of(e.getSuppressed()));
    assertEquals(Set.of("v0", "v2"), written); // the other views' writes still end
  }

  @Test
  void oneViewRunsOnTheCallersThread() {
    String caller = Thread.currentThread().getName();
    String[] ran = new String[1];
    ViewWrites.inParallel(
        views(1),
        v -> {
          ran[0] = Thread.currentThread().getName();
          return 0L;
        });
    assertEquals(caller, ran[0]);
  }
}
