package dev.lakeops.flink.serving;

import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.online.FeatureRow;
import dev.lakeops.common.online.OnlineStore;
import dev.lakeops.common.online.OnlineStoreConfig;
import dev.lakeops.common.online.OnlineStoreSpec;
import dev.lakeops.common.online.OnlineStores;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.registry.Champion;
import dev.lakeops.flink.registry.RegistryReader;
import dev.lakeops.flink.testing.SparkRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The serving tests' shared world, built once per JVM: the Elec2 example run through the real Spark
 * launcher ({@code submit/mlops features}, {@code train}, {@code promote}) in a temporary
 * warehouse, so the registry holds a production version 1 and a second, different version 2 (a
 * stronger regularisation) not yet promoted; and an online store loaded with the latest feature row
 * of each view, read from the Spark-written feature tables with Delta Kernel.
 */
public final class ServingFixture {
  public static final String MODEL = "price_direction";
  private static ServingFixture instance;

  public final Path dir;
  public final Path project;
  public final Path projectV2;
  public final String warehouse;
  public final ProjectConfig config;

  /** Per view: the latest feature row of each key. */
  public final Map<String, List<FeatureRow>> latestRows = new LinkedHashMap<>();

  /** The latest event time of the feature rows (events are sent shortly after it). */
  public final long lastFeatureMillis;

  private StoreOpener store;

  public static synchronized ServingFixture get() {
    if (instance == null) {
      try {
        instance = new ServingFixture();
      } catch (Exception e) {
        throw new IllegalStateException("the serving fixture could not be built", e);
      }
    }
    return instance;
  }

  /** The project's log configuration (set before Flink's first logger). */
  public static void logging() {
    if (System.getProperty("log4j2.configurationFile") == null) {
      System.setProperty(
          "log4j2.configurationFile", repo().resolve("conf/log4j2.properties").toString());
    }
  }

  public static Path repo() {
    return SparkRuns.repo();
  }

