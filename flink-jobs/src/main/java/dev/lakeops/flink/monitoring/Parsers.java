package dev.lakeops.flink.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeops.common.config.SourceConfig.CsvDialect;
import dev.lakeops.common.events.CsvLine;
import dev.lakeops.common.events.Rejection;
import dev.lakeops.flink.FlinkErrors;
import dev.lakeops.flink.io.RawRecord;
import dev.lakeops.flink.serving.Prediction;
import dev.lakeops.flink.serving.PredictionLog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The monitoring job's decoders: label records (CSV lines of a file with a header, or JSON objects
 * from Kafka) into {@link Label}s, malformed ones to the dead letter with the reason; and the
 * serving job's output JSON ({@link PredictionLog#json}) back into {@link Prediction}s.
 */
public final class Parsers {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The dead letter's source name for labels. */
  public static final String LABELS = "labels";

  /** Label records that could not be read, with the reason. */
  public static final OutputTag<Rejection> REJECTED =
      new OutputTag<>(
          "rejected-labels",
          org.apache.flink.api.common.typeinfo.TypeInformation.of(Rejection.class)) {};

  private Parsers() {}

  /**
   * A label record decoded: a {@link Label}, or a {@link Rejection} (rule {@code header}, {@code
   * malformed}, {@code not_null} or {@code type}); null for a file's header line and blank lines.
   */
  public static Object label(RawRecord r, String eventIdColumn, String labelColumn) {
    String text = r.text();
    if (text.isBlank()) {
      return null;
    }
    String id;
    String value;
    if (text.stripLeading().startsWith("{")) {
      JsonNode n;
      try {
        n = JSON.readTree(text);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        return reject(r, "malformed", "not a JSON object: " + e.getOriginalMessage());
      }
      id = n.hasNonNull(eventIdColumn) ? n.get(eventIdColumn).asText() : null;
      value = n.hasNonNull(labelColumn) ? n.get(labelColumn).asText() : null;
    } else {
      if (r.first() == null) {
        return reject(
            r, "header", "a CSV label line needs its file's header (labels from Kafka are JSON)");
      }
      if (r.index() == 0) {
        return null; // the header itself
      }
      CsvLine.Split header = CsvLine.split(r.first(), ',', CsvDialect.DEFAULT);
      CsvLine.Split line = CsvLine.split(text, ',', CsvDialect.DEFAULT);
      if (header.fields() == null) {
        return reject(r, "header", "the file's header cannot be read: " + header.problem());
      }
      int idAt = indexOf(header.fields(), eventIdColumn);
      int labelAt = indexOf(header.fields(), labelColumn);
      if (idAt < 0 || labelAt < 0) {
        return reject(
            r,
            "header",
            "the file's header "
                + String.join(",", header.fields())
                + " has no column '"
                + (idAt < 0 ? eventIdColumn : labelColumn)
                + "'");
      }
      if (line.fields() == null) {
        return reject(r, "malformed", line.problem());
      }
      if (line.fields().length != header.fields().length) {
        return reject(
            r,
            "malformed",
            "expected "
                + header.fields().length
                + " fields as the header has, found "
                + line.fields().length);
      }
      id = line.fields()[idAt].strip();
      value = line.fields()[labelAt].strip();
    }
    if (id == null || id.isEmpty()) {
      return reject(r, "not_null", "the event id column '" + eventIdColumn + "' is empty");
    }
    if (value == null || value.isEmpty()) {
      return reject(r, "not_null", "the label column '" + labelColumn + "' is empty");
    }
    double label;
    try {
      label = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      return reject(
          r, "type", "the label '" + value + "' is not a number (a class index or value)");
    }
    if (!Double.isFinite(label)) {
      return reject(r, "type", "the label '" + value + "' is not finite");
    }
    return new Label(id, label, r.origin());
  }

  private static int indexOf(String[] fields, String name) {
    for (int i = 0; i < fields.length; i++) {
      if (fields[i].strip().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static Rejection reject(RawRecord r, String rule, String reason) {
    return new Rejection(LABELS, rule, reason, r.text(), r.origin());
  }

  /** Decodes label records; rejections go to {@link #REJECTED}. */
  static final class LabelDecoder extends ProcessFunction<RawRecord, Label> {
    private static final long serialVersionUID = 1L;
    private final String eventIdColumn;
    private final String labelColumn;

    LabelDecoder(String eventIdColumn, String labelColumn) {
      this.eventIdColumn = eventIdColumn;
      this.labelColumn = labelColumn;
    }

    @Override
    public void processElement(RawRecord r, Context ctx, Collector<Label> out) {
      Object o = label(r, eventIdColumn, labelColumn);
      if (o instanceof Label l) {
        out.collect(l);
      } else if (o instanceof Rejection j) {
        ctx.output(REJECTED, j);
      }
    }
  }

  /**
   * A prediction of the serving job's output topic ({@link PredictionLog#json}): numbers (and
   * nulls) in {@code features} are numeric features, strings text features.
   *
   * @throws dev.lakeops.common.error.LakeOpsException when the record is not such a JSON object
   *     (the decoder sends it to the dead letter with the message)
   */
  public static Prediction prediction(String json) {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (Exception e) {
      throw FlinkErrors.notAPredictionJson(e);
    }
    Map<String, Double> features = new LinkedHashMap<>();
    Map<String, String> text = new LinkedHashMap<>();
    JsonNode f = n.path("features");
    for (Iterator<Map.Entry<String, JsonNode>> it = f.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isTextual()) {
        text.put(e.getKey(), e.getValue().asText());
      } else {
        features.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asDouble());
      }
    }
    double[] probability = null;
    if (n.path("probability").isArray()) {
      JsonNode a = n.get("probability");
      probability = new double[a.size()];
      for (int i = 0; i < a.size(); i++) {
        probability[i] = a.get(i).asDouble();
      }
    }
    List<String> missing = new ArrayList<>();
    n.path(PredictionLog.MISSING_VIEWS).forEach(v -> missing.add(v.asText()));
    for (String field : List.of("event_id", "event_time", "model", "model_version", "prediction")) {
      if (!n.hasNonNull(field)) {
        throw FlinkErrors.predictionJsonWithout(field);
      }
    }
    return new Prediction(
        n.get("event_id").asText(),
        n.path("entity_key").asText(null),
        Instant.parse(n.get("event_time").asText()).toEpochMilli(),
        n.get("model").asText(),
        n.get("model_version").asInt(),
        features,
        text,
        n.get("prediction").asDouble(),
        probability,
        n.hasNonNull("scored_at") ? Instant.parse(n.get("scored_at").asText()).toEpochMilli() : 0,
        List.copyOf(missing));
  }
}
