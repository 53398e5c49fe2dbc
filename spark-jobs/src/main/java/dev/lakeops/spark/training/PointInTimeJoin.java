package dev.lakeops.spark.training;

import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.features.FeatureHistory;
import dev.lakeops.common.features.Freshness;
import dev.lakeops.common.features.IncrementalFeatures;
import dev.lakeops.spark.ingest.EventRows;
import dev.lakeops.spark.ingest.RowValidator;
import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.CoGroupFunction;
import org.apache.spark.api.java.function.MapFunction;
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
 * <p>Each view is joined on its own entity's key: label rows carry the keys of every entity of
 * their source ({@code entities:}), e.g. a rating's user and item, and a user view and an item view
 * are each joined on their key column.
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
   * The validated events of one source and views of one entity computed from them.
   *
   * @param key the views' entity key column (in the label rows and the events table)
   * @param events the source's events table: its key columns, {@code event_time} and the source's
   *     columns (a source column named like a key column is that key column)
   */
  public record SourceInput(
      SourceConfig source, String key, Dataset<Row> events, List<ViewInput> views) {}

  /** The name of the column telling which feature row of {@code view} a label row got. */
  public static String viewTimeColumn(String view) {
    return view + VIEW_TIME_SUFFIX;
  }

  /**
   * Joins. The result has the label rows' columns, then per view (inputs in order, views in order)
   * its features and {@code <view>__event_time} (null when the view has no fresh row).
   *
   * @param labels rows with every input's key column and {@code event_time}
   */
  public static Dataset<Row> join(Dataset<Row> labels, List<SourceInput> sources) {
    Dataset<Row> out = labels;
    for (SourceInput s : sources) {
      out = joinSource(out, s);
    }
    return out;
  }

  private static Dataset<Row> joinSource(Dataset<Row> labels, SourceInput s) {
    String key = s.key();
    Dataset<Row> events = s.events().select(EventRows.select(s.source(), key));

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
      eventRows.forEachRemaining(r -> events.add(EventRows.toEvent(source, key, r)));
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
  }

  /** Epoch microseconds of a Spark date or timestamp value (either Java API). */
  static long micros(Object v) {
    return EventRows.micros(v);
  }

  /** A time as the same Java type as {@code like} (Spark's Java 8 API setting decides it). */
  private static Serializable time(long micros, Object like) {
    Instant i = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    return like instanceof Instant ? i : Timestamp.from(i);
  }
}
