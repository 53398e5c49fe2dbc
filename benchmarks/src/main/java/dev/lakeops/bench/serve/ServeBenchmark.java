package dev.lakeops.bench.serve;

import dev.lakeops.bench.PeakHeap;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.online.OnlineStore;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.registry.Champion;
import dev.lakeops.flink.registry.RegistryReader;
import dev.lakeops.flink.serving.ChampionSource;
import dev.lakeops.flink.serving.ModelLoader;
import dev.lakeops.flink.serving.Prediction;
import dev.lakeops.flink.serving.ScoreFunction;
import dev.lakeops.flink.serving.ServeJob;
import dev.lakeops.flink.serving.ServingPlan;
import dev.lakeops.flink.serving.StoreOpener;
import dev.lakeops.flink.serving.StoreOpeners;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Streaming inference throughput: generated events (JSON lines) through the serving job's scoring
 * operator (parse → online-store lookups as of the event time → request-time overlay → score) on a
 * local MiniCluster, at parallelism 1 and 2, with the Spark-free scorer and with a no-op scorer,
 * with and without the online-store lookups. The outputs are discarded, so the figures are the
 * scoring path's, not a sink's.
 *
 * <pre>
 * ServeBenchmark --project conf/examples/elec2 --warehouse /path/wh [--model price_direction]
 *     [--events 2000000] [--parallelism 1,2] [--rounds 1] [--online-store embedded:/path/features.db]
 * </pre>
 */
public final class ServeBenchmark {
  /** The registry is not polled during a run (the champion is fixed). */
  private static final Duration POLL = Duration.ofHours(1);

  private ServeBenchmark() {}

