package dev.lakeops.common.features;

import java.io.Serializable;
import java.util.TreeMap;

/**
 * The state one entity needs for incremental feature computation: per distinct event time, the
 * partial aggregates of that time's events (one slot per time), kept while some window still
 * reaches them, and the latest event time whose rows were already produced.
 *
 * <p>Mutable and plain (no engine types), so a streaming engine can keep it as keyed state. Only
 * {@link IncrementalFeatures} reads or changes it.
 */
public final class FeatureHistory implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Event time (epoch microseconds) to the partials of the events at that time. */
  TreeMap<Long, Slot> slots = new TreeMap<>();

  /** Rows were produced for every slot at or before this time (epoch microseconds). */
  long emittedUpTo = Long.MIN_VALUE;

  public FeatureHistory() {}

  /** How many distinct event times are kept. */
  public int size() {
    return slots.size();
  }

  /** The earliest kept event time, or null when empty. */
  public Long earliest() {
    return slots.isEmpty() ? null : slots.firstKey();
  }

  /** The latest kept event time, or null when empty. */
  public Long latest() {
    return slots.isEmpty() ? null : slots.lastKey();
  }

  /** The time up to which rows were produced ({@link Long#MIN_VALUE} before the first). */
  public long emittedUpTo() {
    return emittedUpTo;
  }

  /**
   * The partial aggregates of one feature set at one event time, per feature {@code i}: {@code
   * n[i]} non-null values, their sum {@code s[i]} (summed in arrival order), their mean {@code
   * mean[i]} and sum of squared deviations {@code m2[i]} (a {@link Moments} added in arrival
   * order), and {@code pick[i]}: the least, greatest or, for {@code last} and row-level features,
   * greatest value.
   */
  public static final class Slot implements Serializable {
    private static final long serialVersionUID = 1L;

    long[] n;
    double[] s;
    double[] mean;
    double[] m2;
    Object[] pick;

    public Slot() {}

    Slot(int features) {
      n = new long[features];
      s = new double[features];
      mean = new double[features];
      m2 = new double[features];
      pick = new Object[features];
    }
  }
}
