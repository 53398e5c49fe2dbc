package dev.lakeops.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The peak of the JVM's used heap (bytes) between {@link #start()} and {@link #close()}, for the
 * benchmarks' memory figures.
 *
 * <p>Between two collections the used heap only grows, so its peak is either the usage just before
 * some collection or the usage at the end. This listens to the collectors' notifications ({@code
 * GarbageCollectionNotificationInfo}: the sum over heap pools of {@code memoryUsageBeforeGc}) and
 * takes the larger of their maximum and the usage at {@link #peakBytes()}. Collections of other
 * threads of the same JVM count too: measure one side at a time. Usage (not committed size) is what
 * is reported; the figure includes garbage not yet collected, so it is an upper bound of the live
 * set.
 */
public final class PeakHeap implements AutoCloseable {
  private static final Set<String> HEAP_POOLS =
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(pool -> pool.getType() == MemoryType.HEAP)
          .map(MemoryPoolMXBean::getName)
          .collect(Collectors.toUnmodifiableSet());

  private final AtomicLong peak = new AtomicLong();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::onNotification;

  private PeakHeap() {}

  /** Starts listening; the peak so far is the heap's current usage. */
  public static PeakHeap start() {
    PeakHeap heap = new PeakHeap();
    heap.peak.set(currentUsed());
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(heap.listener, null, null);
        heap.emitters.add(emitter);
      }
    }
    return heap;
  }

  /** The peak used heap in bytes since {@link #start()}, including the usage at this call. */
  public long peakBytes() {
    return peak.accumulateAndGet(currentUsed(), Math::max);
  }

  /** {@link #peakBytes()} in MiB (2^20 bytes), rounded down. */
  public long peakMiB() {
    return peakBytes() >> 20;
  }

  @Override
  public void close() {
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (ListenerNotFoundException e) {
        // already removed
      }
    }
    emitters.clear();
  }

  private void onNotification(Notification notification, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
        notification.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
    // memoryUsageBeforeGc covers every pool, non-heap ones (metaspace, code cache) included.
    long heapBefore = 0;
    for (Map.Entry<String, MemoryUsage> pool :
        info.getGcInfo().getMemoryUsageBeforeGc().entrySet()) {
      if (HEAP_POOLS.contains(pool.getKey())) {
        heapBefore += pool.getValue().getUsed();
      }
    }
    peak.accumulateAndGet(heapBefore, Math::max);
  }

  private static long currentUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
