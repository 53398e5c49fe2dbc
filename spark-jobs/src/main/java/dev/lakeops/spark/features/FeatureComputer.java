package dev.lakeops.spark.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udaf;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.features.Aggregation;
import dev.lakeops.common.features.Moments;
import dev.lakeops.spark.expr.SparkExprs;
import dev.lakeops.spark.ingest.RowValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Aggregator;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import scala.Tuple3;

/**
 * Computes a feature view from validated events: one output row per entity key and distinct event
 * time {@code t}, each window feature aggregating the entity's events in {@code (t - window, t]}.
 *
 * <p>Events are first reduced to partial aggregates per key and time (count, sum, {@link Moments}
 * (n, mean, m2), min, max, greatest value), then combined over a range frame of the event time in
 * microseconds. The finishing formulas are the contract the online engine ({@code
 * IncrementalFeatures}) follows: mean = sum / count; stddev = the sample standard deviation of the
 * per-time {@link Moments} merged in ascending time (Chan et al., {@link Moments#merge}) for n ≥ 2,
 * else null. The moments are computed by common's {@link Moments} itself, through two typed
 * aggregators ({@link TimeMoments} within one time, {@link WindowStddev} over the frame), so both
 * engines run one copy of the arithmetic: no sum of squares, which cancels catastrophically for
 * large values (1e9, 1e9+1, 1e9+2 has standard deviation 1.0, not 0.0). A derived feature ({@link
 * FeatureSpec#derived()}) is its expression compiled by {@link SparkExprs} over the finished
 * columns of the view's earlier features, as {@code IncrementalFeatures} evaluates it.
 */
public final class FeatureComputer {
  static final String TS = "_ts_us";

  private static final Encoder<Tuple3<Long, Double, Double>> PARTS =
      Encoders.tuple(Encoders.LONG(), Encoders.DOUBLE(), Encoders.DOUBLE());
  private static final UserDefinedFunction TIME_MOMENTS =
      udaf(new TimeMoments(), Encoders.DOUBLE());
  private static final UserDefinedFunction WINDOW_STDDEV = udaf(new WindowStddev(), PARTS);

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
      if (!view.features().get(i).derived()) {
        values.add(value(view.features().get(i)).as(v(i)));
      }
    }
    // Hash-partitioned by the key alone: the per-time aggregate (clustered by key and time) and
    // the windows (by key) both find their rows where they need them, so the rows are shuffled
    // once, not once per step.
    Dataset<Row> valued = events.select(values.toArray(Column[]::new)).repartition(key);

    List<Column> partials = new ArrayList<>();
    for (int i = 0; i < view.features().size(); i++) {
      if (!view.features().get(i).derived()) {
        partials.addAll(partials(view.features().get(i), i));
      }
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
      if (!f.derived()) {
        out.add(finish(f, i, keyColumn).cast(sparkType(f)).as(f.name()));
      }
    }
    Dataset<Row> rows = perTime.select(out.toArray(Column[]::new));
    if (view.features().stream().noneMatch(FeatureSpec::derived)) {
      return rows;
    }
    // Derived features: their expressions over the finished (and earlier derived) features, in
    // declaration order, then the columns in the view's order.
    List<Column> ordered = new ArrayList<>(List.of(key, time));
    for (FeatureSpec f : view.features()) {
      if (f.derived()) {
        rows = rows.withColumn(f.name(), SparkExprs.toColumn(f.expr()).cast(sparkType(f)));
      }
      ordered.add(col("`" + f.name() + "`"));
    }
    return rows.select(ordered.toArray(Column[]::new));
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
      case STDDEV -> List.of(TIME_MOMENTS.apply(v).as(p(i, "moments")));
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
        Column m = col(p(i, "moments"));
        yield WINDOW_STDDEV.apply(m.getField("_1"), m.getField("_2"), m.getField("_3")).over(w);
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

  /**
   * The {@link Moments} (n, mean, m2) of the non-null values of one key and time, added one by one
   * (Welford); partial results of several tasks merge with Chan et al.'s formula. The order of the
   * values within one time is Spark's, as for the per-time sum.
   */
  static final class TimeMoments extends Aggregator<Double, Moments, Tuple3<Long, Double, Double>> {
    private static final long serialVersionUID = 1L;

    @Override
    public Moments zero() {
      return new Moments();
    }

    @Override
    public Moments reduce(Moments b, Double x) {
      return x == null ? b : b.add(x);
    }

    @Override
    public Moments merge(Moments a, Moments b) {
      return a.merge(b);
    }

    @Override
    public Tuple3<Long, Double, Double> finish(Moments m) {
      return new Tuple3<>(m.count(), m.rawMean(), m.m2());
    }

    @Override
    public Encoder<Moments> bufferEncoder() {
      return Encoders.javaSerialization(Moments.class);
    }

    @Override
    public Encoder<Tuple3<Long, Double, Double>> outputEncoder() {
      return PARTS;
    }
  }

  /**
   * The sample standard deviation over a window frame: the per-time moments (n, mean, m2) merged in
   * frame order, which is ascending event time (Spark recomputes a sliding range frame from its
   * first row), exactly as {@code IncrementalFeatures} merges its slots; null below two values.
   */
  static final class WindowStddev
      extends Aggregator<Tuple3<Long, Double, Double>, Moments, Double> {
    private static final long serialVersionUID = 1L;

    @Override
    public Moments zero() {
      return new Moments();
    }

    @Override
    public Moments reduce(Moments b, Tuple3<Long, Double, Double> parts) {
      return parts == null || parts._1() == null ? b : b.merge(parts._1(), parts._2(), parts._3());
    }

    @Override
    public Moments merge(Moments a, Moments b) {
      return a.merge(b);
    }

    @Override
    public Double finish(Moments m) {
      return m.sampleStddev();
    }

    @Override
    public Encoder<Moments> bufferEncoder() {
      return Encoders.javaSerialization(Moments.class);
    }

    @Override
    public Encoder<Double> outputEncoder() {
      return Encoders.DOUBLE();
    }
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
