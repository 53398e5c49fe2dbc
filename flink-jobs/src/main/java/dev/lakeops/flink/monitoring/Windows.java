package dev.lakeops.flink.monitoring;

import java.io.Serializable;
import java.time.Duration;

/**
 * Event-time windows of a fixed size, starting every {@code slide} from the epoch (tumbling when
 * slide = size): the windows a time belongs to are the same as Flink's {@code
 * SlidingEventTimeWindows}/{@code TumblingEventTimeWindows} with offset 0 assign, so the drift and
 * the performance statistics of a model share their window bounds. Times in epoch milliseconds.
 */
public record Windows(long sizeMillis, long slideMillis) implements Serializable {

  public Windows {
    if (sizeMillis <= 0 || slideMillis <= 0 || slideMillis > sizeMillis) {
      throw new IllegalArgumentException(
          "windows need 0 < slide <= size, got size " + sizeMillis + " slide " + slideMillis);
    }
  }

  public static Windows of(Duration size, Duration slide) {
    return new Windows(size.toMillis(), slide.toMillis());
  }

  /** Whether consecutive windows overlap. */
  public boolean sliding() {
    return slideMillis < sizeMillis;
  }

  /** The latest window start at or before {@code t}. */
  public long lastStart(long t) {
    return t - Math.floorMod(t, slideMillis);
  }

  /** The starts of every window holding {@code t}: [start, start + size) ∋ t, latest first. */
  public long[] starts(long t) {
    long last = lastStart(t);
    int n = 0;
    for (long s = last; s > t - sizeMillis; s -= slideMillis) {
      n++;
    }
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = last - i * slideMillis;
    }
    return out;
  }

  /** The exclusive end of the window starting at {@code start}. */
  public long end(long start) {
    return start + sizeMillis;
  }

  /** {@code a + b}, saturated at {@link Long#MAX_VALUE} (for timers near the end of time). */
  static long plus(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
