package dev.lakeops.flink.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * reads them with Spark) and the output topic's JSON.
 */
public final class PredictionLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The prediction log's event id column (the idempotency key of a scored event). */
  public static final String EVENT_ID = "event_id";

  /** The prediction log's column of the views that had no row (array of view names). */
  public static final String MISSING_VIEWS = "missing_views";

  private PredictionLog() {}

  /** {@code <warehouse>/<database>/predictions/<model>}. */
  public static String path(String warehouseRoot, String database, String model) {
    return trim(warehouseRoot) + "/" + database + "/predictions/" + model;
  }

  /** {@code <warehouse>/<database>/dead_letter/serve_<model>}. */
  public static String deadLetterPath(String warehouseRoot, String database, String model) {
    return trim(warehouseRoot) + "/" + database + "/dead_letter/serve_" + model;
  }

  private static String trim(String root) {
    return root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  /** Rows of the prediction log. */
  public static final class Rows implements RowFormat<Prediction> {
    private static final long serialVersionUID = 1L;

    @Override
    public StructType schema() {
      return new StructType()
          .add(EVENT_ID, StringType.STRING, false)
          .add("entity_key", StringType.STRING, false)
          .add("event_time", TimestampType.TIMESTAMP, false)
          .add("model", StringType.STRING, false)
          .add("model_version", IntegerType.INTEGER, false)
          .add("features", new MapType(StringType.STRING, DoubleType.DOUBLE, true))
          .add("text_features", new MapType(StringType.STRING, StringType.STRING, true))
          .add("prediction", DoubleType.DOUBLE, false)
          .add("probability", new ArrayType(DoubleType.DOUBLE, false))
          .add("scored_at", TimestampType.TIMESTAMP, false)
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
          .add("input", StringType.STRING, true)
          .add("event_id", StringType.STRING, true)
          .add("reason", StringType.STRING, false)
          .add("model", StringType.STRING, false)
          .add("model_version", IntegerType.INTEGER, false)
          .add("at", TimestampType.TIMESTAMP, false);
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
    o.put("event_id", p.eventId());
    o.put("entity_key", p.entityKey());
    o.put("event_time", Instant.ofEpochMilli(p.eventTimeMillis()).toString());
    o.put("model", p.model());
    o.put("model_version", p.version());
    ObjectNode f = o.putObject("features");
    p.features().forEach((k, v) -> f.put(k, v));
    p.textFeatures().forEach((k, v) -> f.put(k, v));
    o.put("prediction", p.prediction());
    if (p.probability() != null) {
      ArrayNode a = o.putArray("probability");
      for (double x : p.probability()) {
        a.add(x);
      }
    }
    o.put("scored_at", Instant.ofEpochMilli(p.scoredAtMillis()).toString());
    ArrayNode missing = o.putArray(MISSING_VIEWS);
    p.missingViews().forEach(missing::add);
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }
}
