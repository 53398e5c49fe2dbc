package dev.lakeops.flink.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.conformance.IngestCases;
import dev.lakeops.common.events.EventTimes;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.online.OnlineStoreConfig;
import dev.lakeops.common.online.OnlineStoreSpec;
import dev.lakeops.common.online.OnlineStores;
import dev.lakeops.common.types.ColumnType;
import dev.lakeops.flink.features.OnlineStoreJob;
import dev.lakeops.flink.testing.SparkRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest conformance table ({@code common/src/test/resources/conformance/ingest/cases.jsonl},
 * expected values written by hand) through the online-store job's decode path on a MiniCluster:
 * every accepted case comes out of the decoder with the expected key, time and values, and is not
 * late; every rejected case is in the dead letter with the expected rule and reason. The
 * out-of-orderness bound is ten years, so had the 2099 event moved the watermark, every later 2021
 * event would be dead-lettered as late. The same table runs through the common decoder ({@code
 * DecodeConformanceTest}) and the Spark pipeline ({@code IngestConformanceIT}).
 */
class DecodeConformanceIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  static final Path CASES =
      SparkRuns.repo().resolve("common/src/test/resources/conformance/ingest");
  private static final ObjectMapper JSON = new ObjectMapper();
  static final ConcurrentLinkedQueue<SourceEvent> DECODED = new ConcurrentLinkedQueue<>();

  @TempDir static Path dir;
  static List<JsonNode> cases = new ArrayList<>();
  static List<JsonNode> deadLetter = new ArrayList<>();
  static ProjectConfig project;

  /** Keeps every decoded event (the MiniCluster runs in this JVM). */
  static final class Capture implements MapFunction<SourceEvent, SourceEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public SourceEvent map(SourceEvent e) {
      DECODED.add(e);
      return e;
    }
  }

  @BeforeAll
  static void run() throws Exception {
    Path p = dir.resolve("project");
    cases.addAll(IngestCases.writeProject(CASES, p));
    project = ProjectLoader.load(p);
    for (String source : project.sources().keySet()) {
      Path out = dir.resolve("out-" + source);
      OnlineStoreSpec spec =
          OnlineStores.spec(
              new OnlineStoreConfig.Embedded(out.resolve("online.db").toString()),
              out.resolve("warehouse").toString(),
              project);
      Map<String, String> conf = new HashMap<>();
      conf.put("execution.checkpointing.storage", "filesystem");
      conf.put("execution.checkpointing.dir", out.resolve("checkpoints").toUri().toString());
      OnlineStoreJob.Options o =
          OnlineStoreJob.Options.builder()
              .jobName("decode_conformance_" + source)
              .project(project)
              .source(source)
              .input(new OnlineStoreJob.Files(p.resolve(source).toString(), null))
              .deadLetter(new OnlineStoreJob.DeadLetterFiles(out.resolve("dead_letter").toString()))
              .store(spec::open)
              .outOfOrderness(Duration.ofDays(3650))
              .checkpointInterval(Duration.ofMillis(200))
              .storeBatchSize(100)
              .flinkConf(conf)
              .eventTap(s -> s.map(new Capture()).name("capture"))
              .build();
      OnlineStoreJob.run(o);
      deadLetter.addAll(jsonLines(out.resolve("dead_letter")));
    }
  }

  @Test
  void everyCaseIsDecodedOrDeadLetteredAsTheTableSays() {
    Map<String, SourceEvent> events = new HashMap<>();
    for (SourceEvent e : DECODED) {
      events.put(e.raw(), e);
    }
    Map<String, JsonNode> dead = new HashMap<>();
    for (JsonNode n : deadLetter) {
      dead.put(n.get("raw").asText(), n);
    }
    for (JsonNode c : cases) {
      String id = c.get("id").asText();
      String line = c.get("line").asText();
      if (c.has("rule")) {
        JsonNode d = dead.get(line);
        assertThat(d).as(id + ": dead-lettered").isNotNull();
        assertThat(d.get("rule").asText()).as(id).isEqualTo(c.get("rule").asText());
        assertThat(d.get("reason").asText()).as(id).isEqualTo(c.get("reason").asText());
        continue;
      }
      SourceEvent e = events.get(line);
      assertThat(e).as(id + ": decoded").isNotNull();
      assertThat(dead).as(id + ": not late").doesNotContainKey(line);
      assertThat(e.entityKey()).as(id).isEqualTo(c.get("key").asText());
      if (c.has("keys")) { // the keys of the source's other entities, by key column
        List<String> columns = project.sources().get(c.get("source").asText()).keyColumns();
        for (Iterator<Map.Entry<String, JsonNode>> it = c.get("keys").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> want = it.next();
          assertThat(e.keys()[columns.indexOf(want.getKey())])
              .as(id + ": " + want.getKey())
              .isEqualTo(want.getValue().asText());
        }
      }
      assertThat(EventTimes.format(e.eventTimeMicros())).as(id).isEqualTo(c.get("time").asText());
      if (c.has("values")) {
        SourceConfig s = project.sources().get(c.get("source").asText());
        for (Iterator<Map.Entry<String, JsonNode>> it = c.get("values").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> want = it.next();
          int i = s.columnNames().indexOf(want.getKey());
          Object v = e.values()[i];
          JsonNode got =
              v == null
                  ? JSON.nullNode()
                  : s.schema().get(i).type() == ColumnType.DATE
                      ? JSON.getNodeFactory().textNode(EventTimes.formatDate((Long) v))
                      : JSON.valueToTree(v);
          assertThat(got).as(id + ": " + want.getKey()).isEqualTo(want.getValue());
        }
      }
    }
    long rejected = cases.stream().filter(c -> c.has("rule")).count();
    assertThat(deadLetter).hasSize((int) rejected);
    assertThat(DECODED).hasSize(cases.size() - (int) rejected);
  }

  private static List<JsonNode> jsonLines(Path d) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.isDirectory(d)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(d)) {
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
}
