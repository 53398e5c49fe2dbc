package dev.lakeops.bench;

/** A side-by-side benchmark's times ({@link Benchmarks.Result}) and each side's peak heaps. */
record Outcome(Benchmarks.Result result, HeapTracked ours, HeapTracked bare) {
  /** The peak heap line of both sides. */
  String heapLine() {
    return HeapTracked.line(result.name(), result.baselineName(), ours, bare);
  }
}
