package dev.lakeops.spark.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.config.ColumnSpec;
import dev.lakeops.common.config.EventTime;
import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.config.SourceFormat;
import dev.lakeops.common.expr.ExprParser;
import dev.lakeops.common.expr.ExprType;
import dev.lakeops.common.features.Aggregation;
import dev.lakeops.common.types.ColumnType;
import dev.lakeops.spark.TestSpark;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The point-in-time join's edges: equal times, the TTL (inclusive), entities without events, two
 * sources with different TTLs, windows read at the label's time, a date column in the events.
 */
class PointInTimeJoinIT {
  final SparkSession spark = TestSpark.session();

  static SourceConfig source(String name, List<ColumnSpec> columns) {
    return new SourceConfig(
        name,
        SourceFormat.JSONL,
        "x",
        null,
        ",",
        false,
        Map.of(),
        columns,
        "e",
        ExprParser.parse("k"),
        "k",
        new EventTime.FromColumn("ts", null, null),
        List.of());
  }

  static ColumnSpec column(String name, ColumnType type) {
    return new ColumnSpec(name, type, true, null, null, List.of());
  }

  @Test
  void takesTheLatestEventAtOrBeforeTheLabelWithinTheTtlAndWindowsAtTheLabelTime() {
    Dataset<Row> labels =
        rows(
            new StructType()
                .add("k", DataTypes.StringType)
                .add("event_time", DataTypes.TimestampType)
                .add("label", DataTypes.DoubleType),
            RowFactory.create("a", t("2024-01-01T10:00"), 1.0), // event at 10:00 counts (≤)
            RowFactory.create("a", t("2024-01-01T11:59"), 0.0), // latest before: 10:00, within 2h
            RowFactory.create("a", t("2024-01-01T12:00"), 1.0), // 10:00 is exactly 2h old: fresh
            RowFactory.create("a", t("2024-01-01T12:01"), 1.0), // 10:00 is older than the TTL
            RowFactory.create("b", t("2024-01-01T09:00"), 0.0), // b's only event is later
            RowFactory.create("c", t("2024-01-01T09:00"), 0.0)); // c has no events at all
    SourceConfig s1 =
        source(
            "s1",
            List.of(
                column("k", ColumnType.STRING),
                column("x", ColumnType.DOUBLE),
                column("d", ColumnType.DATE)));
    Dataset<Row> events1 =
        rows(
            new StructType()
                .add("k", DataTypes.StringType)
                .add("event_time", DataTypes.TimestampType)
                .add("x", DataTypes.DoubleType)
                .add("d", DataTypes.DateType)
                .add("_run_id", DataTypes.StringType),
            RowFactory.create("a", t("2024-01-01T09:00"), 9.0, date("2024-01-01"), "r"),
            RowFactory.create("a", t("2024-01-01T10:00"), 10.0, date("2023-12-31"), "r"),
            RowFactory.create("a", t("2024-01-01T13:00"), 13.0, date("2024-01-01"), "r"),
            RowFactory.create("b", t("2024-01-01T09:30"), 99.0, date("2024-01-01"), "r"));
    FeatureViewConfig v1 =
        new FeatureViewConfig(
            "v1",
            "e",
            "s1",
            Duration.ofHours(2),
            List.of(
                new FeatureSpec("x", null, ExprParser.parse("x"), null, null, ExprType.NUMBER),
                new FeatureSpec(
                    "n_1h", Aggregation.COUNT, null, null, Duration.ofHours(1), ExprType.NUMBER)));
    SourceConfig s2 =
        source("s2", List.of(column("k", ColumnType.STRING), column("y", ColumnType.STRING)));
    Dataset<Row> events2 =
        rows(
            new StructType()
                .add("k", DataTypes.StringType)
                .add("event_time", DataTypes.TimestampType)
                .add("y", DataTypes.StringType),
            RowFactory.create("a", t("2024-01-01T11:00"), "late-morning"));
    FeatureViewConfig v2 =
        new FeatureViewConfig(
            "v2",
            "e",
            "s2",
            Duration.ofDays(1),
            List.of(
                new FeatureSpec("y", null, ExprParser.parse("y"), null, null, ExprType.STRING)));

    List<Row> out =
        PointInTimeJoin.join(
                labels,
                List.of(
                    new PointInTimeJoin.SourceInput(
                        s1,
                        "k",
                        events1,
                        List.of(new PointInTimeJoin.ViewInput(v1, List.of("x", "n_1h")))),
                    new PointInTimeJoin.SourceInput(
                        s2,
                        "k",
                        events2,
                        List.of(new PointInTimeJoin.ViewInput(v2, List.of("y"))))))
            .orderBy("k", "event_time")
            .collectAsList();

    assertThat(out.get(0).schema().fieldNames())
        .containsExactly(
            "k", "event_time", "label", "x", "n_1h", "v1__event_time", "y", "v2__event_time");
    assertThat(out).hasSize(6);
    assertThat(out)
        .extracting(r -> r.<Double>getAs("x"))
        .containsExactly(10.0, 10.0, 10.0, null, null, null);
    // (t − 1h, t]: only 10:00 at 10:00 (09:00 is out); nothing at 11:59 and 12:00
    assertThat(out)
        .extracting(r -> r.<Long>getAs("n_1h"))
        .containsExactly(1L, 0L, 0L, null, null, null);
    assertThat(out)
        .extracting(r -> r.<String>getAs("y"))
        .containsExactly(null, "late-morning", "late-morning", "late-morning", null, null);
    assertThat(out)
        .extracting(r -> r.<Double>getAs("label"))
        .containsExactly(1.0, 0.0, 1.0, 1.0, 0.0, 0.0);
    assertThat(out)
        .extracting(r -> r.<Timestamp>getAs("v1__event_time"))
        .containsExactly(
            t("2024-01-01T10:00"), t("2024-01-01T10:00"), t("2024-01-01T10:00"), null, null, null);
    assertThat(out.get(1).<Timestamp>getAs("v2__event_time")).isEqualTo(t("2024-01-01T11:00"));
  }

  private Dataset<Row> rows(StructType schema, Row... rows) {
    return spark.createDataFrame(List.of(rows), schema);
  }

  private static Timestamp t(String s) {
    return Timestamp.from(Instant.parse(s + ":00Z"));
  }

  private static java.sql.Date date(String s) {
    return java.sql.Date.valueOf(s);
  }
}
