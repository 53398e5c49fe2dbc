package dev.lakeops.common.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeops.common.config.EventTime;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.ConfigProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numeric event times with their epoch unit, and event times from an expression: what loads, what
 * is refused at load (file, field, fix), and the microseconds the one decoder of both engines
 * gives. Expected values are worked out by hand from the epoch (2023-11-14T22:13:20Z =
 * 1,700,000,000 s).
 */
class EventTimeUnitsTest {
  private static final Path CDNOW = Path.of("..", "conf", "examples", "cdnow");
  private static final long T = 1_700_000_000L; // 2023-11-14T22:13:20Z

  @TempDir Path tmp;

  // ---- decoding ---------------------------------------------------------------------------

  @Test
  void eachUnitGivesTheSameInstant() throws IOException {
    assertThat(micros("{column: ts_long, unit: s}", "\"ts_long\": " + T)).isEqualTo(T * 1_000_000);
    assertThat(micros("{column: ts_long, unit: ms}", "\"ts_long\": " + (T * 1000 + 123)))
        .isEqualTo(T * 1_000_000 + 123_000);
    assertThat(micros("{column: ts_long, unit: us}", "\"ts_long\": " + (T * 1_000_000 + 7)))
        .isEqualTo(T * 1_000_000 + 7);
    // nanoseconds round down to the microsecond, also before the epoch
    assertThat(micros("{column: ts_long, unit: ns}", "\"ts_long\": " + (T * 1_000_000_000 + 999)))
        .isEqualTo(T * 1_000_000);
    assertThat(micros("{column: ts_long, unit: ns}", "\"ts_long\": -1")).isEqualTo(-1);
    assertThat(micros("{column: ts_int, unit: s}", "\"ts_int\": " + T)).isEqualTo(T * 1_000_000);
    assertThat(micros("{column: ts_double, unit: s}", "\"ts_double\": 1700000000.25"))
        .isEqualTo(T * 1_000_000 + 250_000);
    assertThat(Instant.ofEpochSecond(T)).isEqualTo(Instant.parse("2023-11-14T22:13:20Z"));
  }

  @Test
  void aTimeBeyondTheRangeOfMicrosecondsIsRejectedNotWrapped() throws IOException {
    SourceConfig s = source("{column: ts_long, unit: s}");
    Decoded d = new SourceDecoder(s).decode(line("\"ts_long\": 100000000000000000"), -1, "o");
    assertThat(d).isInstanceOf(Rejection.class);
    assertThat(((Rejection) d).reason()).contains("cannot derive the event time from column");
  }

  @Test
  void anExpressionOfDayAndHourIsTheEventTime() throws IOException {
    // day 19675 after the epoch is 2023-11-14; hour 22 -> 2023-11-14T22:00:00Z
    long want = Instant.parse("2023-11-14T22:00:00Z").toEpochMilli() * 1000;
    assertThat(
            micros(
                "{expression: \"day * 86400 + hour * 3600\", unit: s}",
                "\"day\": 19675, \"hour\": 22"))
        .isEqualTo(want);
    SourceConfig s = source("{expression: \"day * 86400 + hour * 3600\", unit: s}");
    assertThat(s.eventTime()).isInstanceOf(EventTime.FromExpression.class);
    // a null operand gives no time: the row is rejected with the expression and its value
    Decoded d = new SourceDecoder(s).decode(line("\"day\": 19675"), -1, "o");
    assertThat(((Rejection) d).reason())
        .contains("cannot derive the event time from the expression day * 86400 + hour * 3600")
        .contains("= null");
  }

  @Test
  void aTextExpressionIsReadAsEventTimeText() throws IOException {
    assertThat(
            micros(
                "{expression: \"if(hour > 12, ts_text, '2000-01-01')\"}",
                "\"ts_text\": \"2023-11-14T22:13:20Z\", \"hour\": 22"))
        .isEqualTo(T * 1_000_000);
    assertThat(
            micros(
                "{expression: \"ts_text\", format: yyyyMMdd}",
                "\"ts_text\": \"20231114\", \"hour\": 1"))
        .isEqualTo(Instant.parse("2023-11-14T00:00:00Z").toEpochMilli() * 1000);
  }

  // ---- the plausibility warning ------------------------------------------------------------

  private static final long NOW = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli() * 1000;

  @Test
  void secondsReadAsMillisecondsAreIn1970AndTheWarningNamesSeconds() throws IOException {
    // 1,700,000,000 read as ms = 1,700,000 s after the epoch = 1970-01-20T16:13:20Z; an hour
    // later in seconds is 3,600,000 ms more: 3.6 s later
    long lo = T * 1000;
    long hi = (T + 3600) * 1000;
    String w =
        EventTimePlausibility.check(source("{column: ts_long, unit: ms}"), lo, hi, NOW)
            .orElseThrow();
    assertThat(w)
        .isEqualTo(
            "source 'purchases': every event time is before 1971 (1970-01-20T16:13:20Z to"
                + " 1970-01-20T16:13:23.600Z), read as epoch ms; as epoch s they would be"
                + " 2023-11-14T22:13:20Z to 2023-11-14T23:13:20Z: if that is right, set 'unit: s'"
                + " in the source's event_time in sources.yaml, then run 'features --full-refresh'"
                + " (rows already ingested keep the times they were read with).");
  }

