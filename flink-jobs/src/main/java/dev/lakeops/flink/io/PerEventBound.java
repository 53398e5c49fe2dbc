package dev.lakeops.flink.io;

import java.io.Serializable;
import java.util.function.Predicate;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * The streaming jobs' watermark rule: bounded out-of-orderness with a watermark after every event
 * that raises the maximum event time ({@code max - bound - 1}), so whether an event is late depends
 * only on the order of the input, not on timing. The online-store job advances it on every event;
 * the monitoring job on predictions only (labels carry no event time).
 *
 * @param <T> the record type
 */
public final class PerEventBound<T> implements WatermarkGenerator<T> {
  /** Which records move the watermark. */
  public interface Advances<T> extends Predicate<T>, Serializable {}

  private final long boundMs;
  private final Advances<T> advances;
  private long max = Long.MIN_VALUE;

  /** Every record moves the watermark. */
  public PerEventBound(long boundMs) {
    this(boundMs, r -> true);
  }

  /**
   * @param boundMs how far (ms) an event may be behind the latest and still count
   * @param advances which records move the watermark (others are never late by it)
   */
  public PerEventBound(long boundMs, Advances<T> advances) {
    this.boundMs = boundMs;
    this.advances = advances;
  }

  @Override
  public void onEvent(T e, long timestamp, WatermarkOutput out) {
    if (timestamp > max && advances.test(e)) {
      max = timestamp;
      out.emitWatermark(new Watermark(max - boundMs - 1));
    }
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput out) {}
}
