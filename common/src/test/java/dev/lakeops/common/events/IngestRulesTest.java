package dev.lakeops.common.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.config.SourceConfig.CsvDialect;
import dev.lakeops.common.error.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The single rules of ingest: event-time text, the future bound, keys, the CSV dialect. */
class IngestRulesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static long micros(String instant) {
    return EventTimes.micros(Instant.parse(instant));
  }

  @Test
  void everyAcceptedEventTimeForm() {
    // Expected instants worked out by hand from the offsets.
    assertThat(EventTimes.parseText("2021-03-28T01:30:00+0100"))
        .isEqualTo(micros("2021-03-28T00:30:00Z"));
    assertThat(EventTimes.parseText("2021-03-28T01:30:00+01:00"))
        .isEqualTo(micros("2021-03-28T00:30:00Z"));
    assertThat(EventTimes.parseText("2021-03-28T01:30:00+01"))
        .isEqualTo(micros("2021-03-28T00:30:00Z"));
    assertThat(EventTimes.parseText("2021-03-28T01:30:00-0930"))
        .isEqualTo(micros("2021-03-28T11:00:00Z"));
    assertThat(EventTimes.parseText(" 2021-03-28 01:30 "))
        .isEqualTo(micros("2021-03-28T01:30:00Z"));
    assertThat(EventTimes.parseText("2021-03-28")).isEqualTo(micros("2021-03-28T00:00:00Z"));
    assertThat(EventTimes.parseText("1969-12-31T23:59:59.9999995Z")).isEqualTo(-1L);
    assertThat(EventTimes.parseText("2021-03-28T01:30:00.5Z"))
        .isEqualTo(micros("2021-03-28T01:30:00Z") + 500_000);
    for (String bad :
        new String[] {
          "2021-3-28",
          "2021-03-28T1:30",
          "2021-03-28T01:30:00 +01:00",
          "2021-03-28T01:30:00+1",
          "2021-03-28T01:30:00+01:60",
          "2021-03-28T01:30:00+19:00",
          "2021-03-28T01:30:00Europe/Paris",
          "2021-03-28+01:00",
          "20210328",
          "",
          "2021-03-28T01:30:00.1234567891Z"
        }) {
      assertThat(EventTimes.parseText(bad)).as(bad).isNull();
    }
    assertThat(EventTimes.parseDate("2021-03-28T00:00")).isNull();
  }

  @Test
  void explicitJsonTimes() throws Exception {
    assertThat(EventTimes.fromJson(JSON.readTree("1000"))).isEqualTo(1_000_000L);
    assertThat(EventTimes.fromJson(JSON.readTree("1000.5"))).isNull();
    assertThat(EventTimes.fromJson(JSON.readTree("\"1970-01-01T00:00:01+0000\"")))
        .isEqualTo(1_000_000L);
    assertThat(EventTimes.fromJson(JSON.readTree("true"))).isNull();
    assertThat(EventTimes.fromJson(JSON.readTree("9223372036854775807"))).isNull();
  }

  @Test
  void theFutureBoundIsInclusiveAndOptional() {
    long now = micros("2026-01-01T00:00:00Z");
    Duration day = Duration.ofDays(1);
    assertThat(EventTimes.futureViolation(micros("2026-01-02T00:00:00Z"), now, day)).isNull();
    assertThat(EventTimes.futureViolation(micros("2026-01-02T00:00:00Z") + 1, now, day))
        .isEqualTo(
            "event time 2026-01-02T00:00:00.000001Z is more than 1d (the source's"
                + " max_future_skew) after the processing time; it is not used and does not"
                + " advance the watermark");
    assertThat(EventTimes.futureViolation(micros("2099-01-01T00:00:00Z"), now, null)).isNull();
    assertThat(EventTimes.futureViolation(micros("1990-01-01T00:00:00Z"), now, day)).isNull();
  }

  @Test
  void theDecoderUsesItsClockForTheFutureBound() {
    ProjectConfig p = ProjectLoader.load(Path.of("src/test/resources/conformance/ingest"));
    SourceConfig orders = p.sources().get("orders");
    long now = micros("2021-01-01T00:00:00Z");
    SourceDecoder d = new SourceDecoder(orders, orders.format(), () -> now);
    assertThat(d.decode("a,2021-01-02T00:00:00Z,1,1,,,", null, 0, "o"))
        .isInstanceOf(SourceEvent.class);
    Rejection r = (Rejection) d.decode("a,2021-01-02T00:00:01Z,1,1,,,", null, 0, "o");
    assertThat(r.rule()).isEqualTo("future_time");
  }

  @Test
  void keysAreNormalisedOneWay() throws Exception {
    assertThat(EntityKeys.fromJson(JSON.readTree("7.0")).key()).isEqualTo("7");
    assertThat(EntityKeys.fromJson(JSON.readTree("7e0")).key()).isEqualTo("7");
    assertThat(EntityKeys.fromJson(JSON.readTree("-0.0")).key()).isEqualTo("0");
    assertThat(EntityKeys.fromJson(JSON.readTree("12345678901234567890")).key())
        .isEqualTo("12345678901234567890");
    assertThat(EntityKeys.fromJson(JSON.readTree("\" 7 \"")).key()).isEqualTo(" 7 ");
    assertThat(EntityKeys.fromJson(JSON.readTree("7.5")).problem())
        .isEqualTo("= 7.5 is not text or an integer");
    assertThat(EntityKeys.fromJson(JSON.readTree("{}")).key()).isNull();
    assertThat(EntityKeys.fromJson(JSON.readTree("\"\"")).problem()).isEqualTo("is null or empty");
    assertThat(EntityKeys.normalize(7).key()).isEqualTo("7");
    assertThat(EntityKeys.normalize(7L).key()).isEqualTo("7");
    assertThat(EntityKeys.normalize(7.0).key()).isEqualTo("7");
    assertThat(EntityKeys.normalize(1e16).key()).isNull(); // beyond 2^53 a double is not exact
    assertThat(EntityKeys.normalize(Double.NaN).key()).isNull();
    assertThat(EntityKeys.normalize(true).key()).isNull();
  }

  @Test
  void csvDialects() {
    CsvDialect backslash = new CsvDialect('"', '\\', null);
    assertThat(CsvLine.split("a,\"b \\\"c\\\" \\\\ d\",e", ',', backslash).fields())
        .containsExactly("a", "b \"c\" \\ d", "e");
    CsvDialect single = new CsvDialect('\'', '\'', null);
    assertThat(CsvLine.split("'it''s, ok';\"x\"", ';', single).fields())
        .containsExactly("it's, ok", "\"x\"");
    assertThat(CsvLine.split("a,b\"c,", ',', CsvDialect.DEFAULT).fields())
        .containsExactly("a", "b\"c", "");
    assertThat(CsvLine.split("", ',', CsvDialect.DEFAULT).fields()).containsExactly("");
  }

  @Test
  void commentLinesAreSkipped() {
    ProjectConfig p = ProjectLoader.load(Path.of("src/test/resources/conformance/ingest"));
    SourceDecoder d = new SourceDecoder(p.sources().get("orders"));
    assertThat(d.decode("# a comment, not a record", null, 0, "o"))
        .isEqualTo(new Decoded.Skipped("comment"));
  }

  @Test
  void dialectOptionsAreValidatedAtLoad(@TempDir Path dir) throws Exception {
    Path src = Path.of("src/test/resources/conformance/ingest");
    for (String f : new String[] {"project.yaml", "entities.yaml", "feature_views.yaml"}) {
      Files.copy(src.resolve(f), dir.resolve(f));
    }
    String sources = Files.readString(src.resolve("sources.yaml"));
    Files.writeString(
        dir.resolve("sources.yaml"),
        sources
            .replace("quote: '\"'", "quote: '\"\"'")
            .replace("comment: '#'", "comment: ','")
            .replace("max_future_skew: 1d", "max_future_skew: soon")
            .replace("path: orders\n", "path: orders\n    options: {sep: ';'}\n")
            .replace(
                "allowed: ['2020-01-01']}\n      - {name: note",
                "allowed: ['01/01/2020']}\n      - {name: note"));
    assertThatThrownBy(() -> ProjectLoader.load(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sources.yaml")
        .hasMessageContaining("quote")
        .hasMessageContaining("expected one character, got '\"\"'")
        .hasMessageContaining("the comment character is the delimiter ','")
        .hasMessageContaining("'soon' is not a duration")
        .hasMessageContaining("'01/01/2020' is not a date")
        .hasMessageContaining("'options' (Spark reader options) apply to parquet and delta");
  }

  @Test
  void aSourceTravelsToSparkTasks() throws Exception {
    ProjectConfig p = ProjectLoader.load(Path.of("src/test/resources/conformance/ingest"));
    SourceConfig s = p.sources().get("orders");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(s);
    }
    SourceConfig back;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (SourceConfig) in.readObject();
    }
    assertThat(back).isEqualTo(s);
    assertThat(back.csv().comment()).isEqualTo('#');
    assertThat(back.maxFutureSkew()).isEqualTo(Duration.ofDays(1));
  }
}
