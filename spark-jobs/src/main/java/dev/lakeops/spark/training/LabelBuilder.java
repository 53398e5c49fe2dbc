package dev.lakeops.spark.training;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import dev.lakeops.common.config.LabelConfig;
import dev.lakeops.spark.expr.SparkExprs;
import dev.lakeops.spark.features.FeaturePipeline;
import dev.lakeops.spark.ingest.RowValidator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Builds label rows (the entity key columns, event time, label) from a source's validated events.
 */
public final class LabelBuilder {
  public static final String LABEL = "label";

  /**
   * The column that names a value label's source row, for audits: the lower-case hex SHA-256 of the
   * row as JSON (its key, event time, columns and source file; not the ingesting run's id), so a
   * row has the same id in every build of the training set. A reduced label row carries the
   * smallest id of the rows it reduced.
   */
  public static final String LABEL_ID = "label_id";

  private LabelBuilder() {}

  /**
   * The label rows. A {@code value} label: one row per source row with its {@link #LABEL_ID}, or,
   * with {@code reduce}, one row per entity key(s) and event time, the values reduced (max, min or
   * mean; nulls ignored, as SQL aggregates do). {@code next_event_within}: one row per entity key
   * and distinct event time, the label 1.0 when the entity's next event follows within the horizon,
   * else 0.0; rows whose horizon ends after the last event of the data are dropped, as their label
   * is not known yet.
   *
   * @param keys the key columns of the label's entities ({@code LabelConfig.entities}), the label
   *     entity's first; a {@code next_event_within} label follows the first entity's events
   */
  public static Dataset<Row> build(LabelConfig label, List<String> keys, Dataset<Row> events) {
    Column[] ks = keys.stream().map(c -> col("`" + c + "`")).toArray(Column[]::new);
    Column k = ks[0];
    Column t = col(RowValidator.EVENT_TIME);
    if (label.value() != null) {
      // Several events at one time: the greatest value, the same tie rule as 'last' features.
      Column value = SparkExprs.toColumn(label.value());
      org.apache.spark.sql.types.DataType type = events.select(value).schema().apply(0).dataType();
      if (!type.equals(DataTypes.StringType)) {
        value = value.cast(DataTypes.DoubleType); // MLlib labels are numbers; true/false → 1/0
      }
      Column at =
          label.ahead() == null
              ? t
              : timestamp_micros(unix_micros(t).minus(lit(label.ahead().toNanos() / 1000)))
                  .as(RowValidator.EVENT_TIME);
      Column[] row =
          Arrays.stream(events.columns())
              .filter(c -> !c.equals(FeaturePipeline.RUN_ID))
              .map(c -> col("`" + c + "`"))
              .toArray(Column[]::new);
      List<Column> select = new ArrayList<>(List.of(ks));
      select.addAll(List.of(at, value.as(LABEL), sha2(to_json(struct(row)), 256).as(LABEL_ID)));
      Dataset<Row> rows = events.select(select.toArray(Column[]::new));
      if (label.reduce() == null) {
        return rows;
      }
      Column reduced =
          switch (label.reduce()) {
            case MAX -> max(col(LABEL));
            case MIN -> min(col(LABEL));
            case MEAN -> avg(col(LABEL));
          };
      List<Column> group = new ArrayList<>(List.of(ks));
      group.add(t);
      return rows.groupBy(group.toArray(Column[]::new))
          .agg(reduced.as(LABEL), min(col(LABEL_ID)).as(LABEL_ID));
    }
    long horizon = label.nextEventWithin().toNanos() / 1000;
    Dataset<Row> times = events.select(k, t).distinct();
    Column next = lead(t, 1).over(Window.partitionBy(k).orderBy(t));
    Column deadline = timestamp_micros(unix_micros(t).plus(lit(horizon)));
    // The end of the observed data: one value, so labels stay a single pass with no join.
    Row end = events.agg(max(t)).head();
    if (end.isNullAt(0)) {
      return times.withColumn(LABEL, lit(null).cast(DataTypes.DoubleType));
    }
    return times
        .withColumn("_next", next)
        .filter(deadline.leq(lit(end.get(0))))
        .select(
            k,
            t,
            when(col("_next").isNotNull().and(col("_next").leq(deadline)), lit(1.0))
                .otherwise(lit(0.0))
                .cast(DataTypes.DoubleType)
                .as(LABEL));
  }
}
