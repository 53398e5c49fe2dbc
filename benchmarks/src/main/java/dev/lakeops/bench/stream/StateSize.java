package dev.lakeops.bench.stream;

import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.events.Decoded;
import dev.lakeops.common.events.SourceDecoder;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.features.FeatureHistory;
import dev.lakeops.common.features.IncrementalFeatures;
import dev.lakeops.flink.features.FeatureHistorySerializer;
import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * The online-store job's keyed state per entity, and how it grows with the longest window. For each
 * longest window {@code L}, a view like the benchmark's over windows 7 days and {@code L}: the
 * events (the benchmark's file, decoded by the source's own decoder) are added to one {@link
 * FeatureHistory} per account as the job's keyed function does (add, rows produced, slots expired
 * as the watermark passes each event), ending at the watermark of the last event (not at the end of
 * input, which expires every entity to its latest slot). Reported per account with events:
 *
 * <ul>
 *   <li>the slots kept (distinct event times);
 *   <li>the checkpointed bytes: the key and the {@code ValueState<FeatureHistory>} value as Flink's
 *       serializer for the job's state type writes them (what the heap backend puts in a checkpoint
 *       per key, without the per-key timer);
 *   <li>the heap bytes: the used heap after a full collection with every history held in a map,
 *       minus without it, per account (approximate: the JVM's own accounting);
 *   <li>the bytes of the view's stored history as of the account's latest event (what the online
 *       store holds per key);
 *   <li>the same two figures for the bare job's buffer ({@link BareWindowJob.Buffer}: the events
 *       within the longest window of the account's latest event, kept until its next event).
 * </ul>
 */
final class StateSize {
  private StateSize() {}

  /**
   * The state table's lines (to print later): measured before any job runs, so that the heap
   * figures are not blurred by what the MiniClusters leave to collect.
   */
  static List<String> measure(StreamData data, Path eventsFile, Path work, List<Duration> longest)
      throws IOException {
    List<String> table = new ArrayList<>();
    table.add(
        String.format(
            Locale.ROOT,
            "%8s  %8s  %10s  %13s  %8s  %14s  %18s  %11s",
            "longest",
            "windows",
            "slots/key",
            "checkpoint B",
            "heap B",
            "stored B/view",
            "bare checkpoint B",
            "bare heap B"));
    for (Duration l : longest) {
      List<Duration> windows = new ArrayList<>();
      windows.add(Duration.ofDays(7));
      if (!l.equals(Duration.ofDays(7))) {
        windows.add(l);
      }
      Path dir = work.resolve("state-" + l.toDays());
      StreamData.writeProject(dir, eventsFile, windows);
      table.add(measure(data, ProjectLoader.load(dir), eventsFile, l, windows));
    }
    List<String> out = new ArrayList<>();
    out.add(
        String.format(
            Locale.ROOT,
            "online-store job state per account (%,d events of %,d accounts over %d days; at the"
                + " watermark of the last event):",
            data.events,
            data.entities,
            data.span.toDays()));
    out.addAll(table);
    return out;
  }

  static String measure(
      StreamData data,
      ProjectConfig project,
      Path eventsFile,
      Duration longest,
      List<Duration> windows)
      throws IOException {
    SourceConfig source = project.sources().get("events");
    List<FeatureViewConfig> views = project.viewsOf("events");
    IncrementalFeatures features = new IncrementalFeatures(source, views);
    SourceDecoder decoder = new SourceDecoder(source);
    long longestMillis = longest.toMillis();
    Map<String, FeatureHistory> ours = new HashMap<>();
    Map<String, BareWindowJob.Buffer> bare = new HashMap<>();
    long last = Long.MIN_VALUE;
    int[] storedBytes = new int[data.entities];
    gc();
    long before = usedHeap();
    try (BufferedReader r = Files.newBufferedReader(eventsFile)) {
      String header = r.readLine();
      String line;
      long row = 0;
      while ((line = r.readLine()) != null) {
        Decoded d = decoder.decode(line, header, row++, "events");
        if (!(d instanceof SourceEvent e)) {
          throw new IllegalStateException("not an event: " + line + ": " + d);
        }
        long t = e.eventTimeMicros();
        FeatureHistory h = ours.computeIfAbsent(e.entityKey(), k -> new FeatureHistory());
        features.add(h, e);
        // The event's timer: its rows emitted, the last one carrying the stored history.
        storedBytes[StreamData.id(e.entityKey())] = features.encodeView(h, 0, t).length;
        features.produced(h, t);
        features.expire(h, t + 999);
        last = t;
        BareWindowJob.Buffer b =
            bare.computeIfAbsent(e.entityKey(), k -> new BareWindowJob.Buffer());
        long ms = t / 1000;
        b.dropAtOrBefore(ms - longestMillis);
        b.add(ms, (Double) e.values()[2]);
      }
    }
    // The expiry timers due by the last event's watermark have fired for every account.
    for (FeatureHistory h : ours.values()) {
      features.expire(h, last);
    }
    gc();
    long both = usedHeap();
    TypeSerializer<FeatureHistory> ser = FeatureHistorySerializer.INSTANCE;
    TypeSerializer<BareWindowJob.Buffer> bareSer =
        TypeInformation.of(BareWindowJob.Buffer.class).createSerializer(new SerializerConfigImpl());
    DataOutputSerializer out = new DataOutputSerializer(4096);
    long slots = 0;
    long checkpoint = 0;
    long stored = 0;
    for (Map.Entry<String, FeatureHistory> e : ours.entrySet()) {
      out.clear();
      StringSerializer.INSTANCE.serialize(e.getKey(), out);
      ser.serialize(e.getValue(), out);
      checkpoint += out.length();
      slots += e.getValue().size();
      stored += storedBytes[StreamData.id(e.getKey())];
    }
    long bareCheckpoint = 0;
    for (Map.Entry<String, BareWindowJob.Buffer> e : bare.entrySet()) {
      out.clear();
      StringSerializer.INSTANCE.serialize(e.getKey(), out);
      bareSer.serialize(e.getValue(), out);
      bareCheckpoint += out.length();
    }
    bare.clear();
    gc();
    long oursOnly = usedHeap();
    double n = ours.size(); // (keeps the histories reachable up to here)
    double heapPerKey = (oursOnly - before) / n;
    double bareHeapPerKey = (both - oursOnly) / n;
    return String.format(
        Locale.ROOT,
        "%8s  %8s  %10.2f  %,13.0f  %,8.0f  %,14.0f  %,18.0f  %,11.0f",
        StreamData.days(longest),
        windows.size(),
        slots / n,
        checkpoint / n,
        heapPerKey,
        stored / n,
        bareCheckpoint / n,
        bareHeapPerKey);
  }

  private static void gc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
