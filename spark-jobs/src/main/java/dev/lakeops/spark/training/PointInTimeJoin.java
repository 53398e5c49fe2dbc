package dev.lakeops.spark.training;

import static org.apache.spark.sql.functions.col;

import dev.lakeops.common.config.ColumnSpec;
import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.features.FeatureHistory;
import dev.lakeops.common.features.Freshness;
import dev.lakeops.common.features.IncrementalFeatures;
import dev.lakeops.spark.ingest.RowValidator;
import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.CoGroupFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The point-in-time join of label rows with feature views, computed from the views' validated
 * events with common's {@link IncrementalFeatures} — the same code the Flink job and the online
 * stores run — so the training set cannot disagree with what serving reads.
 *
 * <p>For a label row of entity {@code k} at time {@code t} (exact event times, microseconds), each
 * view gets:
 *
 * <ul>
 *   <li>a row only when the entity's latest event of the view's source at or before {@code t} is
 *       fresh at {@code t} by the view's TTL ({@link Freshness}: {@code t − latest ≤ ttl},
 *       inclusive); otherwise all its features and {@code <view>__event_time} are null;
 *   <li>window features: the aggregate over the events in {@code (t − window, t]}, read at {@code
 *       t} itself ({@link IncrementalFeatures#valuesAt}), so a count decays to 0 once the window
 *       has passed the last event;
 *   <li>row-level features: the value of the latest event at or before {@code t};
 *   <li>{@code <view>__event_time}: the time of that latest event (the row the label saw).
 * </ul>
 *
 * <p>An event later than {@code t} is never seen. Per entity, the label rows are cogrouped with the
 * source's events in Spark executors (one shuffle per source, nothing collected to the driver); the
 * events are folded in ascending time (ties in a fixed order) and read at each label time in
 * ascending order. An entity's events are held in its task's memory.
 */
public final class PointInTimeJoin {
  private static final String VIEW_TIME_SUFFIX = "__event_time";

  private PointInTimeJoin() {}

  /**
   * A view to join and the features to take from it.
   *
   * @param features feature names of {@code view}, in output order
   */
  public record ViewInput(FeatureViewConfig view, List<String> features) {}

  /**
   * The validated events of one source and the views computed from them.
   *
   * @param events the source's events table: the entity key column, {@code event_time} and the
   *     source's columns (a source column named like the key is the key column)
   */
  public record SourceInput(SourceConfig source, Dataset<Row> events, List<ViewInput> views) {}

  /** The name of the column telling which feature row of {@code view} a label row got. */
  public static String viewTimeColumn(String view) {
    return view + VIEW_TIME_SUFFIX;
  }

  /**
   * Joins. The result has the label rows' columns, then per view (sources in order, views in order)
   * its features and {@code <view>__event_time} (null when the view has no fresh row).
   *
   * @param labels rows with the entity key column {@code key} and {@code event_time}
   */
  public static Dataset<Row> join(Dataset<Row> labels, String key, List<SourceInput> sources) {
    Dataset<Row> out = labels;
    for (SourceInput s : sources) {
      out = joinSource(out, key, s);
    }
    return out;
  }

  private static Dataset<Row> joinSource(Dataset<Row> labels, String key, SourceInput s) {
    List<Column> eventCols = new ArrayList<>();
    eventCols.add(col("`" + key + "`"));
    eventCols.add(col(RowValidator.EVENT_TIME));
    for (ColumnSpec c : s.source().schema()) {
      eventCols.add(col("`" + (c.name().equals(key) ? key : c.name()) + "`"));
    }
    Dataset<Row> events = s.events().select(eventCols.toArray(Column[]::new));

    StructType schema = labels.schema();
    for (ViewInput v : s.views()) {
      for (String f : v.features()) {
        schema = schema.add(f, sparkType(feature(v.view(), f)));
      }
      schema = schema.add(viewTimeColumn(v.view().name()), DataTypes.TimestampType);
    }
    int keyAt = labels.schema().fieldIndex(key);
    int timeAt = labels.schema().fieldIndex(RowValidator.EVENT_TIME);
    return labels
        .groupByKey(keyOf(keyAt), Encoders.STRING())
        .cogroup(
            events.groupByKey(keyOf(0), Encoders.STRING()),
            new AsOf(s.source(), s.views(), timeAt),
            Encoders.row(schema));
  }

  private static MapFunction<Row, String> keyOf(int i) {
    return r -> r.isNullAt(i) ? null : String.valueOf(r.get(i));
  }

  private static FeatureSpec feature(FeatureViewConfig view, String name) {
    return view.feature(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "feature view '" + view.name() + "' has no feature '" + name + "'"));
  }

  static DataType sparkType(FeatureSpec f) {
    return switch (f.outputType()) {
      case LONG -> DataTypes.LongType;
      case DOUBLE -> DataTypes.DoubleType;
      case STRING -> DataTypes.StringType;
      case BOOLEAN -> DataTypes.BooleanType;
    };
  }

  /** One entity: its label rows in, the same rows with the views' columns out. */
  private static final class AsOf implements CoGroupFunction<String, Row, Row, Row> {
    private static final long serialVersionUID = 1L;

    private final SourceConfig source;
    private final List<FeatureViewConfig> views;
    private final List<List<String>> features = new ArrayList<>();
    private final int timeAt;
    private transient IncrementalFeatures incremental;

    AsOf(SourceConfig source, List<ViewInput> views, int timeAt) {
      this.source = source;
      this.views = views.stream().map(ViewInput::view).toList();
      views.forEach(v -> features.add(new ArrayList<>(v.features())));
      this.timeAt = timeAt;
    }

    @Override
    public Iterator<Row> call(String key, Iterator<Row> labelRows, Iterator<Row> eventRows) {
      if (incremental == null) {
        incremental = new IncrementalFeatures(source, views);
      }
      List<Row> labels = new ArrayList<>();
      labelRows.forEachRemaining(labels::add);
      if (labels.isEmpty()) {
        return List.<Row>of().iterator();
      }
      labels.sort(Comparator.comparingLong(r -> micros(r.get(timeAt))));
      List<SourceEvent> events = new ArrayList<>();
      eventRows.forEachRemaining(r -> events.add(event(key, r)));
      // Ascending time; events of one time in a fixed order, so sums round the same every run.
      events.sort(
          Comparator.comparingLong(SourceEvent::eventTimeMicros)
              .thenComparing(e -> java.util.Arrays.toString(e.values())));

      List<FeatureViewConfig> vs = views;
      FeatureHistory history = new FeatureHistory();
      List<Row> out = new ArrayList<>(labels.size());
      int next = 0;
      for (Row label : labels) {
        Object labelTime = label.get(timeAt);
        long t = micros(labelTime);
        while (next < events.size() && events.get(next).eventTimeMicros() <= t) {
          incremental.add(history, events.get(next++));
        }
        List<Object> values = new ArrayList<>(label.size() + 8);
        for (int i = 0; i < label.size(); i++) {
          values.add(label.get(i));
        }
        Long latest = incremental.latestAtOrBefore(history, t);
        for (int v = 0; v < vs.size(); v++) {
          boolean fresh = latest != null && Freshness.isFresh(latest, t, vs.get(v).ttl());
          Map<String, Object> at = fresh ? incremental.valuesAt(history, v, t) : Map.of();
          for (String f : features.get(v)) {
            values.add(at.get(f));
          }
          values.add(fresh ? time(latest, labelTime) : null);
        }
        out.add(RowFactory.create(values.toArray()));
      }
      return out.iterator();
    }

    /** An events-table row (key, event_time, the source's columns) as a {@link SourceEvent}. */
    private SourceEvent event(String key, Row r) {
      List<ColumnSpec> schema = source.schema();
      Object[] values = new Object[schema.size()];
      for (int i = 0; i < values.length; i++) {
        Object v = r.get(i + 2);
        values[i] =
            switch (schema.get(i).type()) {
              case DATE, TIMESTAMP -> v == null ? null : micros(v);
              default -> v;
            };
      }
      return new SourceEvent(key, micros(r.get(1)), values, "events table", null);
    }
  }

  /** Epoch microseconds of a Spark date or timestamp value (either Java API). */
  static long micros(Object v) {
    if (v instanceof Timestamp ts) {
      return ChronoUnit.MICROS.between(Instant.EPOCH, ts.toInstant());
    }
    if (v instanceof Instant i) {
      return ChronoUnit.MICROS.between(Instant.EPOCH, i);
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate().toEpochDay() * 86_400_000_000L;
    }
    if (v instanceof LocalDate d) {
      return d.toEpochDay() * 86_400_000_000L;
    }
    throw new IllegalArgumentException("not a date or timestamp: " + v);
  }

  /** A time as the same Java type as {@code like} (Spark's Java 8 API setting decides it). */
  private static Serializable time(long micros, Object like) {
    Instant i = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    return like instanceof Instant ? i : Timestamp.from(i);
  }
}
