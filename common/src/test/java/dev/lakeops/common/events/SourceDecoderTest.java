package dev.lakeops.common.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.config.SourceFormat;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class SourceDecoderTest {
  private static final ProjectConfig ELEC2 = ProjectLoader.load(Path.of("../conf/examples/elec2"));
  private static final ProjectConfig CDNOW = ProjectLoader.load(Path.of("../conf/examples/cdnow"));
  private static final SourceConfig READINGS = ELEC2.sources().get("elec2_readings");
  private static final SourceConfig PURCHASES = CDNOW.sources().get("purchases");

  private static long micros(String instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(instant));
  }

  private static Rejection rejected(Decoded d) {
    assertThat(d).isInstanceOf(Rejection.class);
    return (Rejection) d;
  }

  @Test
  void csvLineWithRowIndexEventTime() {
    SourceDecoder d = new SourceDecoder(READINGS);
    assertThat(d.hasHeader()).isTrue();
    Decoded out =
        d.decode("0,2,0.021277,0.051699,0.415055,0.003467,0.422915,0.414912,UP", 3, "f:5");
    SourceEvent e = (SourceEvent) out;
    assertThat(e.entityKey()).isEqualTo("NSW");
    assertThat(e.eventTimeMicros()).isEqualTo(micros("1996-05-07T01:30:00Z"));
    assertThat(e.values())
        .containsExactly(0.0, 2, 0.021277, 0.051699, 0.415055, 0.003467, 0.422915, 0.414912, "UP");
    assertThat(e.origin()).isEqualTo("f:5");
  }

  @Test
  void whitespaceLineWithPatternEventTime() {
    SourceDecoder d = new SourceDecoder(PURCHASES);
    SourceEvent e = (SourceEvent) d.decode(" 00002 19970112  1   12.00\r", 1, "x");
    assertThat(e.entityKey()).isEqualTo("00002");
    assertThat(e.eventTimeMicros()).isEqualTo(micros("1997-01-12T00:00:00Z"));
    assertThat(e.values()).containsExactly("00002", "19970112", 1, 12.0);
  }

  @Test
  void blankLinesAreSkippedNotRejected() {
    assertThat(new SourceDecoder(PURCHASES).decode("   ", 0, "x")).isEqualTo(Decoded.BLANK);
  }

  @Test
  void jsonEventsOfACsvSourceWithAnExplicitEventTime() {
    SourceDecoder d = new SourceDecoder(READINGS, SourceFormat.JSONL);
    String line =
        "{\"date\":0,\"day\":2,\"period\":0.5,\"nswprice\":0.06,\"nswdemand\":0.4,"
            + "\"vicprice\":0.003,\"vicdemand\":0.42,\"transfer\":0.41,\"class\":\"DOWN\","
            + "\"event_time\":\"1996-05-08T12:00:00Z\"}";
    SourceEvent e = (SourceEvent) d.decode(line, -1, "k");
    assertThat(e.eventTimeMicros()).isEqualTo(micros("1996-05-08T12:00:00Z"));
    assertThat(e.values()[3]).isEqualTo(0.06);
    // epoch milliseconds work too
    SourceEvent ms =
        (SourceEvent) d.decode(line.replace("\"1996-05-08T12:00:00Z\"", "831556800000"), -1, "k");
    assertThat(ms.eventTimeMicros()).isEqualTo(micros("1996-05-08T12:00:00Z"));
    // without it, a stream cannot know the row index
    Rejection r = rejected(d.decode(line.replaceAll(",\"event_time\":\"[^\"]*\"", ""), -1, "k"));
    assertThat(r.rule()).isEqualTo("event_time");
    assertThat(r.reason()).contains("event_time");
  }

  @Test
  void malformedRecordsReportOnlyMalformed() {
    SourceDecoder json = new SourceDecoder(PURCHASES, SourceFormat.JSONL);
    Rejection r = rejected(json.decode("{\"customer_id\": \"1\", ", 0, "o"));
    assertThat(r.rule()).isEqualTo("malformed");
    assertThat(r.reason()).isEqualTo("malformed record: not a valid JSON object");
    assertThat(r.raw()).isEqualTo("{\"customer_id\": \"1\", ");
    assertThat(rejected(json.decode("[1,2]", 0, "o")).rule()).isEqualTo("malformed");

    Rejection ws = rejected(new SourceDecoder(PURCHASES).decode("00001 19970101 1", 0, "o"));
    assertThat(ws.reason())
        .isEqualTo("malformed record: expected 4 whitespace-separated fields, got 3");
    Rejection csv = rejected(new SourceDecoder(READINGS).decode("0,2,0.1", 0, "o"));
    assertThat(csv.reason())
        .isEqualTo("malformed record: expected 9 fields separated by ',', got 3");
  }

  @Test
  void everyBrokenRuleIsListedTheFirstNamesTheRule() {
    SourceDecoder d = new SourceDecoder(PURCHASES, SourceFormat.JSONL);
    Rejection r =
        rejected(
            d.decode(
                "{\"customer_id\": \"7\", \"date\": \"19970101\", \"number_of_cds\": \"two\","
                    + " \"dollar_value\": -5}",
                0,
                "o"));
    assertThat(r.rule()).isEqualTo("type");
    assertThat(r.reason())
        .isEqualTo(
            "column 'number_of_cds': expected int, got 'two'; column 'dollar_value' = -5.0 is"
                + " below the minimum 0.0");
  }

  @Test
  void missingKeyRangeAllowedValuesAndEventTime() {
    SourceDecoder cd = new SourceDecoder(PURCHASES, SourceFormat.JSONL);
    Rejection noKey =
        rejected(
            cd.decode(
                "{\"date\": \"19970101\", \"number_of_cds\": 1, \"dollar_value\": 5}", 0, "o"));
    assertThat(noKey.rule()).isEqualTo("not_null");
    assertThat(noKey.reason())
        .isEqualTo(
            "column 'customer_id' is empty but declared nullable: false; the entity key"
                + " (customer_id) is null or empty");

    Rejection tooMany =
        rejected(
            cd.decode(
                "{\"customer_id\": \"7\", \"date\": \"19970101\", \"number_of_cds\": 1001,"
                    + " \"dollar_value\": 5}",
                0,
                "o"));
    assertThat(tooMany.rule()).isEqualTo("range");
    assertThat(tooMany.reason())
        .isEqualTo("column 'number_of_cds' = 1001 is above the maximum 1000.0");

    Rejection badDate =
        rejected(
            cd.decode(
                "{\"customer_id\": \"7\", \"date\": \"19970230\", \"number_of_cds\": 1,"
                    + " \"dollar_value\": 5}",
                0,
                "o"));
    assertThat(badDate.rule()).isEqualTo("event_time");
    assertThat(badDate.reason())
        .isEqualTo(
            "cannot derive the event time from column 'date' = '19970230' with format yyyyMMdd");

    Rejection cls =
        rejected(
            new SourceDecoder(READINGS)
                .decode("0,2,0.02,0.05,0.41,0.003,0.42,0.41,SIDEWAYS", 0, "o"));
    assertThat(cls.rule()).isEqualTo("allowed_values");
    assertThat(cls.reason()).isEqualTo("column 'class' = 'SIDEWAYS' is not one of [UP, DOWN]");

    Rejection nan =
        rejected(
            new SourceDecoder(READINGS).decode("0,2,0.02,NaN,0.41,0.003,0.42,0.41,UP", 0, "o"));
    assertThat(nan.rule()).isEqualTo("type");
    assertThat(nan.reason()).startsWith("column 'nswprice': expected double, got 'NaN'");
  }

  /** A source with an int key column and an expression key, checked against ExprEvaluator. */
  @Test
  void entityKeysAsTheOfflinePipelineCastsThem() {
    var schema =
        java.util.List.of(
            new dev.lakeops.common.config.ColumnSpec(
                "id",
                dev.lakeops.common.types.ColumnType.INT,
                false,
                null,
                null,
                java.util.List.of()),
            new dev.lakeops.common.config.ColumnSpec(
                "x",
                dev.lakeops.common.types.ColumnType.DOUBLE,
                true,
                null,
                null,
                java.util.List.of()),
            new dev.lakeops.common.config.ColumnSpec(
                "t",
                dev.lakeops.common.types.ColumnType.LONG,
                false,
                null,
                null,
                java.util.List.of()));
    java.util.function.Function<String, SourceConfig> source =
        key ->
            new SourceConfig(
                "s",
                SourceFormat.JSONL,
                "p",
                null,
                ",",
                false,
                java.util.Map.of(),
                schema,
                "e",
                dev.lakeops.common.expr.ExprParser.parse(key),
                key,
                new dev.lakeops.common.config.EventTime.FromColumn(
                    "t", null, dev.lakeops.common.events.EpochUnit.MS),
                java.util.List.of());
    String line = "{\"id\": 7, \"x\": 2.5, \"t\": 1000}";
    SourceEvent plain = (SourceEvent) new SourceDecoder(source.apply("id")).decode(line, -1, "o");
    assertThat(plain.entityKey()).isEqualTo("7"); // an int column stays an int: "7", not "7.0"
    assertThat(plain.eventTimeMicros()).isEqualTo(1_000_000L); // long: epoch milliseconds

    String expr = "if(x > 2, 'hi', 'lo')";
    SourceEvent e = (SourceEvent) new SourceDecoder(source.apply(expr)).decode(line, -1, "o");
    Object want =
        dev.lakeops.common.expr.ExprEvaluator.eval(
            dev.lakeops.common.expr.ExprParser.parse(expr),
            java.util.Map.<String, Object>of("id", 7, "x", 2.5, "t", 1000L)::get);
    assertThat(e.entityKey()).isEqualTo(want).isEqualTo("hi");

    // 2.5 + 7 = 9.5 names no entity reliably: refused (EntityKeys); 3.0 + 7 = 10.0 is "10"
    Rejection frac = (Rejection) new SourceDecoder(source.apply("x + id")).decode(line, -1, "o");
    assertThat(frac.rule()).isEqualTo("entity_key");
    assertThat(frac.reason()).isEqualTo("the entity key (x + id) = 9.5 is not text or an integer");
    SourceEvent sum =
        (SourceEvent)
            new SourceDecoder(source.apply("x + id")).decode(line.replace("2.5", "3.0"), -1, "o");
    assertThat(sum.entityKey()).isEqualTo("10");
    Rejection none =
        (Rejection)
            new SourceDecoder(source.apply("x + id")).decode("{\"id\": 7, \"t\": 1}", -1, "o");
    assertThat(none.rule()).isEqualTo("entity_key");
    assertThat(none.reason()).isEqualTo("the entity key (x + id) is null or empty");
  }

  @Test
  void quotedCsvFieldsAndEmptyFields() {
    var rfc = SourceConfig.CsvDialect.DEFAULT;
    assertThat(CsvLine.split("a,\"b,c\",\"d\"\"e\",", ',', rfc).fields())
        .containsExactly("a", "b,c", "d\"e", "");
    assertThat(CsvLine.split("a,\"b", ',', rfc).problem()).contains("not closed");
    Rejection empty =
        rejected(new SourceDecoder(READINGS).decode("0,2,0.02,,0.41,0.003,0.42,0.41,UP", 0, "o"));
    assertThat(empty.rule()).isEqualTo("not_null");
  }
}