  private ServingFixture() throws Exception {
    // Local reruns may keep the Spark-built world: LAKEOPS_SERVING_FIXTURE=<dir> (built there
    // once).
    String keep = System.getenv("LAKEOPS_SERVING_FIXTURE");
    dir =
        keep == null
            ? Files.createTempDirectory("lakeops-serving")
            : Files.createDirectories(Path.of(keep));
    warehouse = dir.resolve("warehouse").toString();
    // One fit each, no grid search (fast); version 2 boosts 5 trees instead of 30: other scores.
    project = copyProject(dir.resolve("elec2"), 30);
    projectV2 = copyProject(dir.resolve("elec2-v2"), 5);
    Path ready = dir.resolve("ready");
    if (!Files.exists(ready)) {
      step("features", "--project", project.toString());
      step("train", "--project", project.toString(), "--model", MODEL);
      // Promoting version 1 and training version 2 at once: the registry serializes the two
      // changes (each commit is guarded by the model's epoch), and it saves a launcher's time.
      java.util.concurrent.CompletableFuture<Void> promote =
          java.util.concurrent.CompletableFuture.runAsync(
              () -> {
                try {
                  step(
                      "promote",
                      "--project",
                      project.toString(),
                      "--model",
                      MODEL,
                      "--version",
                      "1");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      step("train", "--project", projectV2.toString(), "--model", MODEL);
      promote.join();
      Files.writeString(ready, "");
    } else if (registry0().champion(MODEL).orElseThrow().version() != 1) {
      step(
          "promote",
          "--project",
          project.toString(),
          "--model",
          MODEL,
          "--version",
          "1",
          "--force",
          "--reason",
          "test reset");
    }
    config = ProjectLoader.load(project);
    long last = 0;
    KernelTables tables = new KernelTables();
    for (FeatureViewConfig v : config.featureViews().values()) {
      String key = config.entities().get(v.entity()).key();
      String path = new Warehouse(warehouse, config.database()).featureView(v.name()).path();
      Map<String, Map<String, Object>> latest = new HashMap<>();
      for (Map<String, Object> r : tables.readAll(path)) {
        String k = (String) r.get(key);
        Map<String, Object> seen = latest.get(k);
        if (seen == null || (Long) seen.get("event_time") < (Long) r.get("event_time")) {
          latest.put(k, r);
        }
      }
      List<FeatureRow> rows = new ArrayList<>();
      for (Map.Entry<String, Map<String, Object>> e : latest.entrySet()) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (FeatureSpec f : v.features()) {
          values.put(f.name(), e.getValue().get(f.name()));
        }
        long millis = (Long) e.getValue().get("event_time") / 1000;
        last = Math.max(last, millis);
        rows.add(new FeatureRow(e.getKey(), millis, values));
      }
      latestRows.put(v.name(), rows);
    }
    lastFeatureMillis = last;
  }

  /**
   * Copies the fixture's registry (production version 1, version 2 not promoted) into another
   * warehouse, for a test whose outputs go to a warehouse of its own.
   */
  public void copyRegistryTo(Path warehouseRoot) throws IOException {
    Path from = Path.of(new Warehouse(warehouse, config.database()).modelVersions().path());
    Path to =
        Path.of(new Warehouse(warehouseRoot.toString(), config.database()).modelVersions().path());
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }

  /** Writes the latest rows into a store (the embedded SQLite store in the tests). */
  public void load(OnlineStore store) {
    latestRows.forEach(store::write);
  }

  /** The embedded (SQLite) online store the jobs read, loaded once with the latest rows. */
  public synchronized StoreOpener onlineStore() {
    if (store == null) {
      OnlineStoreSpec spec =
          OnlineStores.spec(
              new OnlineStoreConfig.Embedded(dir.resolve("online/features.db").toString()),
              warehouse,
              config);
      try (OnlineStore s = spec.open()) {
        load(s);
      }
      store = spec::open;
    }
    return store;
  }

  public ModelLoader loader() {
    return ModelLoader.pipeline();
  }

  public Champion version(int v) {
    return registry().version(MODEL, v).orElseThrow();
  }

  /** The model's input row as serving builds it for an event at {@code asOfMillis}. */
  public Map<String, Object> featureVector(long asOfMillis) {
    Map<String, Object> row = new HashMap<>();
    try (OnlineStore s = onlineStore().open()) {
      for (var f : champion().parsedSignature().inputs()) {
        Object value = null;
        for (FeatureViewConfig v : config.featureViews().values()) {
          if (v.feature(f.name()).isPresent()) {
            value =
                s.read(v.name(), "NSW", asOfMillis).map(r -> r.values().get(f.name())).orElse(null);
          }
        }
        row.put(f.name(), value);
      }
    }
    return row;
  }

  private RegistryReader registry0() {
    return new RegistryReader(new Warehouse(warehouse, "elec2"));
  }

  public RegistryReader registry() {
    return new RegistryReader(new Warehouse(warehouse, config.database()));
  }

  public Champion champion() {
    return registry().champion(MODEL).orElseThrow();
  }

  private void step(String... args) throws IOException, InterruptedException {
    long t = System.nanoTime();
    mlops(args);
    System.err.printf(
        "serving fixture: mlops %s took %d s%n", args[0], (System.nanoTime() - t) / 1_000_000_000);
  }

  /** A project copy whose source path is absolute, with {@code trees} boosting iterations. */
  private static Path copyProject(Path to, int trees) throws IOException {
    Path from = repo().resolve("conf/examples/elec2");
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        String text = Files.readString(f);
        text =
            text.replace(
                "../../../data/elec2/electricity.csv",
                repo().resolve("data/elec2/electricity.csv").toString());
        if (f.getFileName().toString().equals("models.yaml")) {
          text =
              text.replace("params: {maxIter: 30,", "params: {maxIter: " + trees + ",")
                  .replaceAll("(?m)^\\s*(grid|tuning):.*$", "");
        }
        Files.writeString(to.resolve(f.getFileName()), text);
      }
    }
    return to;
  }

  /** Runs the Spark launcher in its own JVM against the fixture's warehouse. */
  public String mlops(String... args) {
    return mlopsIn(warehouse, args);
  }

  /** Runs the Spark launcher in its own JVM against another warehouse (a test's outputs). */
  public String mlopsIn(String warehouseRoot, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--warehouse", warehouseRoot));
    return SparkRuns.launch(all, null);
  }

  /** Polls {@code check} until it is true or {@code timeout} passes. */
  public static void await(Duration timeout, String what, java.util.function.BooleanSupplier check)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!check.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(200);
    }
  }
}
