package dev.lakeops.common.features;

import java.time.Duration;

/**
 * The TTL rule, the one copy every reader applies: the point-in-time join, {@code materialize},
 * both online stores and serving.
 *
 * <p>A feature row with event time {@code e} is fresh at read time {@code t} when {@code e ≤ t} and
 * {@code t − e ≤ ttl}: the boundary is inclusive, so a row at 2021-01-01T00:00Z with {@code ttl:
 * 1d} is still served at exactly 2021-01-02T00:00Z and expired one microsecond later. This is
 * Feast's rule for historical retrieval (rows with {@code event_timestamp ≥ entity_timestamp −
 * ttl}). A row later than {@code t} is never fresh: it is from the future of the read.
 */
public final class Freshness {
  private Freshness() {}

  /**
   * Whether a row at {@code eventMicros} may be read at {@code asOfMicros} (both epoch
   * microseconds, UTC).
   *
   * @param ttl the view's TTL; null means the row never expires
   */
  public static boolean isFresh(long eventMicros, long asOfMicros, Duration ttl) {
    if (eventMicros > asOfMicros) {
      return false;
    }
    return ttl == null || asOfMicros - eventMicros <= ttlMicros(ttl);
  }

  /** {@link #isFresh(long, long, Duration)} with both times in epoch milliseconds. */
  public static boolean isFreshMillis(long eventMillis, long asOfMillis, Duration ttl) {
    return isFresh(eventMillis * 1000, asOfMillis * 1000, ttl);
  }

  /**
   * The earliest event time (epoch µs) still fresh at {@code asOfMicros}: {@code asOf − ttl},
   * inclusive; {@link Long#MIN_VALUE} when {@code ttl} is null.
   */
  public static long oldestFreshMicros(long asOfMicros, Duration ttl) {
    return ttl == null ? Long.MIN_VALUE : asOfMicros - ttlMicros(ttl);
  }

  /** A TTL in microseconds (saturating, so a TTL of centuries does not overflow). */
  public static long ttlMicros(Duration ttl) {
    try {
      return Math.multiplyExact(ttl.getSeconds(), 1_000_000L) + ttl.getNano() / 1000;
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }
}
