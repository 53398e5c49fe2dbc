package dev.lakeops.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A benchmark side whose every run is measured with {@link PeakHeap}: wraps the side's {@link
 * Runnable} for {@link Benchmarks#sideBySide}, which times it (the peak heap is taken inside the
 * timed run; starting and stopping the listener costs microseconds).
 */
final class HeapTracked implements Runnable {
  private final Runnable body;
  private final List<Long> peaksMiB = new ArrayList<>();

  HeapTracked(Runnable body) {
    this.body = body;
  }

  @Override
  public void run() {
    try (PeakHeap h = PeakHeap.start()) {
      body.run();
      peaksMiB.add(h.peakMiB());
    }
  }

  /** The peak used heap (MiB) of every run so far, warm-up first. */
  List<Long> peaksMiB() {
    return List.copyOf(peaksMiB);
  }

  /** The largest peak of the runs so far (MiB); 0 before any run. */
  long maxMiB() {
    return peaksMiB.stream().mapToLong(Long::longValue).max().orElse(0);
  }

  /** "peak heap ours 1,234 MiB, bare Spark 567 MiB (the largest of N runs each)". */
  static String line(String name, String baselineName, HeapTracked ours, HeapTracked bare) {
    return line(name, "ours", baselineName, ours, bare);
  }

  /** As {@link #line(String, String, HeapTracked, HeapTracked)}, naming the first side too. */
  static String line(
      String name, String oursName, String baselineName, HeapTracked ours, HeapTracked bare) {
    return String.format(
        Locale.ROOT,
        "%s: peak heap %s %,d MiB, %s %,d MiB (the largest of %d runs each: %s %s, %s %s)",
        name,
        oursName,
        ours.maxMiB(),
        baselineName,
        bare.maxMiB(),
        ours.peaksMiB.size(),
        oursName,
        ours.peaksMiB,
        baselineName,
        bare.peaksMiB);
  }
}
