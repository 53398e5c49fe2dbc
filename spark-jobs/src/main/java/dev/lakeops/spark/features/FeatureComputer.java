package dev.lakeops.spark.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.features.Aggregation;
import dev.lakeops.spark.expr.SparkExprs;
import dev.lakeops.spark.ingest.RowValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * Computes a feature view from validated events: one output row per entity key and distinct event
 * time {@code t}, each window feature aggregating the entity's events in {@code (t - window, t]}.
 *
 * <p>Events are first reduced to partial aggregates per key and time (count, sum, sum of squares,
 * min, max, greatest value), then combined over a range frame of the event time in microseconds.
 * The finishing formulas are the contract the online engine follows: mean = sum / count; stddev =
 * sqrt(max(0, (sumsq - sum * sum / n) / (n - 1))) for n ≥ 2, else null.
 */
public final class FeatureComputer {
  static final String TS = "_ts_us";

  private FeatureComputer() {}

  /** Computes all rows of the view from {@code events} (key column, event_time, source columns). */
  public static Dataset<Row> compute(
      FeatureViewConfig view, String keyColumn, Dataset<Row> events) {
    Column key = col("`" + keyColumn + "`");
    Column time = col(RowValidator.EVENT_TIME);

    List<Column> values = new ArrayList<>();
    values.add(key);
    values.add(time);
    for (int i = 0; i < view.features().size(); i++) {
      values.add(value(view.features().get(i)).as(v(i)));
    }
    Dataset<Row> valued = events.select(values.toArray(Column[]::new));

    List<Column> partials = new ArrayList<>();
    for (int i = 0; i < view.features().size(); i++) {
      partials.addAll(partials(view.features().get(i), i));
    }
    Dataset<Row> perTime =
        valued
            .groupBy(key, time)
            .agg(partials.get(0), partials.subList(1, partials.size()).toArray(Column[]::new))
            .withColumn(TS, unix_micros(time));

    List<Column> out = new ArrayList<>();
    out.add(key);
    out.add(time);
    for (int i = 0; i < view.features().size(); i++) {
      FeatureSpec f = view.features().get(i);
      out.add(finish(f, i, keyColumn).cast(sparkType(f)).as(f.name()));
    }
    return perTime.select(out.toArray(Column[]::new));
  }

  private static Column value(FeatureSpec f) {
    Column v = f.expr() == null ? lit(1.0) : SparkExprs.toColumn(f.expr());
    if (f.exprType() == dev.lakeops.common.expr.ExprType.NUMBER) {
      v = v.cast(DataTypes.DoubleType);
    }
    return f.filter() == null ? v : when(SparkExprs.toColumn(f.filter()).equalTo(lit(true)), v);
  }

  private static List<Column> partials(FeatureSpec f, int i) {
    Column v = col(v(i));
    Aggregation a = f.aggregation();
    if (a == null || a == Aggregation.LAST) {
      return List.of(max(v).as(p(i, "last")));
    }
    return switch (a) {
      case COUNT -> List.of(count(v).as(p(i, "n")));
      case SUM, MEAN -> List.of(count(v).as(p(i, "n")), sum(v).as(p(i, "s")));
      case MIN -> List.of(min(v).as(p(i, "min")));
      case MAX -> List.of(max(v).as(p(i, "max")));
      case STDDEV ->
          List.of(count(v).as(p(i, "n")), sum(v).as(p(i, "s")), sum(v.multiply(v)).as(p(i, "ss")));
      default -> throw new IllegalStateException("unhandled aggregation " + a);
    };
  }

  private static Column finish(FeatureSpec f, int i, String keyColumn) {
    Aggregation a = f.aggregation();
    if (a == null) {
      return col(p(i, "last"));
    }
    WindowSpec w = window(keyColumn, f.window());
    return switch (a) {
      case COUNT -> sum(col(p(i, "n"))).over(w);
      case SUM -> sum(col(p(i, "s"))).over(w);
      case MEAN -> {
        Column n = sum(col(p(i, "n"))).over(w);
        yield when(n.gt(0), sum(col(p(i, "s"))).over(w).divide(n));
      }
      case MIN -> min(col(p(i, "min"))).over(w);
      case MAX -> max(col(p(i, "max"))).over(w);
      case STDDEV -> {
        Column n = sum(col(p(i, "n"))).over(w);
        Column s = sum(col(p(i, "s"))).over(w);
        Column ss = sum(col(p(i, "ss"))).over(w);
        Column variance = ss.minus(s.multiply(s).divide(n)).divide(n.minus(1));
        yield when(n.geq(2), sqrt(greatest(variance, lit(0.0))));
      }
      case LAST -> last(col(p(i, "last")), true).over(w);
    };
  }

  /** The frame (t - window, t] over the entity's rows, in microseconds. */
  private static WindowSpec window(String keyColumn, Duration window) {
    long micros = window.toNanos() / 1000;
    return Window.partitionBy(col("`" + keyColumn + "`"))
        .orderBy(col(TS))
        .rangeBetween(-(micros - 1), 0);
  }

  private static org.apache.spark.sql.types.DataType sparkType(FeatureSpec f) {
    return switch (f.outputType()) {
      case LONG -> DataTypes.LongType;
      case DOUBLE -> DataTypes.DoubleType;
      case STRING -> DataTypes.StringType;
      case BOOLEAN -> DataTypes.BooleanType;
    };
  }

  private static String v(int i) {
    return "_v" + i;
  }

  private static String p(int i, String part) {
    return "_p" + i + "_" + part;
  }
}
