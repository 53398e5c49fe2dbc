package dev.lakeops.bench.stream;

import dev.lakeops.bench.PeakHeap;
import dev.lakeops.bench.monitor.MonitorBenchmark;
import dev.lakeops.bench.monitor.Stats;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.online.OnlineRead;
import dev.lakeops.common.online.OnlineStore;
import dev.lakeops.common.online.OnlineStoreConfig;
import dev.lakeops.common.online.OnlineStoreSpec;
import dev.lakeops.common.online.OnlineStores;
import dev.lakeops.flink.features.OnlineStoreJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The online-store job's throughput against a bare Flink keyed job computing the same windows on
 * the same events, and the job's state per entity ({@code submit/bench online-store-job}; see
 * benchmarks/README.md). Not a test: it prints figures and checks that both sides stored the same
 * values.
 *
 * <pre>
 * OnlineStoreBenchmark [--events 1000000] [--entities 100000] [--span-days 180] [--windows 7,30]
 *     [--rounds 3] [--parallelism 1] [--checkpoint-ms 10000] [--batch 1000] [--seed 42]
 *     [--verify-sample 2000] [--state-windows 7,30,90] [--work-dir DIR] [--keep]
 *     [--only ours|bare]
 * </pre>
 *
 * <p>{@code --only} runs one side alone (a warm-up and the rounds; nothing compared): for
 * profiling.
 *
 * <p>Part 1, throughput: {@link StreamData} writes the events (one CSV file, times ascending) and a
 * project whose one view has count, sum, mean and max of the amount over each window of {@code
 * --windows} (days). Ours is {@link OnlineStoreJob} as the CLI builds it (files read once, the
 * source's validation, dead letter, watermarks with no out-of-orderness, per-entity {@code
 * FeatureHistory}, a history per (view, key) into the embedded store in batches of {@code
 * --batch}); the baseline is {@link BareWindowJob}. Both run on a local MiniCluster in this JVM
 * with the same Flink settings (heap state, exactly-once checkpoints every {@code --checkpoint-ms},
 * 10 s as the CLI's streaming default, to files), each writing its own SQLite store; a warm-up of
 * each, then {@code --rounds} pairs in ABBA order. events/s = events / the job's net runtime; the
 * ratio is the median of the per-round ratios ours/bare. Also the JVM's CPU time per event (all
 * threads, GC and JIT included) and its ratio bare/ours (the throughput ratio if both had the cores
 * to themselves: steadier than wall time on a shared machine). Peak heap per run ({@link
 * PeakHeap}).
 *
 * <p>Verified: after the warm-ups, every account's values read back from both stores at its latest
 * event time are equal (doubles bit for bit) and found; after each round, a seeded sample of {@code
 * --verify-sample} accounts, and the store's key count. Ours must dead-letter nothing.
 *
 * <p>Part 2, state ({@link StateSize}): per longest window of {@code --state-windows} (days), the
 * job's per-entity state after all events (bytes as Flink's heap backend serializes it in a
 * checkpoint, and on the heap), against the bare job's buffer.
 */
public final class OnlineStoreBenchmark {
  private OnlineStoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    dev.lakeops.bench.FlagArgs parsed = dev.lakeops.bench.FlagArgs.parse(args);
    if (parsed.help()) {
      System.out.println(
          "submit/bench online-store-job [--events 1000000] [--entities 100000] [--span-days 180]"
              + " [--windows 7,30] [--rounds 3] [--parallelism 1] [--checkpoint-ms 10000]"
              + " [--batch 1000] [--seed 42] [--verify-sample 2000] [--state-windows 7,30,90]"
              + " [--work-dir DIR] [--keep]");
      return;
    }
    Map<String, String> opts = parsed.options();
    boolean keep = parsed.keep();
    long events = Long.parseLong(opts.getOrDefault("--events", "1000000"));
    int entities = Integer.parseInt(opts.getOrDefault("--entities", "100000"));
    Duration span = Duration.ofDays(Long.parseLong(opts.getOrDefault("--span-days", "180")));
    List<Duration> windows = days(opts.getOrDefault("--windows", "7,30"));
    int rounds = Integer.parseInt(opts.getOrDefault("--rounds", "3"));
    int parallelism = Integer.parseInt(opts.getOrDefault("--parallelism", "1"));
    Duration checkpoint =
        Duration.ofMillis(Long.parseLong(opts.getOrDefault("--checkpoint-ms", "10000")));
    int batch = Integer.parseInt(opts.getOrDefault("--batch", "1000"));
    long seed = Long.parseLong(opts.getOrDefault("--seed", "42"));
    int sample = Integer.parseInt(opts.getOrDefault("--verify-sample", "2000"));
    List<Duration> stateWindows = days(opts.getOrDefault("--state-windows", "7,30,90"));
    Path work =
        opts.containsKey("--work-dir")
            ? Files.createDirectories(Path.of(opts.get("--work-dir")).toAbsolutePath())
            : Files.createTempDirectory("online-store-bench");

