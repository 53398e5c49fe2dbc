package dev.lakeops.spark.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import dev.lakeops.spark.ingest.RowValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The as-of join of label rows with feature rows: each label row at time {@code t} gets, per view,
 * the latest feature row of its entity with event time ≤ {@code t} and ≥ {@code t - ttl}.
 *
 * <p>Label and feature rows are unioned, ordered per entity by time (feature rows before label rows
 * at equal times), and each view's latest row is carried forward with {@code last(...,
 * ignoreNulls)} over a running window: one shuffle and sort, no cartesian product, nothing
 * collected to the driver.
 */
public final class PointInTimeJoin {
  private static final String KIND = "_kind";
  private static final String VIEW_TIME_SUFFIX = "__event_time";

  private PointInTimeJoin() {}

  /**
   * A view's feature rows to join.
   *
   * @param rows the view's table: key, event_time and the features
   * @param features the features to take from it
   */
  public record ViewInput(String view, Dataset<Row> rows, List<String> features, Duration ttl) {}

  /** The name of the column telling which feature row of {@code view} a label row got. */
  public static String viewTimeColumn(String view) {
    return view + VIEW_TIME_SUFFIX;
  }

  /**
   * Joins. The result has the label rows' columns, then per view its features and {@code
   * <view>__event_time} (null when no feature row was in reach).
   */
  public static Dataset<Row> join(Dataset<Row> labels, String key, List<ViewInput> views) {
    Column time = col(RowValidator.EVENT_TIME);
    List<String> labelCols = new ArrayList<>(List.of(labels.columns()));
    labelCols.remove(key);
    labelCols.remove(RowValidator.EVENT_TIME);

    // Union layout: key, event_time, kind, the label columns, one struct per view.
    List<Column> labelSide = new ArrayList<>(List.of(col("`" + key + "`"), time, lit(1).as(KIND)));
    labelCols.forEach(c -> labelSide.add(col("`" + c + "`")));
    for (int j = 0; j < views.size(); j++) {
      labelSide.add(lit(null).cast(structType(views.get(j))).as(slot(j)));
    }
    Dataset<Row> union = labels.select(labelSide.toArray(Column[]::new));
    for (int j = 0; j < views.size(); j++) {
      ViewInput v = views.get(j);
      List<Column> side = new ArrayList<>(List.of(col("`" + key + "`"), time, lit(0).as(KIND)));
      for (String c : labelCols) {
        side.add(lit(null).cast(labels.schema().apply(c).dataType()).as(c));
      }
      for (int i = 0; i < views.size(); i++) {
        side.add(
            i == j
                ? viewStruct(v).as(slot(i))
                : lit(null).cast(union.schema().apply(slot(i)).dataType()).as(slot(i)));
      }
      union = union.unionByName(v.rows().select(side.toArray(Column[]::new)));
    }

    WindowSpec upToNow =
        Window.partitionBy(col("`" + key + "`"))
            .orderBy(time, col(KIND))
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    List<Column> carried = new ArrayList<>(List.of(col("`" + key + "`"), time, col(KIND)));
    labelCols.forEach(c -> carried.add(col("`" + c + "`")));
    for (int j = 0; j < views.size(); j++) {
      carried.add(last(col(slot(j)), true).over(upToNow).as(slot(j)));
    }
    Dataset<Row> asOf = union.select(carried.toArray(Column[]::new)).filter(col(KIND).equalTo(1));

    List<Column> out = new ArrayList<>(List.of(col("`" + key + "`"), time));
    labelCols.forEach(c -> out.add(col("`" + c + "`")));
    for (int j = 0; j < views.size(); j++) {
      ViewInput v = views.get(j);
      Column featureTime = col(slot(j)).getField(RowValidator.EVENT_TIME);
      long ttl = v.ttl().toNanos() / 1000;
      Column fresh = featureTime.geq(timestamp_micros(unix_micros(time).minus(lit(ttl))));
      for (String f : v.features()) {
        out.add(when(fresh, col(slot(j)).getField(f)).as(f));
      }
      out.add(when(fresh, featureTime).as(viewTimeColumn(v.view())));
    }
    return asOf.select(out.toArray(Column[]::new));
  }

  private static Column viewStruct(ViewInput v) {
    List<Column> fields = new ArrayList<>();
    fields.add(col(RowValidator.EVENT_TIME));
    v.features().forEach(f -> fields.add(col("`" + f + "`")));
    return struct(fields.toArray(Column[]::new));
  }

  private static org.apache.spark.sql.types.DataType structType(ViewInput v) {
    return v.rows().select(viewStruct(v)).schema().apply(0).dataType();
  }

  private static String slot(int j) {
    return "_view" + j;
  }
}
