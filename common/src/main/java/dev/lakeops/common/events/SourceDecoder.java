package dev.lakeops.common.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeops.common.config.ColumnSpec;
import dev.lakeops.common.config.ColumnType;
import dev.lakeops.common.config.EventTime;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.config.SourceFormat;
import dev.lakeops.common.expr.Expr;
import dev.lakeops.common.expr.ExprEvaluator;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decodes the text records of a source (JSON lines, delimited or whitespace-separated lines) into
 * typed events, applying the same rules, in the same order and with the same reasons, as the
 * offline pipeline's validation ({@code RowValidator} on Spark): {@code malformed}, then per column
 * {@code type}, {@code not_null}, {@code range}, {@code allowed_values}, then {@code entity_key}
 * and {@code event_time}. A malformed record reports only {@code malformed}.
 *
 * <p>Event time: from the configured column, or for row-index sources ({@code event_time:
 * {row_index: ...}}) {@code start + rowIndex * step}, where the caller gives the record's index
 * among the data records of its input. A JSON record may instead carry an explicit {@value
 * #EVENT_TIME} field (ISO-8601 instant or epoch milliseconds), which wins over the row index: the
 * way to stream a row-index source through Kafka or several files (see {@code OnlineStoreJob}).
 *
 * <p>Not thread-safe (holds a parse buffer); one per task.
 */
public final class SourceDecoder {
  /** The field a JSON record may carry to give its event time explicitly. */
  public static final String EVENT_TIME = "event_time";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Set<String> TRUE = Set.of("t", "true", "y", "yes", "1");
  private static final Set<String> FALSE = Set.of("f", "false", "n", "no", "0");

  private final SourceConfig source;
  private final List<ColumnSpec> schema;
  private final Map<String, Integer> index = new HashMap<>();
  private final boolean json;
  private final boolean whitespace;
  private final char separator;
  private final int timeColumn;
  private final EventTimes.Parser timeParser;
  private final String explicitTimeField;

  /**
   * @param source the source's validated configuration
   */
  public SourceDecoder(SourceConfig source) {
    this(source, source.format());
  }

  /**
   * @param format how records are written: the source's own format, or {@link SourceFormat#JSONL}
   *     for JSON events of a CSV source (e.g. on Kafka)
   */
  public SourceDecoder(SourceConfig source, SourceFormat format) {
    if (!format.isText()) {
      throw new IllegalArgumentException(
          "source '" + source.name() + "': only text records (csv, jsonl) can be streamed");
    }
    this.source = source;
    this.schema = source.schema();
    for (int i = 0; i < schema.size(); i++) {
      index.put(schema.get(i).name(), i);
    }
    this.json = format == SourceFormat.JSONL;
    String d = source.delimiter() == null ? "," : source.delimiter();
    this.whitespace = d.equals("whitespace");
    this.separator = d.equals("\\t") ? '\t' : d.isEmpty() ? ',' : d.charAt(0);
    if (source.eventTime() instanceof EventTime.FromColumn fc) {
      this.timeColumn = index.get(fc.column());
      this.timeParser = EventTimes.parser(schema.get(timeColumn).type(), fc.format());
      this.explicitTimeField = null;
    } else {
      this.timeColumn = -1;
      this.timeParser = null;
      this.explicitTimeField = index.containsKey(EVENT_TIME) ? null : EVENT_TIME;
    }
  }

  public SourceConfig source() {
    return source;
  }

  /** Whether records carry a header line that is to be skipped (first data line of each file). */
  public boolean hasHeader() {
    return !json && source.header();
  }

  /**
   * Decodes one record.
   *
   * @param raw the record as read (one line, without its line end)
   * @param rowIndex the record's index among the data records of its input (header excluded), for
   *     row-index event time; negative when unknown (then only an explicit event time works)
   * @param origin where it came from, kept on the event or rejection
   */
  public Decoded decode(String raw, long rowIndex, String origin) {
    if (raw.isBlank()) {
      return Decoded.BLANK;
    }
    String[] text = new String[schema.size()];
    Long explicitTime = null;
    String explicitTimeProblem = null;
    if (json) {
      JsonNode node;
      try {
        node = JSON.readTree(raw);
      } catch (JsonProcessingException e) {
        node = null;
      }
      if (node == null || !node.isObject()) {
        return reject("malformed", "malformed record: not a valid JSON object", raw, origin);
      }
      for (int i = 0; i < schema.size(); i++) {
        text[i] = jsonText(node.get(schema.get(i).name()));
      }
      if (explicitTimeField != null && node.hasNonNull(explicitTimeField)) {
        JsonNode t = node.get(explicitTimeField);
        explicitTime =
            EventTimes.explicit(t.isNumber() ? null : t.asText(), t.isNumber() ? t : null);
        if (explicitTime == null) {
          explicitTimeProblem = t.toString();
        }
      }
    } else {
      String[] parts = whitespace ? splitWhitespace(raw) : splitDelimited(raw, separator);
      if (parts == null || parts.length != schema.size()) {
        String why =
            whitespace
                ? "expected "
                    + schema.size()
                    + " whitespace-separated fields, got "
                    + (parts == null ? 0 : parts.length)
                : "expected " + schema.size() + " fields separated by '" + separator + "'";
        return reject("malformed", "malformed record: " + why, raw, origin);
      }
      for (int i = 0; i < parts.length; i++) {
        // As Spark's CSV reader: an empty field is null.
        text[i] = parts[i].isEmpty() && !whitespace ? null : parts[i];
      }
    }

    Object[] values = new Object[schema.size()];
    List<String[]> violations = new ArrayList<>(2);
    for (int i = 0; i < schema.size(); i++) {
      ColumnSpec c = schema.get(i);
      String in = text[i];
      boolean present = in != null && !in.trim().isEmpty();
      Object v = in == null ? null : typed(c.type(), in);
      boolean badType =
          present && v == null || v instanceof Double d && (d.isNaN() || d.isInfinite());
      if (badType) {
        violations.add(
            new String[] {
              "type", "column '" + c.name() + "': expected " + c.type().key() + ", got '" + in + "'"
            });
        v = v instanceof Double ? v : null;
      }
      if (!c.nullable() && !present) {
        violations.add(
            new String[] {
              "not_null", "column '" + c.name() + "' is empty but declared nullable: false"
            });
      }
      if (v instanceof Number n) {
        // Spark orders NaN above every number: it is never below a minimum, always above a maximum.
        double x = n.doubleValue();
        if (c.min() != null && x < c.min()) {
          violations.add(
              new String[] {
                "range",
                "column '" + c.name() + "' = " + asText(v) + " is below the minimum " + c.min()
              });
        }
        if (c.max() != null && (x > c.max() || Double.isNaN(x))) {
          violations.add(
              new String[] {
                "range",
                "column '" + c.name() + "' = " + asText(v) + " is above the maximum " + c.max()
              });
        }
      }
      if (!c.allowed().isEmpty() && v != null && !c.allowed().contains(asText(v))) {
        violations.add(
            new String[] {
              "allowed_values",
              "column '" + c.name() + "' = '" + asText(v) + "' is not one of " + c.allowed()
            });
      }
      values[i] = v;
    }

    String key = entityKey(values);
    if (key == null) {
      violations.add(
          new String[] {"entity_key", "the entity key (" + source.entityKeyText() + ") is null"});
    }

    Long micros;
    if (timeColumn >= 0) {
      micros = values[timeColumn] == null ? null : timeParser.micros(values[timeColumn]);
      if (micros == null) {
        EventTime.FromColumn fc = (EventTime.FromColumn) source.eventTime();
        violations.add(
            new String[] {
              "event_time",
              "cannot derive the event time from column '"
                  + fc.column()
                  + "' = '"
                  + (values[timeColumn] == null ? "" : asText(values[timeColumn]))
                  + "'"
                  + (fc.format() == null ? "" : " with format " + fc.format())
            });
      }
    } else if (explicitTime != null) {
      micros = explicitTime;
    } else if (explicitTimeProblem != null) {
      micros = null;
      violations.add(
          new String[] {
            "event_time",
            "the field '"
                + EVENT_TIME
                + "' = "
                + explicitTimeProblem
                + " is neither an ISO-8601 instant nor epoch milliseconds"
          });
    } else if (rowIndex >= 0) {
      EventTime.FromRowIndex ri = (EventTime.FromRowIndex) source.eventTime();
      long start = ChronoUnit.MICROS.between(java.time.Instant.EPOCH, ri.start());
      micros = start + rowIndex * (ri.step().toNanos() / 1000);
    } else {
      micros = null;
      violations.add(
          new String[] {
            "event_time",
            "no event time: the source's event time is its row index, which a stream does not"
                + " know; give the record an '"
                + EVENT_TIME
                + "' field"
          });
    }

    if (!violations.isEmpty()) {
      StringBuilder reason = new StringBuilder();
      for (String[] v : violations) {
        if (!reason.isEmpty()) {
          reason.append("; ");
        }
        reason.append(v[1]);
      }
      return reject(violations.get(0)[0], reason.toString(), raw, origin);
    }
    return new SourceEvent(key, micros, values, origin, raw);
  }

  /** The value of column {@code name} of an event, for expressions (numbers widen to Double). */
  public int columnIndex(String name) {
    Integer i = index.get(name);
    return i == null ? -1 : i;
  }

  private Rejection reject(String rule, String reason, String raw, String origin) {
    return new Rejection(source.name(), rule, reason, raw, origin);
  }

  private String entityKey(Object[] values) {
    Expr e = source.entityKey();
    Object v;
    if (e instanceof Expr.Column c && index.containsKey(c.name())) {
      v = values[index.get(c.name())]; // keeps ints as ints: "7", not "7.0", as Spark's cast
    } else {
      v = ExprEvaluator.eval(e, name -> valueOf(values, name));
    }
    return v == null ? null : asText(v);
  }

  private Object valueOf(Object[] values, String name) {
    Integer i = index.get(name);
    return i == null ? null : values[i];
  }

  /** A value as Spark casts it to text. */
  static String asText(Object v) {
    return String.valueOf(v);
  }

  /**
   * A text value cast to the column type as Spark's {@code trim(x).try_cast(type)}; null if not.
   */
  static Object typed(ColumnType type, String in) {
    if (type == ColumnType.STRING) {
      return in;
    }
    String t = in.trim();
    if (t.isEmpty()) {
      return null;
    }
    try {
      return switch (type) {
        case INT -> Integer.parseInt(t);
        case LONG -> Long.parseLong(t);
        case DOUBLE -> parseDouble(t);
        case BOOLEAN -> {
          String l = t.toLowerCase(Locale.ROOT);
          yield TRUE.contains(l) ? Boolean.TRUE : FALSE.contains(l) ? Boolean.FALSE : null;
        }
        case DATE -> EventTimes.dateMicros(t);
        case TIMESTAMP -> EventTimes.timestampMicros(t);
        case STRING -> in;
      };
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Double parseDouble(String t) {
    String l = t.toLowerCase(Locale.ROOT);
    switch (l) {
      case "nan":
        return Double.NaN;
      case "inf", "+inf", "infinity", "+infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf", "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        if (l.startsWith("0x") || l.startsWith("-0x") || l.startsWith("+0x")) {
          return null;
        }
        return Double.parseDouble(t);
    }
  }

  private static String jsonText(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return null;
    }
    if (n.isValueNode()) {
      return n.asText();
    }
    return n.toString();
  }

  /** Splits on runs of blanks after trimming, as the offline whitespace reader. */
  static String[] splitWhitespace(String raw) {
    String t = raw.trim();
    return t.isEmpty() ? new String[0] : t.split("\\s+");
  }

  /**
   * Splits a delimited line: fields may be quoted with {@code "}; inside quotes the delimiter is
   * text and a quote is written {@code \"} or {@code ""}. Returns null for an unclosed quote.
   */
  static String[] splitDelimited(String raw, char sep) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int i = 0; i < raw.length(); i++) {
      char ch = raw.charAt(i);
      if (quoted) {
        if (ch == '\\' && i + 1 < raw.length() && raw.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (ch == '"' && i + 1 < raw.length() && raw.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          cur.append(ch);
        }
      } else if (ch == sep) {
        out.add(cur.toString());
        cur.setLength(0);
        wasQuoted = false;
      } else if (ch == '"' && cur.isEmpty() && !wasQuoted) {
        quoted = true;
        wasQuoted = true;
      } else {
        cur.append(ch);
      }
    }
    if (quoted) {
      return null;
    }
    out.add(cur.toString());
    return out.toArray(String[]::new);
  }
}
