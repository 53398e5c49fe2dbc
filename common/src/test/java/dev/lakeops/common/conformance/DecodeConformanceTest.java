package dev.lakeops.common.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.events.Decoded;
import dev.lakeops.common.events.EventTimes;
import dev.lakeops.common.events.Rejection;
import dev.lakeops.common.events.SourceDecoder;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.types.ColumnType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ingest conformance table ({@code src/test/resources/conformance/ingest/cases.jsonl}, expected
 * values written by hand) through the common decoder. The same table runs through the Spark feature
 * pipeline ({@code IngestConformanceIT} in spark-jobs) and the Flink online-store job ({@code
 * DecodeConformanceIT} in flink-jobs).
 */
class DecodeConformanceTest {
  static final Path DIR = Path.of("src/test/resources/conformance/ingest");
  static final String CANONICAL_HEADER = IngestCases.CANONICAL_HEADER;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ProjectConfig PROJECT = ProjectLoader.load(DIR);

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String l : Files.readAllLines(DIR.resolve("cases.jsonl"))) {
      if (!l.isBlank()) {
        JsonNode c = JSON.readTree(l);
        out.add(Arguments.of(c.get("id").asText(), c));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decodesAsTheTableSays(String id, JsonNode c) {
    SourceConfig source = PROJECT.sources().get(c.get("source").asText());
    SourceDecoder d = new SourceDecoder(source);
    String header =
        d.hasHeader() ? (c.has("header") ? c.get("header").asText() : CANONICAL_HEADER) : null;
    Decoded out = d.decode(c.get("line").asText(), header, 0, "case");
    if (c.has("rule")) {
      assertThat(out).isInstanceOf(Rejection.class);
      Rejection r = (Rejection) out;
      assertThat(r.rule()).isEqualTo(c.get("rule").asText());
      assertThat(r.reason()).isEqualTo(c.get("reason").asText());
      return;
    }
    assertThat(out).as(out.toString()).isInstanceOf(SourceEvent.class);
    SourceEvent e = (SourceEvent) out;
    assertThat(e.entityKey()).isEqualTo(c.get("key").asText());
    if (c.has("keys")) { // the keys of the source's other entities, by key column
      for (Iterator<Map.Entry<String, JsonNode>> it = c.get("keys").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> want = it.next();
        int k = source.keyColumns().indexOf(want.getKey());
        assertThat(e.keys()[k]).as(want.getKey()).isEqualTo(want.getValue().asText());
        assertThat(e.forEntity(k).entityKey()).isEqualTo(want.getValue().asText());
      }
    }
    assertThat(EventTimes.format(e.eventTimeMicros())).isEqualTo(c.get("time").asText());
    assertThat(e.eventTimeMicros())
        .isEqualTo(EventTimes.micros(Instant.parse(c.get("time").asText())));
    if (c.has("values")) {
      for (Iterator<Map.Entry<String, JsonNode>> it = c.get("values").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> want = it.next();
        int i = d.columnIndex(want.getKey());
        ColumnType t = source.schema().get(i).type();
        assertThat(canonical(t, e.values()[i])).as(want.getKey()).isEqualTo(want.getValue());
      }
    }
  }

  /** A decoded value as the JSON the table writes (dates as yyyy-MM-dd). */
  static JsonNode canonical(ColumnType t, Object v) {
    if (v == null) {
      return JSON.nullNode();
    }
    if (t == ColumnType.DATE) {
      return JSON.getNodeFactory().textNode(EventTimes.formatDate((Long) v));
    }
    return JSON.valueToTree(v);
  }
}
