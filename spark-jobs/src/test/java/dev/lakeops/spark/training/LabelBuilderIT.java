package dev.lakeops.spark.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lakeops.common.config.LabelConfig;
import dev.lakeops.common.config.LabelConfig.Reduction;
import dev.lakeops.common.expr.ExprParser;
import dev.lakeops.spark.TestSpark;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
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
 * Label rows of user-item ratings, several per user at one time: one training row per source row by
 * default (nothing merged silently), each with its label id; merged by entity and time only with a
 * configured reduction.
 */
class LabelBuilderIT {
  final SparkSession spark = TestSpark.session();

  private static final Timestamp T1 = Timestamp.from(Instant.parse("2021-01-01T10:00:00Z"));
  private static final Timestamp T2 = Timestamp.from(Instant.parse("2021-01-02T10:00:00Z"));

  /** Ratings: u1 rates three items at T1 (4, 2, 2), one at T2 (5); u2 one at T1 (3). */
  private Dataset<Row> events() {
    StructType schema =
        new StructType()
            .add("user_id", DataTypes.StringType)
            .add("event_time", DataTypes.TimestampType)
            .add("item_id", DataTypes.StringType)
            .add("rating", DataTypes.DoubleType)
            .add("_source_file", DataTypes.StringType)
            .add("_run_id", DataTypes.StringType);
    return spark.createDataFrame(
        List.of(
            RowFactory.create("u1", T1, "i1", 4.0, "f1", "run-a"),
            RowFactory.create("u1", T1, "i2", 2.0, "f1", "run-a"),
            RowFactory.create("u1", T1, "i3", 2.0, "f1", "run-b"),
            RowFactory.create("u1", T2, "i4", 5.0, "f2", "run-b"),
            RowFactory.create("u2", T1, "i1", 3.0, "f1", "run-a")),
        schema);
  }

  private static LabelConfig rating(Reduction reduce) {
    return new LabelConfig(
        "rating", "ratings", "user", ExprParser.parse("rating"), null, null, reduce);
  }

  @Test
  void everySourceRowIsATrainingRowWithItsOwnStableId() {
    List<Row> rows = LabelBuilder.build(rating(null), List.of("user_id"), events()).collectAsList();

    assertThat(rows).hasSize(5);
    Map<String, Double> byId = new HashMap<>();
    for (Row r : rows) {
      String id = r.getAs(LabelBuilder.LABEL_ID);
      assertThat(id).matches("[0-9a-f]{64}");
      byId.put(id, r.getAs(LabelBuilder.LABEL));
    }
    assertThat(byId).hasSize(5); // the two 2.0 ratings of u1 at T1 are two rows (items differ)
    assertThat(rows.stream().filter(r -> r.getAs("user_id").equals("u1")).count()).isEqualTo(4);
    // The id does not depend on the run that ingested the row: run-b's row keeps its id when
    // re-ingested by another run.
    Dataset<Row> reingested =
        events().withColumn("_run_id", org.apache.spark.sql.functions.lit("run-c"));
    assertThat(
            LabelBuilder.build(rating(null), List.of("user_id"), reingested)
                .collectAsList()
                .stream()
                .map(r -> (String) r.getAs(LabelBuilder.LABEL_ID))
                .toList())
        .containsExactlyInAnyOrderElementsOf(byId.keySet());
  }

  @Test
  void aReductionMergesTheRowsOfOneEntityAndTime() {
    Map<String, Double> mean = byUserAndTime(Reduction.MEAN);
    assertThat(mean).hasSize(3);
    assertThat(mean.get("u1@" + T1)).isCloseTo((4.0 + 2.0 + 2.0) / 3, within(1e-12));
    assertThat(mean.get("u1@" + T2)).isEqualTo(5.0);
    assertThat(mean.get("u2@" + T1)).isEqualTo(3.0);
    assertThat(byUserAndTime(Reduction.MAX).get("u1@" + T1)).isEqualTo(4.0);
    assertThat(byUserAndTime(Reduction.MIN).get("u1@" + T1)).isEqualTo(2.0);
  }

  private Map<String, Double> byUserAndTime(Reduction r) {
    Map<String, Double> out = new HashMap<>();
    for (Row row : LabelBuilder.build(rating(r), List.of("user_id"), events()).collectAsList()) {
      assertThat((String) row.getAs(LabelBuilder.LABEL_ID)).matches("[0-9a-f]{64}");
      out.put(row.getAs("user_id") + "@" + row.getAs("event_time"), row.getAs(LabelBuilder.LABEL));
    }
    return out;
  }
}