    StreamData data = new StreamData(events, entities, span, seed);
    Path eventsFile = work.resolve("events/events.csv");
    long t0 = System.nanoTime();
    data.write(eventsFile);
    Path projectDir = work.resolve("project");
    StreamData.writeProject(projectDir, eventsFile, windows);
    ProjectConfig project = ProjectLoader.load(projectDir);
    System.out.printf(
        Locale.ROOT,
        "online-store job benchmark: %,d events of %,d accounts over %d days (one every %,d ms),"
            + " windows %s, parallelism %d, checkpoints every %s, store batches of %,d, %d rounds,"
            + " %d cores, load %s; input written in %.1f s (untimed), work dir %s%n",
        events,
        entities,
        span.toDays(),
        data.spacingMillis(),
        windows.stream().map(StreamData::days).toList(),
        parallelism,
        checkpoint,
        batch,
        rounds,
        Runtime.getRuntime().availableProcessors(),
        loadAverage(),
        (System.nanoTime() - t0) / 1e9,
        work);
    try {
      List<String> stateTable =
          opts.containsKey("--only")
              ? List.of()
              : StateSize.measure(data, eventsFile, work, stateWindows);
      Runs runs =
          new Runs(
              work,
              project,
              eventsFile.toString(),
              windows,
              parallelism,
              checkpoint,
              batch,
              events);
      if (opts.containsKey("--only")) {
        // For profiling one side: its runs only, nothing compared.
        boolean isOurs = opts.get("--only").equals("ours");
        for (int i = 0; i <= rounds; i++) {
          Run r = runs.run(isOurs);
          System.out.printf(
              Locale.ROOT,
              "  %s run %d: %,10.0f events/s, CPU %.1f µs/event, load %s%n",
              opts.get("--only"),
              i,
              events * 1000.0 / r.millis(),
              r.cpuMicrosPerEvent(),
              loadAverage());
          runs.delete(r);
        }
        return;
      }
      // Warm-up (JIT, class loading), then every account verified (untimed).
      Run ours = runs.run(true);
      Run bare = runs.run(false);
      System.out.printf(
          Locale.ROOT,
          "  warm-up   ours %,10.0f events/s, bare %,10.0f events/s%n",
          events * 1000.0 / ours.millis(),
          events * 1000.0 / bare.millis());
      int[] all = new int[entities];
      Arrays.setAll(all, i -> i);
      verify(ours, bare, data, all, true);
      runs.delete(ours);
      runs.delete(bare);
      double[] oursRates = new double[rounds];
      double[] bareRates = new double[rounds];
      double[] ratios = new double[rounds];
      double[] oursCpu = new double[rounds];
      double[] bareCpu = new double[rounds];
      double[] cpuRatios = new double[rounds];
      double[] oursHeap = new double[rounds];
      double[] bareHeap = new double[rounds];
      SplittableRandom pick = new SplittableRandom(seed + 1);
      for (int i = 0; i < rounds; i++) {
        boolean[] order = i % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true};
        Run[] pair = new Run[2];
        for (boolean isOurs : order) {
          Run r = runs.run(isOurs);
          pair[isOurs ? 0 : 1] = r;
          double rate = events * 1000.0 / r.millis();
          (isOurs ? oursRates : bareRates)[i] = rate;
          (isOurs ? oursHeap : bareHeap)[i] = r.peakHeapMiB();
          (isOurs ? oursCpu : bareCpu)[i] = r.cpuMicrosPerEvent();
          System.out.printf(
              Locale.ROOT,
              "  round %d   %-4s %,10.0f events/s (%.1f s), CPU %.1f µs/event, peak heap %,.0f"
                  + " MiB, load %s%n",
              i + 1,
              isOurs ? "ours" : "bare",
              rate,
              r.millis() / 1000.0,
              r.cpuMicrosPerEvent(),
              r.peakHeapMiB(),
              loadAverage());
        }
        ratios[i] = oursRates[i] / bareRates[i];
        cpuRatios[i] = bareCpu[i] / oursCpu[i];
        int[] ids = new int[Math.min(sample, entities)];
        Arrays.setAll(ids, k -> pick.nextInt(entities));
        verify(pair[0], pair[1], data, ids, false);
        runs.delete(pair[0]);
        runs.delete(pair[1]);
      }
      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "online-store job vs bare Flink keyed job (events/s: median of %d rounds, range; ratio"
              + " = median of per-round ours/bare), load %s:%n",
          rounds,
          loadAverage());
      System.out.printf(
          Locale.ROOT,
          "%6s  %14s  %22s  %10s  %12s  %14s  %16s%n",
          "side",
          "events/s",
          "rounds",
          "ours/bare",
          "CPU µs/event",
          "CPU ours/bare",
          "peak heap MiB");
      System.out.printf(
          Locale.ROOT,
          "%6s  %,14.0f  %22s  %10.2f  %12.1f  %14.2f  %,16.0f%n",
          "ours",
          Stats.median(oursRates),
          Stats.range(oursRates),
          Stats.median(ratios),
          Stats.median(oursCpu),
          Stats.median(cpuRatios),
          Stats.median(oursHeap));
      System.out.printf(
          Locale.ROOT,
          "%6s  %,14.0f  %22s  %10s  %12.1f  %14s  %,16.0f%n",
          "bare",
          Stats.median(bareRates),
          Stats.range(bareRates),
          "",
          Stats.median(bareCpu),
          "",
          Stats.median(bareHeap));
      System.out.println();
      stateTable.forEach(System.out::println);
    } finally {
      if (!keep) {
        delete(work);
      }
    }
  }

  static List<Duration> days(String list) {
    List<Duration> out = new ArrayList<>();
    for (String d : list.split(",")) {
      out.add(Duration.ofDays(Long.parseLong(d.trim())));
    }
    return out;
  }

  /** One run: the job's net runtime, the peak heap while it ran, where it wrote. */
  record Run(
      boolean ours,
      long millis,
      double cpuMicrosPerEvent,
      double peakHeapMiB,
      Path dir,
      OnlineStoreSpec spec) {}

  /** Runs either side with the same settings, each in its own directory. */
  static final class Runs {
    private final Path work;
    private final ProjectConfig project;
    private final String eventsFile;
    private final List<Duration> windows;
    private final int parallelism;
    private final Duration checkpoint;
    private final int batch;
    private final long events;
    private int count;

    Runs(
        Path work,
        ProjectConfig project,
        String eventsFile,
        List<Duration> windows,
        int parallelism,
        Duration checkpoint,
        int batch,
        long events) {
      this.events = events;
      this.work = work;
      this.project = project;
      this.eventsFile = eventsFile;
      this.windows = windows;
      this.parallelism = parallelism;
      this.checkpoint = checkpoint;
      this.batch = batch;
    }

    Run run(boolean ours) throws Exception {
      Path dir = work.resolve("run-" + count++ + (ours ? "-ours" : "-bare"));
      OnlineStoreSpec spec =
          OnlineStores.spec(
              new OnlineStoreConfig.Embedded(dir.resolve("online.db").toString()),
              dir.resolve("warehouse").toString(),
              project);
      OnlineStoreJob.Options o =
          OnlineStoreJob.Options.builder()
              .jobName("online_store_bench")
              .project(project)
              .source("events")
              .input(new OnlineStoreJob.Files(eventsFile, null))
              .deadLetter(new OnlineStoreJob.DeadLetterFiles(dir.resolve("dead_letter").toString()))
              .store(spec::open)
              .outOfOrderness(Duration.ZERO)
              .checkpointInterval(checkpoint)
              .parallelism(parallelism)
              .storeBatchSize(batch)
              .flinkConf(
                  Map.of(
                      "execution.checkpointing.storage",
                      "filesystem",
                      "execution.checkpointing.dir",
                      dir.resolve("checkpoints").toUri().toString(),
                      "rest.bind-port",
                      "0"))
              .build();
      // The same Flink settings for both sides: the job's own (heap state, checkpoints).
      Configuration conf = OnlineStoreJob.configuration(o);
      StreamExecutionEnvironment env =
          StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
      if (ours) {
        OnlineStoreJob.build(env, o);
      } else {
        BareWindowJob.build(env, eventsFile, windows, spec, batch);
      }
      JobExecutionResult result;
      double peak;
      long cpu0 = processCpuNanos();
      try (PeakHeap heap = PeakHeap.start()) {
        result = env.execute(ours ? "online-store-job" : "bare-keyed-job");
        peak = heap.peakMiB();
      }
      double cpuPerEvent = (processCpuNanos() - cpu0) / 1e3 / events;
      if (ours) {
        long dead = lines(dir.resolve("dead_letter"));
        check(dead == 0, "ours dead-lettered " + dead + " records");
      }
      return new Run(ours, result.getNetRuntime(), cpuPerEvent, peak, dir, spec);
    }

    void delete(Run r) {
      OnlineStoreBenchmark.delete(r.dir());
    }
  }

  /**
   * Reads accounts {@code ids} from both runs' stores at each one's latest event time and checks
   * that both found the same values (and, with {@code counts}, that both hold every account).
   */
  static void verify(Run ours, Run bare, StreamData data, int[] ids, boolean counts) {
    long t0 = System.nanoTime();
    int checked = 0;
    List<String> diffs = new ArrayList<>();
    try (OnlineStore a = ours.spec().open();
        OnlineStore b = bare.spec().open()) {
      long withEvents = Arrays.stream(data.latestMillis).filter(t -> t >= 0).count();
      check(
          a.count(StreamData.VIEW) == withEvents && b.count(StreamData.VIEW) == withEvents,
          "keys stored: ours "
              + a.count(StreamData.VIEW)
              + ", bare "
              + b.count(StreamData.VIEW)
              + ", accounts with events "
              + withEvents);
      for (int id : ids) {
        long at = data.latestMillis[id];
        if (at < 0) {
          continue;
        }
        String key = StreamData.key(id);
        OnlineRead x = a.lookup(StreamData.VIEW, key, at);
        OnlineRead y = b.lookup(StreamData.VIEW, key, at);
        checked++;
        if (x.status() != OnlineRead.Status.FOUND
            || y.status() != OnlineRead.Status.FOUND
            || !x.row().equals(y.row())) {
          if (diffs.size() < 5) {
            diffs.add(key + ": ours " + x + " bare " + y);
          }
          diffs.add("");
        }
      }
    }
    check(
        diffs.isEmpty(),
        diffs.stream().filter(d -> !d.isEmpty()).count()
            + " of "
            + checked
            + " accounts differ, e.g. "
            + diffs.stream().filter(d -> !d.isEmpty()).toList());
    System.out.printf(
        Locale.ROOT,
        "  verified: %,d accounts read back equal from both stores%s (%.1f s, untimed)%n",
        checked,
        counts ? " (all)" : "",
        (System.nanoTime() - t0) / 1e9);
  }

  /** The CPU time of this JVM so far (every thread: tasks, GC, JIT), in ns. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "(unknown)";
    }
  }

  static long lines(Path dir) throws IOException {
    return MonitorBenchmark.lines(dir);
  }

  static void check(boolean ok, String message) {
    MonitorBenchmark.check(ok, message);
  }

  static void delete(Path dir) {
    MonitorBenchmark.delete(dir);
  }
}
