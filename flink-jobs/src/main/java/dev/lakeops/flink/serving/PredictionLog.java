package dev.lakeops.flink.serving;

import static dev.lakeops.common.warehouse.PredictionLogColumns.DEAD_AT;
import static dev.lakeops.common.warehouse.PredictionLogColumns.DEAD_INPUT;
import static dev.lakeops.common.warehouse.PredictionLogColumns.DEAD_REASON;
import static dev.lakeops.common.warehouse.PredictionLogColumns.ENTITY_KEY;
import static dev.lakeops.common.warehouse.PredictionLogColumns.EVENT_TIME;
import static dev.lakeops.common.warehouse.PredictionLogColumns.FEATURES;
import static dev.lakeops.common.warehouse.PredictionLogColumns.MODEL;
import static dev.lakeops.common.warehouse.PredictionLogColumns.MODEL_VERSION;
import static dev.lakeops.common.warehouse.PredictionLogColumns.PREDICTION;
import static dev.lakeops.common.warehouse.PredictionLogColumns.PROBABILITY;
import static dev.lakeops.common.warehouse.PredictionLogColumns.SCORED_AT;
import static dev.lakeops.common.warehouse.PredictionLogColumns.TEXT_FEATURES;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakeops.common.warehouse.PredictionLogColumns;
import dev.lakeops.flink.delta.RowFormat;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The prediction log's and the dead letter's layouts: Delta rows (a notebook or {@code mlops sql}
 * reads them with Spark) and the output topic's JSON, with the columns named in {@link
 * PredictionLogColumns}; the tables' locations are {@link
 * dev.lakeops.common.warehouse.Warehouse#predictions(String)} and {@link
 * dev.lakeops.common.warehouse.Warehouse#servingDeadLetter(String)}.
 */
public final class PredictionLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The event id column: {@link PredictionLogColumns#EVENT_ID}. */
  public static final String EVENT_ID = PredictionLogColumns.EVENT_ID;

  /** The column of the views that had no row: {@link PredictionLogColumns#MISSING_VIEWS}. */
  public static final String MISSING_VIEWS = PredictionLogColumns.MISSING_VIEWS;

  private PredictionLog() {}

  /** Rows of the prediction log. */
  public static final class Rows implements RowFormat<Prediction> {
    private static final long serialVersionUID = 1L;

    @Override
    public StructType schema() {
      return new StructType()
          .add(EVENT_ID, StringType.STRING, false)
          .add(ENTITY_KEY, StringType.STRING, false)
          .add(EVENT_TIME, TimestampType.TIMESTAMP, false)
          .add(MODEL, StringType.STRING, false)
          .add(MODEL_VERSION, IntegerType.INTEGER, false)
          .add(FEATURES, new MapType(StringType.STRING, DoubleType.DOUBLE, true))
          .add(TEXT_FEATURES, new MapType(StringType.STRING, StringType.STRING, true))
          .add(PREDICTION, DoubleType.DOUBLE, false)
          .add(PROBABILITY, new ArrayType(DoubleType.DOUBLE, false))
          .add(SCORED_AT, TimestampType.TIMESTAMP, false)
          .add(MISSING_VIEWS, new ArrayType(StringType.STRING, false), true);
    }

    @Override
    public Object[] toRow(Prediction p) {
      return new Object[] {
        p.eventId(),
        p.entityKey(),
        p.eventTimeMillis() * 1000,
        p.model(),
        p.version(),
        p.features(),
        p.textFeatures(),
        p.prediction(),
        p.probability(),
        p.scoredAtMillis() * 1000,
        p.missingViews()
      };
    }
  }

  /** Rows of the dead letter table. */
  public static final class DeadRows implements RowFormat<DeadLetter> {
    private static final long serialVersionUID = 1L;

    @Override
    public StructType schema() {
      return new StructType()
          .add(DEAD_INPUT, StringType.STRING, true)
          .add(EVENT_ID, StringType.STRING, true)
          .add(DEAD_REASON, StringType.STRING, false)
          .add(MODEL, StringType.STRING, false)
          .add(MODEL_VERSION, IntegerType.INTEGER, false)
          .add(DEAD_AT, TimestampType.TIMESTAMP, false);
    }

    @Override
    public Object[] toRow(DeadLetter d) {
      return new Object[] {
        d.input(), d.eventId(), d.reason(), d.model(), d.version(), d.atMillis() * 1000
      };
    }
  }

  /** The output topic's value: one JSON object per prediction. */
  public static byte[] json(Prediction p) {
    ObjectNode o = JSON.createObjectNode();
    o.put(EVENT_ID, p.eventId());
    o.put(ENTITY_KEY, p.entityKey());
    o.put(EVENT_TIME, Instant.ofEpochMilli(p.eventTimeMillis()).toString());
    o.put(MODEL, p.model());
    o.put(MODEL_VERSION, p.version());
    ObjectNode f = o.putObject(FEATURES);
    p.features().forEach((k, v) -> f.put(k, v));
    p.textFeatures().forEach((k, v) -> f.put(k, v));
    o.put(PREDICTION, p.prediction());
    if (p.probability() != null) {
      ArrayNode a = o.putArray(PROBABILITY);
      for (double x : p.probability()) {
        a.add(x);
      }
    }
    o.put(SCORED_AT, Instant.ofEpochMilli(p.scoredAtMillis()).toString());
    ArrayNode missing = o.putArray(MISSING_VIEWS);
    p.missingViews().forEach(missing::add);
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }
}