  /**
   * One measured configuration.
   *
   * @param store the store read (null: no lookups)
   * @param keys the entity keys events name: 0 = Elec2's one market "NSW", else that many keys of
   *     the many-key store
   * @param share the fraction of {@code --events} this variant runs (a Redis round trip per event
   *     makes it slow)
   */
  record Variant(String name, boolean scorer, StoreOpener store, int keys, double share) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i], args[i + 1]);
    }
    ProjectConfig project =
        ProjectLoader.load(Path.of(opts.getOrDefault("--project", "conf/examples/elec2")));
    String warehouse =
        Path.of(opts.getOrDefault("--warehouse", "warehouse")).toAbsolutePath().toString();
    String model = opts.getOrDefault("--model", "price_direction");
    long events = Long.parseLong(opts.getOrDefault("--events", "2000000"));
    int rounds = Integer.parseInt(opts.getOrDefault("--rounds", "1"));
    int keys = Integer.parseInt(opts.getOrDefault("--keys", "100000").replace("_", ""));
    int keyEvents = Integer.parseInt(opts.getOrDefault("--key-events", "4"));
    String redisHost = System.getenv().getOrDefault("LAKEOPS_REDIS_HOST", "127.0.0.1");
    String redisPort = System.getenv().getOrDefault("LAKEOPS_REDIS_PORT", "6379");
    String redisUri = opts.getOrDefault("--redis", "redis://" + redisHost + ":" + redisPort);
    // Elec2's one market holds 27 days of half-hourly readings (0.5 MB a read): few events do.
    double oneKeyShare = Double.parseDouble(opts.getOrDefault("--one-key-share", "0.05"));
    double sqliteShare = Double.parseDouble(opts.getOrDefault("--sqlite-share", "0.25"));
    double redisShare = Double.parseDouble(opts.getOrDefault("--redis-share", "0.25"));
    List<Integer> parallelisms = new ArrayList<>();
    for (String p : opts.getOrDefault("--parallelism", "1,2").split(",")) {
      parallelisms.add(Integer.parseInt(p.trim()));
    }
    RegistryReader registry = new RegistryReader(Warehouse.of(warehouse, project));
    Champion champion =
        registry
            .champion(model)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "model " + model + " has no production version in " + registry.path()));
    var storeConfig =
        opts.containsKey("--online-store")
            ? dev.lakeops.common.online.OnlineStoreConfig.parse(opts.get("--online-store"))
            : project.onlineStore();
    StoreOpener store = StoreOpeners.of(storeConfig, warehouse, project);
    String key =
        ServeJob.plan(
                project, model, POLL, store, ModelLoader.noOp(), ChampionSource.fixed(champion))
            .keyField();
    long at = latest(store, project, key);
    System.out.printf(
        "serving benchmark: model %s v%d, %,d generated events per run (best of %d), entity key %s,"
            + " event time %s, %d cores%n",
        model,
        champion.version(),
        events,
        rounds,
        key,
        java.time.Instant.ofEpochMilli(at),
        Runtime.getRuntime().availableProcessors());

    Path work = Files.createTempDirectory("lakeops-bench-serve-");
    ManyKeys many = keys > 0 ? ManyKeys.build(project, work, keys, keyEvents, at, redisUri) : null;
    List<Variant> variants = new ArrayList<>();
    variants.add(new Variant("scorer + SQLite, 1 key", true, store, 0, oneKeyShare));
    variants.add(new Variant("no-op scorer + SQLite, 1 key", false, store, 0, oneKeyShare));
    if (many != null) {
      String k = String.format(Locale.ROOT, "%dk keys", keys / 1000);
      variants.add(new Variant("scorer + SQLite, " + k, true, many.sqlite(), keys, sqliteShare));
      variants.add(
          new Variant("no-op scorer + SQLite, " + k, false, many.sqlite(), keys, sqliteShare));
      if (many.redis() != null) {
        variants.add(new Variant("scorer + Redis, " + k, true, many.redis(), keys, redisShare));
        variants.add(
            new Variant("no-op scorer + Redis, " + k, false, many.redis(), keys, redisShare));
      }
    }
    variants.add(new Variant("scorer, no store lookup", true, null, 0, 1));
    variants.add(new Variant("no-op scorer, no store lookup", false, null, 0, 1));
    try {
      measure(project, warehouse, model, champion, key, at, variants, parallelisms, events, rounds);
    } finally {
      if (many != null) {
        many.close();
      }
      try (var walk = Files.walk(work)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void measure(
      ProjectConfig project,
      String warehouse,
      String model,
      Champion champion,
      String key,
      long at,
      List<Variant> variants,
      List<Integer> parallelisms,
      long events,
      int rounds)
      throws Exception {
    // Warm-up: JIT, class loading, the store's page cache.
    run(
        project,
        warehouse,
        model,
        champion,
        key,
        at,
        variants.get(0),
        1,
        Math.min(events, 200_000));
    Map<String, double[]> rates = new LinkedHashMap<>();
    Map<String, long[]> heaps = new LinkedHashMap<>();
    for (Variant v : variants) {
      double[] r = new double[parallelisms.size()];
      long[] heap = new long[parallelisms.size()];
      long n = Math.max(1000, (long) (events * v.share()));
      for (int i = 0; i < parallelisms.size(); i++) {
        for (int round = 0; round < rounds; round++) { // best of the rounds: least disturbed
          System.gc(); // each run's peak heap starts from the live set, not the last run's garbage
          try (PeakHeap h = PeakHeap.start()) {
            r[i] =
                Math.max(
                    r[i],
                    run(project, warehouse, model, champion, key, at, v, parallelisms.get(i), n));
            heap[i] = Math.max(heap[i], h.peakMiB());
          }
        }
        System.out.printf(
            Locale.ROOT,
            "  %-36s p=%d  %,12.0f events/s  (%,d events, peak heap %,d MiB, load %s)%n",
            v.name(),
            parallelisms.get(i),
            r[i],
            n,
            heap[i],
            loadAverage());
      }
      rates.put(v.name(), r);
      heaps.put(v.name(), heap);
    }
    System.out.println();
    StringBuilder head = new StringBuilder(String.format("%-36s", "events/s"));
    for (int p : parallelisms) {
      head.append(String.format("%14s", "p=" + p));
    }
    if (parallelisms.size() == 2) {
      head.append(String.format("%10s", "p2/p1"));
    }
    System.out.println(head);
    rates.forEach(
        (name, r) -> {
          StringBuilder line = new StringBuilder(String.format("%-36s", name));
          for (double x : r) {
            line.append(String.format(Locale.ROOT, "%,14.0f", x));
          }
          if (r.length == 2) {
            line.append(String.format(Locale.ROOT, "%10.2f", r[1] / r[0]));
          }
          line.append("   peak heap MiB");
          for (long m : heaps.get(name)) {
            line.append(String.format(Locale.ROOT, " %,6d", m));
          }
          System.out.println(line);
        });
    System.out.println("load average at the end: " + loadAverage());
    System.out.println();
    for (int i = 0; i < parallelisms.size(); i++) {
      StringBuilder line =
          new StringBuilder(
              String.format(Locale.ROOT, "p=%d: scorer / no-op =", parallelisms.get(i)));
      for (Variant v : variants) {
        if (!v.scorer()) {
          continue;
        }
        String noOp = "no-op " + v.name();
        if (rates.containsKey(noOp)) {
          line.append(
              String.format(
                  Locale.ROOT,
                  " %.2f (%s)",
                  rates.get(v.name())[i] / rates.get(noOp)[i],
                  v.store() == null ? "no lookup" : v.name().substring("scorer + ".length())));
        }
      }
      System.out.println(line);
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException | RuntimeException e) {
      return String.format(
          Locale.ROOT,
          "%.2f",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  /**
   * Just after the latest feature row of the entity "NSW" (Elec2's one market), so the lookups find
   * rows within the views' TTL. A read far in the future finds the latest row (expired there, but
   * its time is reported).
   */
  private static long latest(StoreOpener store, ProjectConfig project, String key) {
    long at = 0;
    try (OnlineStore s = store.open()) {
      for (String view : project.featureViews().keySet()) {
        Long t = s.lookup(view, "NSW", Long.MAX_VALUE / 4).rowTimeMillis();
        at = Math.max(at, t == null ? 0L : t);
      }
    }
    if (at == 0) {
      throw new IllegalStateException(
          "the online store has no rows for NSW: run mlops materialize first (submit/bench serve"
              + " does)");
    }
    return at + 60_000;
  }

  /** One run; returns events per second over the job's net runtime. */
  static double run(
      ProjectConfig project,
      String warehouse,
      String model,
      Champion champion,
      String key,
      long at,
      Variant v,
      int parallelism,
      long events)
      throws Exception {
    ServingPlan plan =
        ServeJob.plan(
            project,
            model,
            POLL,
            v.store() == null ? StoreOpener.none() : v.store(),
            v.scorer() ? ModelLoader.pipeline() : ModelLoader.noOp(),
            ChampionSource.fixed(champion));
    Configuration conf = new Configuration();
    conf.setString("rest.bind-port", "0");
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    env.getConfig().enableObjectReuse();
    DataGeneratorSource<String> source =
        new DataGeneratorSource<>(new Events(key, at, v.keys()), events, Types.STRING);
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "generated-events")
        .process(new ScoreFunction(plan))
        .returns(Prediction.class)
        .sinkTo(new DiscardingSink<>());
    JobExecutionResult result = env.execute("serve-benchmark");
    return events * 1000.0 / result.getNetRuntime();
  }

  /**
   * Event i: times within the views' TTL, a request-time price every other event; the entity is
   * "NSW" (keys 0) or one of {@code keys} keys of the many-key store ({@link ManyKeys#key}), spread
   * over them by a multiplicative hash of i (every key equally often, in no order).
   */
  static final class Events implements GeneratorFunction<Long, String> {
    private static final long serialVersionUID = 1L;
    private final String key;
    private final long at;
    private final int keys;

    Events(String key, long at, int keys) {
      this.key = key;
      this.at = at;
      this.keys = keys;
    }

    @Override
    public String map(Long i) {
      StringBuilder sb = new StringBuilder(128);
      sb.append("{\"event_id\":\"e-").append(i).append("\",\"").append(key).append("\":\"");
      if (keys == 0) {
        sb.append("NSW");
      } else {
        ManyKeys.appendKey(sb, (int) Math.floorMod(i * 0x9E3779B1L, (long) keys));
      }
      sb.append("\",\"event_time\":").append(at + (i % 1000));
      if ((i & 1) == 0) {
        sb.append(",\"nswprice\":").append(0.01 + (i % 97) / 1000.0);
      }
      return sb.append('}').toString();
    }
  }
}
