package dev.lakeops.spark.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.spark.TestSpark;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The as-of join's edges: equal times, the TTL, entities without features, two views. */
class PointInTimeJoinTest {
  final SparkSession spark = TestSpark.session();

  @Test
  void takesTheLatestRowAtOrBeforeTheLabelWithinTheTtl() {
    Dataset<Row> labels =
        rows(
            new StructType()
                .add("k", DataTypes.StringType)
                .add("event_time", DataTypes.TimestampType)
                .add("label", DataTypes.DoubleType),
            RowFactory.create("a", t("2024-01-01 10:00"), 1.0), // feature at 10:00 counts (≤)
            RowFactory.create("a", t("2024-01-01 11:59"), 0.0), // latest before: 10:00, within 2h
            RowFactory.create(
                "a", t("2024-01-01 12:00"), 1.0), // 10:00 is exactly 2h old: still valid
            RowFactory.create("a", t("2024-01-01 12:01"), 1.0), // 10:00 is older than the TTL
            RowFactory.create("b", t("2024-01-01 09:00"), 0.0), // b's only feature row is later
            RowFactory.create("c", t("2024-01-01 09:00"), 0.0)); // c has no features at all
    StructType f =
        new StructType()
            .add("k", DataTypes.StringType)
            .add("event_time", DataTypes.TimestampType)
            .add("x", DataTypes.DoubleType);
    Dataset<Row> view1 =
        rows(
            f,
            RowFactory.create("a", t("2024-01-01 09:00"), 9.0),
            RowFactory.create("a", t("2024-01-01 10:00"), 10.0),
            RowFactory.create("a", t("2024-01-01 13:00"), 13.0),
            RowFactory.create("b", t("2024-01-01 09:30"), 99.0));
    StructType g =
        new StructType()
            .add("k", DataTypes.StringType)
            .add("event_time", DataTypes.TimestampType)
            .add("y", DataTypes.StringType);
    Dataset<Row> view2 = rows(g, RowFactory.create("a", t("2024-01-01 11:00"), "late-morning"));

    List<Row> out =
        PointInTimeJoin.join(
                labels,
                "k",
                List.of(
                    new PointInTimeJoin.ViewInput("v1", view1, List.of("x"), Duration.ofHours(2)),
                    new PointInTimeJoin.ViewInput("v2", view2, List.of("y"), Duration.ofDays(1))))
            .orderBy("k", "event_time")
            .collectAsList();

    assertThat(out).hasSize(6);
    assertThat(out)
        .extracting(r -> r.<Double>getAs("x"))
        .containsExactly(10.0, 10.0, 10.0, null, null, null);
    assertThat(out)
        .extracting(r -> r.<String>getAs("y"))
        .containsExactly(null, "late-morning", "late-morning", "late-morning", null, null);
    assertThat(out)
        .extracting(r -> r.<Double>getAs("label"))
        .containsExactly(1.0, 0.0, 1.0, 1.0, 0.0, 0.0);
    assertThat(out.get(0).<Timestamp>getAs("v1__event_time")).isEqualTo(t("2024-01-01 10:00"));
  }

  private Dataset<Row> rows(StructType schema, Row... rows) {
    return spark.createDataFrame(List.of(rows), schema);
  }

  private static Timestamp t(String s) {
    return Timestamp.valueOf(s + ":00");
  }
}
