package dev.lakeops.spark.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.registry.ModelVersion;
import dev.lakeops.common.registry.Stage;
import dev.lakeops.common.training.Signature;
import dev.lakeops.common.types.ColumnType;
import dev.lakeops.common.warehouse.TableRef;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/** The parts of batch-score that need no Spark session: the rows a rerun replaces, the types. */
class BatchScorerTest {

  static ModelVersion version(String model, int v) {
    return new ModelVersion(
        model, v, "/a", Instant.EPOCH, Stage.NONE, Map.of(), Map.of(), "{}", "{}", null, List.of());
  }

  @Test
  void aRerunReplacesExactlyItsModelVersionAndInputVersion() {
    BatchInput in =
        new BatchInput(
            "table:/data/o'brien", new TableRef("/data/o'brien", "x"), 7, null, Map.of(), Map.of());
    assertThat(BatchScorer.where(version("price_direction", 2), in))
        .isEqualTo(
            "model = 'price_direction' AND model_version = 2 AND input = 'table:/data/o\\'brien'"
                + " AND input_version = 7");
  }

  @Test
  void columnValuesReachTheScorerInTheSignaturesType() {
    assertThat(ScoreRows.value(ColumnType.DOUBLE, 3)).isEqualTo(3.0);
    assertThat(ScoreRows.value(ColumnType.DOUBLE, new BigDecimal("0.25"))).isEqualTo(0.25);
    assertThat(ScoreRows.value(ColumnType.LONG, (short) 4)).isEqualTo(4L);
    assertThat(ScoreRows.value(ColumnType.INT, (byte) 5)).isEqualTo(5);
    assertThat(ScoreRows.value(ColumnType.STRING, "UP")).isEqualTo("UP");
    assertThat(ScoreRows.value(ColumnType.DOUBLE, null)).isNull();
  }

  @Test
  void aColumnTheSignatureCannotTakeIsNamedWithBothTypes() {
    Signature.Field day = new Signature.Field("day_of_week", ColumnType.INT);
    BatchScorer.checkType(
        "table:t", day, new StructField("day_of_week", DataTypes.ShortType, true, null));
    assertThatThrownBy(
            () ->
                BatchScorer.checkType(
                    "table:t",
                    day,
                    new StructField("day_of_week", DataTypes.DoubleType, true, null)))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "column 'day_of_week' of input table:t is double; the model's signature takes integer."
                + " Cast it in the input table.");
    BatchScorer.checkType(
        "table:t",
        new Signature.Field("x", ColumnType.DOUBLE),
        new StructField("x", DataTypes.LongType, true, null));
  }
}
