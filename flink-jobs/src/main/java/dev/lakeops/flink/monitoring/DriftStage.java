package dev.lakeops.flink.monitoring;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.lakeops.common.monitoring.Statistic;
import dev.lakeops.common.monitoring.WindowStatistic;
import dev.lakeops.common.monitoring.drift.DriftStatistics;
import dev.lakeops.common.monitoring.drift.FeatureWindow;
import dev.lakeops.common.monitoring.drift.ReferenceColumn;
import dev.lakeops.common.training.ReferenceProfile;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.serving.Prediction;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The drift branch: the predictions' event-time windows per model version (Flink windows, the same
 * bounds as {@link Windows}), aggregated incrementally into one bounded {@link FeatureWindow} per
 * model input, for the prediction and (binary classifiers) for the class-1 probability, and
 * compared with the version's reference profile ({@link ReferenceProfiles}) by {@link
 * DriftStatistics} when the watermark passes the window's end. A column the profile lacks, or every
 * column of a version without a profile, gets its {@link Statistic#MISSING_RATE} only; such a
 * version is logged once and counted ({@code versions_without_profile}). Late predictions were
 * taken out before ({@link MonitorJob.LateFilter}). With {@link
 * MonitorSettings#computeStatistics()} off (the benchmark's baseline) the same windows only count
 * their rows and emit nothing.
 */
final class DriftStage {
  private DriftStage() {}

  static SingleOutputStreamOperator<WindowStatistic> attach(
      DataStream<Prediction> timed, MonitorSettings s) {
    ReferenceProfiles references =
        new ReferenceProfiles(
            new Warehouse(s.warehouseRoot(), s.database()).modelVersions().path(), s.model());
    if (!s.computeStatistics()) { // the benchmark's baseline: the same windows, rows counted only
      return timed
          .keyBy(Prediction::version, Types.INT)
          .window(assigner(s.windowSize(), s.windowSlide()))
          .aggregate(
              new CountRows(),
              new EmitNothing(),
              Types.LONG,
              Types.LONG,
              TypeInformation.of(WindowStatistic.class))
          .name("drift-window-count-" + s.model())
          .uid("monitor-drift-window-count");
    }
    return timed
        .keyBy(Prediction::version, Types.INT)
        .window(assigner(s.windowSize(), s.windowSlide()))
        .aggregate(
            new Summarize(references),
            new Emit(s.model(), references),
            TypeInformation.of(Summary.class),
            TypeInformation.of(Summary.class),
            TypeInformation.of(WindowStatistic.class))
        .name("drift-windows-" + s.model())
        .uid("monitor-drift-windows");
  }

  /** The baseline's aggregate: a window's row count. */
  static final class CountRows implements AggregateFunction<Prediction, Long, Long> {
    private static final long serialVersionUID = 1L;

    @Override
    public Long createAccumulator() {
      return 0L;
    }

    @Override
    public Long add(Prediction p, Long n) {
      return n + 1;
    }

    @Override
    public Long getResult(Long n) {
      return n;
    }

    @Override
    public Long merge(Long a, Long b) {
      return a + b;
    }
  }

  /** The baseline's window function: no statistic. */
  static final class EmitNothing
      extends ProcessWindowFunction<Long, WindowStatistic, Integer, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void process(
        Integer version, Context ctx, Iterable<Long> counts, Collector<WindowStatistic> out) {}
  }

  static WindowAssigner<Object, TimeWindow> assigner(Duration size, Duration slide) {
    return size.equals(slide)
        ? TumblingEventTimeWindows.of(size)
        : SlidingEventTimeWindows.of(size, slide);
  }

  /**
   * A window's summaries, one {@link FeatureWindow} per column (bounded: its size does not grow
   * with the window's rows). Kryo writes it through {@link FeatureWindow#toBytes()}.
   */
  static final class Summary implements KryoSerializable {
    final TreeMap<String, FeatureWindow> columns = new TreeMap<>();

    void add(String column, ReferenceProfile profile, boolean text, Object value) {
      FeatureWindow w = columns.computeIfAbsent(column, c -> newWindow(c, profile, text));
      if (value == null || (value instanceof Double d && d.isNaN())) {
        w.addMissing();
      } else if (w.kind() == ReferenceProfile.Kind.NUMERIC) {
        if (value instanceof Double d) {
          w.add(d);
        } else {
          w.addMissing(); // text where the reference has numbers: not comparable
        }
      } else {
        w.add(categoryOf(value, profile == null ? null : profile.column(column).orElse(null)));
      }
    }

    Summary merge(Summary o) {
      o.columns.forEach(
          (c, w) -> {
            FeatureWindow mine = columns.get(c);
            if (mine == null) {
              columns.put(c, FeatureWindow.fromBytes(w.toBytes()));
            } else {
              mine.merge(w);
            }
          });
      return this;
    }

    @Override
    public void write(Kryo kryo, Output out) {
      out.writeInt(columns.size());
      columns.forEach(
          (c, w) -> {
            byte[] b = w.toBytes();
            out.writeString(c);
            out.writeInt(b.length);
            out.writeBytes(b);
          });
    }

    @Override
    public void read(Kryo kryo, Input in) {
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        String c = in.readString();
        columns.put(c, FeatureWindow.fromBytes(in.readBytes(in.readInt())));
      }
    }
  }

  private static FeatureWindow newWindow(String column, ReferenceProfile profile, boolean text) {
    if (profile != null && profile.column(column).isPresent()) {
      return ReferenceColumn.of(column, profile.column(column).get()).newWindow();
    }
    return text ? FeatureWindow.categorical() : FeatureWindow.numeric();
  }

  /**
   * A served value as the reference's category text: Spark casts the training values to strings
   * ({@code 1.0}, {@code true}); served booleans are 1.0/0.0.
   */
  static String categoryOf(Object value, ReferenceProfile.ColumnProfile column) {
    if (value instanceof String t) {
      return t;
    }
    double d = (Double) value;
    if (column != null
        && column.frequencies() != null
        && (column.frequencies().containsKey("true")
            || column.frequencies().containsKey("false"))) {
      return d != 0 ? "true" : "false";
    }
    return Double.toString(d);
  }

  static final class Summarize implements AggregateFunction<Prediction, Summary, Summary> {
    private static final long serialVersionUID = 1L;
    private final ReferenceProfiles references;

    Summarize(ReferenceProfiles references) {
      this.references = references;
    }

    @Override
    public Summary createAccumulator() {
      return new Summary();
    }

    @Override
    public Summary add(Prediction p, Summary acc) {
      ReferenceProfile profile = references.get(p.version()).orElse(null);
      p.features().forEach((f, v) -> acc.add(f, profile, false, v));
      p.textFeatures().forEach((f, v) -> acc.add(f, profile, true, v));
      acc.add(ReferenceProfile.PREDICTION, profile, false, p.prediction());
      if (p.probability() != null && p.probability().length == 2) {
        acc.add(ReferenceProfile.POSITIVE_PROBABILITY, profile, false, p.probability()[1]);
      }
      return acc;
    }

    @Override
    public Summary getResult(Summary acc) {
      return acc;
    }

    @Override
    public Summary merge(Summary a, Summary b) {
      return a.merge(b);
    }
  }

  static final class Emit
      extends ProcessWindowFunction<Summary, WindowStatistic, Integer, TimeWindow> {
    private static final long serialVersionUID = 1L;
    private final String model;
    private final ReferenceProfiles references;
    private transient Counter withoutProfile;

    Emit(String model, ReferenceProfiles references) {
      this.model = model;
      this.references = references;
    }

    @Override
    public void open(OpenContext ctx) {
      withoutProfile = getRuntimeContext().getMetricGroup().counter("versions_without_profile");
    }

    @Override
    public void process(
        Integer version, Context ctx, Iterable<Summary> summaries, Collector<WindowStatistic> out) {
      Summary s = summaries.iterator().next();
      TimeWindow w = ctx.window();
      boolean seen = references.known(version);
      Optional<ReferenceProfile> profile = references.get(version);
      if (profile.isEmpty() && !seen) {
        withoutProfile.inc();
      }
      for (Map.Entry<String, FeatureWindow> e : s.columns.entrySet()) {
        String column = e.getKey();
        FeatureWindow window = e.getValue();
        var reference = profile.flatMap(p -> p.column(column));
        if (reference.isPresent()) {
          DriftStatistics.rows(
                  model,
                  version,
                  w.getStart(),
                  w.getEnd(),
                  ReferenceColumn.of(column, reference.get()),
                  window)
              .forEach(out::collect);
        } else {
          out.collect(
              new WindowStatistic(
                  model,
                  version,
                  w.getStart(),
                  w.getEnd(),
                  column,
                  Statistic.MISSING_RATE,
                  window.rows() == 0 ? Double.NaN : (double) window.missing() / window.rows(),
                  window.rows()));
        }
      }
    }
  }
}
