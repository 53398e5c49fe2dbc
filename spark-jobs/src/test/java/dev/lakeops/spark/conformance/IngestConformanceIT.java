package dev.lakeops.spark.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.conformance.IngestCases;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.TestSpark;
import dev.lakeops.spark.features.FeaturePipeline;
import dev.lakeops.spark.metadata.RunRecord;
import dev.lakeops.spark.store.DeltaTables;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest conformance table ({@code common/src/test/resources/conformance/ingest/cases.jsonl},
 * expected values written by hand) through the Spark feature pipeline on {@code local[2]}: every
 * accepted case is in the events table with the expected key, time and values; every rejected case
 * is in the quarantine with the expected rule and reason. The same table runs through the common
 * decoder ({@code DecodeConformanceTest}) and the Flink job ({@code DecodeConformanceIT}).
 */
class IngestConformanceIT {
  static final Path CASES =
      TestSpark.repo().resolve("common/src/test/resources/conformance/ingest");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static SparkSession spark;
  static DeltaTables tables;
  static List<JsonNode> cases = new ArrayList<>();
  static Map<String, RunRecord> runs = new HashMap<>();
  static Warehouse warehouse;
  static ProjectConfig project;

  @BeforeAll
  static void run() throws IOException {
    spark = TestSpark.session();
    tables = new DeltaTables(spark);
    Path p = dir.resolve("project");
    cases.addAll(IngestCases.writeProject(CASES, p));
    project = ProjectLoader.load(p);
    warehouse = Warehouse.of(dir.resolve("wh").toString(), project);
    for (String s : project.sources().keySet()) {
      runs.put(
          s, new FeaturePipeline(spark, project, warehouse).run(project.sources().get(s), false));
    }
  }

  @Test
  void everyCaseIsAcceptedOrQuarantinedAsTheTableSays() {
    Map<String, Row> events = new HashMap<>();
    Map<String, Row> quarantined = new HashMap<>();
    for (String s : project.sources().keySet()) {
      // Cases name an event by the key of its source's first entity.
      String key = project.sources().get(s).keyColumns().get(0);
      for (Row r : tables.read(warehouse.events(s)).collectAsList()) {
        events.put(s + "|" + r.<String>getAs(key), r);
      }
      for (Row r : tables.read(warehouse.quarantine(s)).collectAsList()) {
        quarantined.put(s + "|" + r.<String>getAs("raw"), r);
      }
    }
    int accepted = 0;
    int rejected = 0;
    for (JsonNode c : cases) {
      String id = c.get("id").asText();
      String source = c.get("source").asText();
      if (c.has("rule")) {
        Row q = quarantined.get(source + "|" + c.get("line").asText());
        assertThat(q).as(id + ": quarantined").isNotNull();
        assertThat(q.<String>getAs("rule")).as(id).isEqualTo(c.get("rule").asText());
        assertThat(q.<String>getAs("reason")).as(id).isEqualTo(c.get("reason").asText());
        rejected++;
        continue;
      }
      Row e = events.get(source + "|" + c.get("key").asText());
      assertThat(e).as(id + ": an event with key " + c.get("key")).isNotNull();
      assertThat(e.<Timestamp>getAs("event_time").toInstant().toString())
          .as(id)
          .isEqualTo(c.get("time").asText());
      if (c.has("keys")) { // the keys of the source's other entities, in their key columns
        for (Iterator<Map.Entry<String, JsonNode>> it = c.get("keys").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> want = it.next();
          assertThat(e.<String>getAs(want.getKey()))
              .as(id + ": " + want.getKey())
              .isEqualTo(want.getValue().asText());
        }
      }
      if (c.has("values")) {
        for (Iterator<Map.Entry<String, JsonNode>> it = c.get("values").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> want = it.next();
          Object v = e.getAs(want.getKey());
          JsonNode got =
              v instanceof java.sql.Date d
                  ? JSON.getNodeFactory().textNode(d.toString())
                  : JSON.valueToTree(v);
          assertThat(got).as(id + ": " + want.getKey()).isEqualTo(want.getValue());
        }
      }
      accepted++;
    }
    assertThat(accepted + rejected).isEqualTo(cases.size());
    // Nothing else came out: the counts of the runs are the table's (the comment line is no row).
    long wantRejected = cases.stream().filter(c -> c.has("rule")).count();
    assertThat(runs.values().stream().mapToLong(RunRecord::rowsQuarantined).sum())
        .isEqualTo(wantRejected);
    assertThat(runs.values().stream().mapToLong(RunRecord::rowsWritten).sum())
        .isEqualTo(cases.size() - wantRejected);
  }
}
