package dev.lakeops.spark.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.warehouse.TableRef;
import dev.lakeops.spark.TestSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver-side reads of a table's log with Delta Kernel: the timestamp bound from the files'
 * statistics (which lets an incremental run skip its scan of the events table) and a small table's
 * rows.
 */
class DeltaTablesIT {
  @TempDir static Path dir;

  private static final StructType SCHEMA =
      new StructType()
          .add("k", DataTypes.StringType, false)
          .add("event_time", DataTypes.TimestampType, true);

  private static Dataset<Row> rows(SparkSession spark, Object[]... rows) {
    return spark.createDataFrame(
        java.util.Arrays.stream(rows).map(RowFactory::create).toList(), SCHEMA);
  }

  /** Epoch µs as a timestamp with every microsecond kept. */
  private static java.sql.Timestamp ts(long micros) {
    java.sql.Timestamp t = new java.sql.Timestamp(Math.floorDiv(micros, 1000L));
    t.setNanos((int) Math.floorMod(micros, 1_000_000L) * 1000);
    return t;
  }

  @Test
  void theTimestampBoundIsAboveEveryValueAndWithinAMillisecondOfTheLatest() {
    SparkSession spark = TestSpark.session();
    DeltaTables tables = new DeltaTables(spark);
    TableRef t = new TableRef(dir.resolve("events").toString(), "tables_it.events");
    // 2024-01-01T00:00:00.000999 and .500250: Delta keeps their statistics to the millisecond
    long early = 1_704_067_200_000_999L;
    long latest = 1_704_067_200_500_250L;
    tables.overwrite(t, rows(spark, new Object[] {"a", ts(early)}, new Object[] {"b", null}));
    long v0 = tables.version(t);
    tables.append(t, rows(spark, new Object[] {"c", ts(latest)}).repartition(1));

    Optional<Long> bound = tables.timestampBound(t, null, "event_time");
    assertThat(bound).isPresent();
    // every value is below the bound, and the bound is at most a millisecond above the latest
    assertThat(bound.get()).isGreaterThan(latest).isLessThanOrEqualTo(latest + 1000);
    // a file whose event times are all null bounds nothing (its statistics have no maximum)
    tables.append(t, rows(spark, new Object[] {"d", null}).repartition(1));
    assertThat(tables.timestampBound(t, null, "event_time")).isEqualTo(bound);
    // as of the first version, the first file only
    assertThat(tables.timestampBound(t, v0, "event_time").get())
        .isGreaterThan(early)
        .isLessThanOrEqualTo(early + 1000);
  }

  @Test
  void withoutStatisticsThereIsNoBoundAndAnEmptyTableHasNoRow() {
    SparkSession spark = TestSpark.session();
    DeltaTables tables = new DeltaTables(spark);
    TableRef none = new TableRef(dir.resolve("no-stats").toString(), null);
    // a table whose files carry no column statistics
    spark.sql(
        "CREATE TABLE delta.`"
            + none.path()
            + "` (k STRING, event_time TIMESTAMP) USING DELTA"
            + " TBLPROPERTIES ('delta.dataSkippingNumIndexedCols' = '0')");
    rows(spark, new Object[] {"a", ts(1_000_000L)})
        .write()
        .format("delta")
        .mode("append")
        .save(none.path());
    assertThat(tables.timestampBound(none, null, "event_time")).isEmpty();

    TableRef empty = new TableRef(dir.resolve("empty").toString(), "tables_it.empty");
    tables.overwrite(empty, rows(spark));
    assertThat(tables.timestampBound(empty, null, "event_time")).contains(Long.MIN_VALUE);
  }

  @Test
  void anEmptyTableIsToldFromItsLog() {
    SparkSession spark = TestSpark.session();
    DeltaTables tables = new DeltaTables(spark);
    TableRef t = new TableRef(dir.resolve("emptied").toString(), "tables_it.emptied");
    tables.overwrite(t, rows(spark, new Object[] {"a", ts(1_500L)}));
    assertThat(tables.mayHaveRows(t)).isTrue();
    tables.overwrite(t, rows(spark));
    assertThat(tables.mayHaveRows(t)).isFalse();
  }

  @Test
  void aSmallTableIsReadWholeOnTheDriver() {
    SparkSession spark = TestSpark.session();
    DeltaTables tables = new DeltaTables(spark);
    TableRef t = new TableRef(dir.resolve("small").toString(), "tables_it.small");
    assertThat(tables.readSmall(t)).isEmpty();
    tables.overwrite(t, rows(spark, new Object[] {"a", ts(1_500L)}, new Object[] {"b", null}));
    List<Map<String, Object>> read = tables.readSmall(t);
    assertThat(read)
        .extracting(r -> r.get("k"), r -> r.get("event_time"))
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("a", 1_500L),
            org.assertj.core.groups.Tuple.tuple("b", null));
  }
}