  @Test
  void microsecondsReadAsMillisecondsAreFarAheadAndTheWarningNamesMicroseconds()
      throws IOException {
    long micros = T * 1_000_000 * 1000; // 1.7e15 (µs) read as ms
    String w =
        EventTimePlausibility.check(source("{column: ts_long, unit: ms}"), micros, micros, NOW)
            .orElseThrow();
    assertThat(w)
        .contains("is more than a year ahead of now")
        .contains("as epoch us they would be 2023-11-14T22:13:20Z")
        .contains("set 'unit: us'");
  }

  @Test
  void plausibleTimesGiveNoWarningAndTextTimesPointAtTheFormat() throws IOException {
    assertThat(
            EventTimePlausibility.check(
                source("{column: ts_long, unit: s}"), T * 1_000_000, T * 1_000_000, NOW))
        .isEmpty();
    // 1971-01-01T00:00Z itself is plausible; a microsecond before is not
    SourceConfig text = source("{column: ts_text, format: yyyyMMdd}");
    long earliest = EventTimePlausibility.EARLIEST_MICROS;
    assertThat(EventTimePlausibility.check(text, 0, earliest, NOW)).isEmpty();
    assertThat(EventTimePlausibility.check(text, 0, earliest - 1, NOW).orElseThrow())
        .endsWith(
            "(1970-01-01T00:00:00Z to 1970-12-31T23:59:59.999999Z): check the event_time"
                + " format in sources.yaml.");
  }

  // ---- refused at load --------------------------------------------------------------------

  @Test
  void aNumericColumnWithoutAUnitIsRefusedNamingTheUnits() throws IOException {
    ConfigProblem p = refused("{column: ts_long}", "sources[0].event_time.column");
    assertThat(p.problem())
        .contains("a numeric event time needs its epoch unit")
        .contains("column 'ts_long' is long")
        .contains("[s, ms, us, ns]");
    assertThat(p.fix()).contains("'unit: s'").contains("'ms'");
  }

  @Test
  void badUnitsAndFormatsAreRefusedAtTheirField() throws IOException {
    assertThat(refused("{column: ts_long, unit: hours}", "sources[0].event_time.unit").problem())
        .isEqualTo("unknown epoch unit 'hours'; expected one of [s, ms, us, ns].");
    assertThat(refused("{column: ts_text, unit: s}", "sources[0].event_time.unit").problem())
        .contains("column 'ts_text' is string");
    assertThat(
            refused("{column: ts_long, unit: s, format: yyyy}", "sources[0].event_time.format")
                .problem())
        .contains("column 'ts_long' is long (epoch time)");
    assertThat(refused("{column: ts_text, format: \"yyyy'\"}", "sources[0].event_time.format"))
        .extracting(ConfigProblem::problem)
        .isEqualTo("'yyyy'' is not a date-time pattern.");
  }

  @Test
  void expressionsMustBeANumberWithAUnitOrText() throws IOException {
    assertThat(
            refused("{expression: \"day * 86400\"}", "sources[0].event_time.expression").problem())
        .contains("\"day * 86400\" is a number with no 'unit'");
    assertThat(refused("{expression: \"day > 1\"}", "sources[0].event_time.expression").problem())
        .contains("must be a number (epoch time with 'unit') or text, but \"day > 1\" is BOOLEAN");
    assertThat(
            refused("{expression: \"ts_text\", unit: s}", "sources[0].event_time.unit").problem())
        .contains("\"ts_text\" is text");
    assertThat(
            refused("{expression: \"day\", unit: s, column: day}", "sources[0].event_time")
                .problem())
        .contains("'column' or 'row_index' is also set");
  }

  // ---- helpers ------------------------------------------------------------------------------

  private long micros(String eventTime, String fields) throws IOException {
    Decoded d = new SourceDecoder(source(eventTime)).decode(line(fields), -1, "o");
    assertThat(d).as("decoded %s", d).isInstanceOf(SourceEvent.class);
    return ((SourceEvent) d).eventTimeMicros();
  }

  private static String line(String fields) {
    return "{\"customer_id\": \"c1\", " + fields + "}";
  }

  private SourceConfig source(String eventTime) throws IOException {
    return ProjectLoader.load(project(eventTime)).sources().get("purchases");
  }

  private ConfigProblem refused(String eventTime, String field) throws IOException {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ProjectLoader.load(project(eventTime)));
    List<ConfigProblem> at = e.problems().stream().filter(p -> p.field().equals(field)).toList();
    assertThat(at).as("problems at %s in %s", field, e.getMessage()).hasSize(1);
    assertThat(at.get(0).file()).endsWith("sources.yaml");
    return at.get(0);
  }

  /** The CDNOW example with a JSON-lines source whose event time is {@code eventTime}. */
  private Path project(String eventTime) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "p");
    try (Stream<Path> files = Files.list(CDNOW)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName().toString()));
      }
    }
    Files.writeString(
        dir.resolve("sources.yaml"),
        String.join(
            "\n",
            "sources:",
            "  - name: purchases",
            "    format: jsonl",
            "    path: in",
            "    entity: customer",
            "    entity_key: customer_id",
            "    event_time: " + eventTime,
            "    schema:",
            "      - {name: customer_id, type: string, nullable: false}",
            "      - {name: number_of_cds, type: int}",
            "      - {name: dollar_value, type: double}",
            "      - {name: ts_long, type: long}",
            "      - {name: ts_int, type: int}",
            "      - {name: ts_double, type: double}",
            "      - {name: ts_text, type: string}",
            "      - {name: day, type: int}",
            "      - {name: hour, type: int}",
            ""));
    return dir;
  }
}
