package dev.lakeops.flink.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.online.FeatureRow;
import dev.lakeops.common.online.OnlineStore;
import dev.lakeops.common.online.OnlineStoreConfig;
import dev.lakeops.common.online.OnlineStoreSpec;
import dev.lakeops.common.online.OnlineStores;
import dev.lakeops.flink.testing.SparkRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Runs of the online-store job for tests, and readers of what they wrote. */
final class JobRuns {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JobRuns() {}

  static Path project(String example) {
    return SparkRuns.repo().resolve("conf/examples/" + example);
  }

  static ProjectConfig load(String example) {
    return ProjectLoader.load(project(example));
  }

  /**
   * A job over files, writing to an embedded store, dead letter and feature log under {@code dir}.
   */
  static OnlineStoreJob.Options options(
      String example, Path dir, OnlineStoreJob.Input input, Duration outOfOrderness) {
    ProjectConfig p = load(example);
    OnlineStoreSpec spec =
        OnlineStores.spec(
            new OnlineStoreConfig.Embedded(dir.resolve("online.db").toString()),
            dir.resolve("warehouse").toString(),
            p);
    Map<String, String> conf = new HashMap<>();
    conf.put("restart-strategy.fixed-delay.delay", "200 ms");
    conf.put("execution.checkpointing.storage", "filesystem");
    conf.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
    return OnlineStoreJob.Options.builder()
        .jobName("online_store_test")
        .project(p)
        .source(p.sources().keySet().iterator().next())
        .input(input)
        .deadLetter(new OnlineStoreJob.DeadLetterFiles(dir.resolve("dead_letter").toString()))
        .store(spec::open)
        .outOfOrderness(outOfOrderness)
        .checkpointInterval(Duration.ofMillis(200))
        .storeBatchSize(500)
        .featureLogDir(dir.resolve("feature_log").toString())
        .flinkConf(conf)
        .build();
  }

  /** Committed JSON lines under {@code dir} (in-progress files start with '.'). */
  static List<JsonNode> jsonLines(Path dir) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        if (f.getFileName().toString().startsWith(".")) {
          continue;
        }
        for (String line : Files.readAllLines(f)) {
          if (!line.isBlank()) {
            out.add(JSON.readTree(line));
          }
        }
      }
    }
    return out;
  }

  /**
   * The feature log as view → (key, event time µs) → values (Long, Double, String, Boolean, null).
   */
  static Map<String, Map<RowId, Map<String, Object>>> featureLog(Path dir) throws IOException {
    Map<String, Map<RowId, Map<String, Object>>> out = new TreeMap<>();
    for (JsonNode n : jsonLines(dir)) {
      Map<String, Object> values = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = n.get("values").fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        values.put(
            e.getKey(),
            v.isNull()
                ? null
                : v.isIntegralNumber()
                    ? (Object) v.longValue()
                    : v.isNumber()
                        ? (Object) v.doubleValue()
                        : v.isBoolean() ? v.booleanValue() : v.asText());
      }
      Map<String, Object> before =
          out.computeIfAbsent(n.get("view").asText(), k -> new HashMap<>())
              .put(new RowId(n.get("key").asText(), n.get("event_time_us").asLong()), values);
      if (before != null) {
        throw new IllegalStateException("feature log has a row twice: " + n);
      }
    }
    return out;
  }

  /**
   * Everything in an embedded store: "view|key" → "event time ms values", the rows listed from the
   * file and read back through the store (at their own time, so none is expired).
   */
  static Map<String, String> dumpStore(OnlineStoreJob.Options o, Path db) throws SQLException {
    Map<String, String> out = new TreeMap<>();
    try (OnlineStore store = o.store().open();
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT view, entity_key, latest_micros FROM lakeops_online_history")) {
      while (r.next()) {
        String view = r.getString(1);
        String key = r.getString(2);
        FeatureRow row = store.read(view, key, Math.floorDiv(r.getLong(3), 1000L)).orElseThrow();
        out.put(view + "|" + key, row.eventTimeMillis() + " " + row.values());
      }
    }
    return out;
  }

  record RowId(String key, long eventTimeMicros) {}
}
