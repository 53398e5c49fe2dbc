package dev.lakeops.spark.scoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.common.scoring.MissingViews;
import dev.lakeops.common.scoring.PipelineScorer;
import dev.lakeops.common.scoring.Scored;
import dev.lakeops.common.training.ModelSpec.MissingFeatures;
import dev.lakeops.common.training.Signature;
import dev.lakeops.common.types.ColumnType;
import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Scores the rows of one partition with the Spark-free scorer streaming inference uses ({@link
 * PipelineScorer}, loaded once per executor JVM and version), so a batch prediction equals what
 * {@code serve} gives for the same values. Each input row becomes one output row ({@link #SCHEMA}):
 * a prediction, or a dead letter with the reason ({@link #REASON} not null) when the model's
 * missing-features policy ({@link MissingViews}) refuses it or the scorer rejects its values.
 *
 * <p>The input rows are laid out by {@link BatchScorer}: the entity key (string), the event time,
 * the model's inputs in signature order, then one boolean per looked-up view (whether it had a
 * row).
 */
final class ScoreRows implements MapPartitionsFunction<Row, Row>, Serializable {
  private static final long serialVersionUID = 1L;

  /** Output: whether the row was refused, and why (null: scored). */
  static final String REASON = "reason";

  static final StructType SCHEMA =
      new StructType()
          .add("entity_key", DataTypes.StringType)
          .add("event_time", DataTypes.TimestampType)
          .add("prediction", DataTypes.DoubleType)
          .add("probability", DataTypes.createArrayType(DataTypes.DoubleType))
          .add("missing_views", DataTypes.createArrayType(DataTypes.StringType))
          .add("values", DataTypes.StringType)
          .add(REASON, DataTypes.StringType);

  /** Scorers loaded in this JVM, by model directory. */
  private static final Map<String, PipelineScorer> LOADED = new ConcurrentHashMap<>();

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String modelDir;
  private final String signatureJson;
  private final List<String> views;
  private final String keyField;
  private final MissingFeatures policy;
  private final Map<String, String> hadoopConf;

  /**
   * @param modelDir the version's saved PipelineModel ({@code <artifact>/model})
   * @param signature the version's signature (the inputs' names, order and types)
   * @param views the views looked up for each row, in the training set's order (one boolean column
   *     each after the inputs)
   * @param keyField the entity key's column, for the dead letter's reason (may be null)
   * @param policy the model's {@code serving.on_missing_features}
   * @param hadoopConf Hadoop settings to read the model with (the session's {@code spark.hadoop.*},
   *     e.g. object-store credentials), on top of the executor's defaults
   */
  ScoreRows(
      String modelDir,
      Signature signature,
      List<String> views,
      String keyField,
      MissingFeatures policy,
      Map<String, String> hadoopConf) {
    this.modelDir = modelDir;
    this.signatureJson = signature.toJson();
    this.views = List.copyOf(views);
    this.keyField = keyField;
    this.policy = policy;
    this.hadoopConf = new HashMap<>(hadoopConf);
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    Signature signature = Signature.fromJson(signatureJson);
    PipelineScorer scorer =
        LOADED.computeIfAbsent(modelDir + "\n" + signatureJson, k -> load(signature));
    List<Signature.Field> inputs = signature.inputs();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        return score(rows.next(), inputs, scorer);
      }
    };
  }

  private PipelineScorer load(Signature signature) {
    Map<String, ColumnType> types = new HashMap<>();
    signature.inputs().forEach(f -> types.put(f.name(), f.type()));
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    hadoopConf.forEach(conf::set);
    return PipelineScorer.load(modelDir, types, conf);
  }

  private Row score(Row in, List<Signature.Field> inputs, PipelineScorer scorer) {
    String key = in.getString(0);
    Object time = in.get(1);
    Map<String, Object> values = new HashMap<>(inputs.size() * 2);
    for (int i = 0; i < inputs.size(); i++) {
      values.put(inputs.get(i).name(), value(inputs.get(i).type(), in.get(2 + i)));
    }
    int first = 2 + inputs.size();
    Map<String, Boolean> hasRow = new HashMap<>();
    for (int v = 0; v < views.size(); v++) {
      hasRow.put(views.get(v), in.getBoolean(first + v));
    }
    List<String> missing = MissingViews.missing(views, hasRow::containsKey, hasRow::get);
    String[] missingArray = missing.toArray(String[]::new);
    if (policy.deadLetters(missing.size(), views.size())) {
      String why = MissingViews.reason(keyField, key, instant(time), missing, views.size(), policy);
      return RowFactory.create(key, time, null, null, missingArray, json(inputs, values), why);
    }
    Scored s;
    try {
      s = scorer.score(values);
    } catch (LakeOpsException | IllegalArgumentException e) {
      String why = "the model rejects the row: " + e.getMessage();
      return RowFactory.create(key, time, null, null, missingArray, json(inputs, values), why);
    }
    return RowFactory.create(key, time, s.prediction(), probability(s), missingArray, null, null);
  }

  /** The class probabilities as Spark's array, or null for a regression. */
  private static Double[] probability(Scored s) {
    if (s.probability() == null) {
      return null;
    }
    Double[] p = new Double[s.probability().length];
    for (int i = 0; i < p.length; i++) {
      p[i] = s.probability()[i];
    }
    return p;
  }

  /**
   * A column value as the scorer takes the signature's type (the input's column types were checked
   * against it on the driver: {@link BatchScorer#checkType}).
   */
  static Object value(ColumnType type, Object v) {
    if (!(v instanceof Number n)) {
      return v; // null, a string or a boolean
    }
    return switch (type) {
      case DOUBLE -> n.doubleValue();
      case LONG -> n.longValue();
      case INT -> n.intValue();
      default -> v;
    };
  }

  private static Instant instant(Object time) {
    if (time instanceof Timestamp t) {
      return t.toInstant();
    }
    return time instanceof Instant i ? i : null;
  }

  /** The row's model inputs as a JSON object, in the signature's order. */
  private static String json(List<Signature.Field> inputs, Map<String, Object> values) {
    Map<String, Object> ordered = new LinkedHashMap<>();
    for (Signature.Field f : inputs) {
      Object v = values.get(f.name());
      ordered.put(f.name(), v instanceof Double d && !Double.isFinite(d) ? d.toString() : v);
    }
    try {
      return JSON.writeValueAsString(ordered);
    } catch (JsonProcessingException e) {
      return new ArrayList<>(ordered.entrySet()).toString();
    }
  }
}
