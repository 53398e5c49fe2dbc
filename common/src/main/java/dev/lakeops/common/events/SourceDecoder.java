package dev.lakeops.common.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeops.common.config.ColumnSpec;
import dev.lakeops.common.config.EventTime;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.config.SourceFormat;
import dev.lakeops.common.config.SourceKey;
import dev.lakeops.common.events.Validated.Violation;
import dev.lakeops.common.expr.BooleanText;
import dev.lakeops.common.expr.Expr;
import dev.lakeops.common.expr.ExprEvaluator;
import dev.lakeops.common.types.ColumnType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The one validation of source records, used by both engines: the Spark feature pipeline (in its
 * tasks, through {@code RowValidator}) and the Flink online-store job ({@code DecodeFunction}).
 * Decodes text records (JSON lines, delimited or whitespace-separated lines, or the fields of a
 * table row) into typed events. Rules, in this order, each with its reason:
 *
 * <ol>
 *   <li>{@code header}: the file's header does not name exactly the schema's columns (a missing,
 *       unknown or repeated column); every record of the file is rejected. Columns are matched by
 *       header name (trimmed, case-sensitive), so files may order them differently.
 *   <li>{@code malformed}: the record cannot be split into the fields (wrong count, bad quoting,
 *       not a JSON object). A header or malformed record reports only that rule.
 *   <li>per column: {@code type} (the text does not cast to the column type, or a double is NaN or
 *       infinite), {@code not_null}, {@code range} ({@code min}/{@code max}, inclusive), {@code
 *       allowed_values};
 *   <li>{@code entity_key}: no key, or a key that is not text or an integer ({@link EntityKeys});
 *   <li>{@code event_time}: no event time can be derived ({@link EventTimes});
 *   <li>{@value EventTimes#FUTURE_RULE}: the event is beyond the future bound ({@link
 *       EventTimes#futureViolation}, relative to this decoder's clock, by default the wall clock).
 * </ol>
 *
 * The first broken rule names the rejection; the reason lists every one, joined with "; ".
 *
 * <p>Event time: from the configured column, or for row-index sources ({@code event_time:
 * {row_index: ...}}) {@code start + rowIndex * step}, where the caller gives the record's index
 * among the data records of its input. A JSON record may instead carry an explicit {@value
 * #EVENT_TIME} field (event-time text or epoch milliseconds), which wins over the row index: the
 * way to stream a row-index source through Kafka or several files (see {@code OnlineStoreJob}).
 *
 * <p>Not thread-safe (caches the last header); one per task.
 */
public final class SourceDecoder {
  /** The field a JSON record may carry to give its event time explicitly. */
  public static final String EVENT_TIME = "event_time";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Validated BLANK = new Validated("blank", null, null, null, List.of());
  private static final Validated COMMENT = new Validated("comment", null, null, null, List.of());

  private final SourceConfig source;
  private final List<ColumnSpec> schema;
  private final Map<String, Integer> index = new HashMap<>();
  private final boolean json;
  private final boolean whitespace;
  private final char separator;
  private final int timeColumn;
  private final EventTimes.Parser timeParser;
  private final String explicitTimeField;
  private final List<Set<Long>> allowedTimes = new ArrayList<>();
  private final LongSupplier clockMicros;
  private final int[] schemaOrder;

  /** Per source key, the index of the declared column named like its key column, or -1. */
  private final int[] keyColumnAt;

  private String lastHeader;
  private Layout lastLayout;

  /** Where each schema column is among a record's fields, or why the header is refused. */
  private record Layout(int[] position, int width, String problem) {}

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
    this(source, format, () -> System.currentTimeMillis() * 1000L);
  }

  /**
   * @param clockMicros the processing time in epoch microseconds, for the future bound (the wall
   *     clock in both engines; a fixed value in tests)
   */
  public SourceDecoder(SourceConfig source, SourceFormat format, LongSupplier clockMicros) {
    this.source = source;
    this.schema = source.schema();
    this.clockMicros = clockMicros;
    this.schemaOrder = new int[schema.size()];
    for (int i = 0; i < schema.size(); i++) {
      index.put(schema.get(i).name(), i);
      schemaOrder[i] = i;
      ColumnSpec c = schema.get(i);
      Set<Long> times = null;
      if (c.type() == ColumnType.DATE || c.type() == ColumnType.TIMESTAMP) {
        times = new HashSet<>();
        for (String a : c.allowed()) {
          Long t = c.type() == ColumnType.DATE ? EventTimes.parseDate(a) : EventTimes.parseText(a);
          if (t != null) {
            times.add(t);
          }
        }
      }
      allowedTimes.add(times);
    }
    this.keyColumnAt =
        source.keys().stream()
            .mapToInt(k -> index.containsKey(k.column()) ? index.get(k.column()) : -1)
            .toArray();
    this.json = format == SourceFormat.JSONL;
    String d = source.delimiter() == null ? "," : source.delimiter();
    this.whitespace = d.equals("whitespace");
    this.separator = d.equals("\\t") ? '\t' : d.isEmpty() ? ',' : d.charAt(0);
    if (source.eventTime() instanceof EventTime.FromColumn fc) {
      this.timeColumn = index.get(fc.column());
      this.timeParser = EventTimes.parser(schema.get(timeColumn).type(), fc.format(), fc.unit());
      this.explicitTimeField = null;
    } else if (source.eventTime() instanceof EventTime.FromExpression fe) {
      this.timeColumn = -1;
      this.timeParser =
          fe.unit() != null
              ? EventTimes.parser(ColumnType.DOUBLE, null, fe.unit())
              : EventTimes.parser(ColumnType.STRING, fe.format(), null);
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

  /** Decodes one record whose fields are in schema order (no header, or Kafka). */
  public Decoded decode(String raw, long rowIndex, String origin) {
    return decode(raw, null, rowIndex, origin);
  }

  /**
   * Decodes one record.
   *
   * @param raw the record as read (one line, without its line end)
   * @param header the header line of the record's file, which orders its fields by name; null when
   *     the fields are in schema order (no header, JSON, Kafka)
   * @param rowIndex the record's index among the data records of its input (header excluded), for
   *     row-index event time; negative when unknown (then only an explicit event time works)
   * @param origin where it came from, kept on the event or rejection
   */
  public Decoded decode(String raw, String header, long rowIndex, String origin) {
    Validated v = validate(raw, header, rowIndex);
    if (v.skipped() != null) {
      return v.skipped().equals("blank") ? Decoded.BLANK : new Decoded.Skipped(v.skipped());
    }
    if (!v.violations().isEmpty()) {
      return new Rejection(
          source.name(), v.violations().get(0).rule(), reason(v.violations()), raw, origin);
    }
    return new SourceEvent(
        v.entityKey(),
        v.eventTimeMicros(),
        v.values(),
        origin,
        raw,
        v.keys().size() == 1 ? null : v.keys().toArray(String[]::new));
  }

  /** The reasons of a record's violations joined with "; " (the quarantine's {@code reason}). */
  public static String reason(List<Violation> violations) {
    StringBuilder reason = new StringBuilder();
    for (Violation v : violations) {
      if (!reason.isEmpty()) {
        reason.append("; ");
      }
      reason.append(v.reason());
    }
    return reason.toString();
  }

  /** Validates one text record (see {@link #decode(String, String, long, String)}). */
  public Validated validate(String raw, String header, long rowIndex) {
    if (raw.isBlank()) {
      return BLANK;
    }
    if (!json && !whitespace && source.csv().comment() != null) {
      if (raw.charAt(0) == source.csv().comment()) {
        return COMMENT;
      }
    }
    String[] text = new String[schema.size()];
    JsonNode[] nodes = null;
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
        return malformed("malformed record: not a valid JSON object");
      }
      nodes = new JsonNode[schema.size()];
      for (int i = 0; i < schema.size(); i++) {
        nodes[i] = node.get(schema.get(i).name());
        text[i] = jsonText(nodes[i]);
      }
      if (explicitTimeField != null && node.hasNonNull(explicitTimeField)) {
        JsonNode t = node.get(explicitTimeField);
        explicitTime = EventTimes.fromJson(t);
        if (explicitTime == null) {
          explicitTimeProblem = t.toString();
        }
      }
    } else {
      Layout layout = layout(header);
      if (layout.problem() != null) {
        return new Validated(
            null, null, null, null, List.of(new Violation("header", layout.problem())));
      }
      String[] parts;
      if (whitespace) {
        parts = splitWhitespace(raw);
      } else {
        CsvLine.Split s = CsvLine.split(raw, separator, source.csv());
        if (s.problem() != null) {
          return malformed("malformed record: " + s.problem());
        }
        parts = s.fields();
      }
      if (parts.length != layout.width()) {
        String why =
            whitespace
                ? "expected " + layout.width() + " whitespace-separated fields, got " + parts.length
                : "expected "
                    + layout.width()
                    + " fields separated by '"
                    + separator
                    + "', got "
                    + parts.length;
        return malformed("malformed record: " + why);
      }
      for (int i = 0; i < schema.size(); i++) {
        String p = parts[layout.position()[i]];
        // An empty field is null (as an absent JSON field).
        text[i] = p.isEmpty() && !whitespace ? null : p;
      }
    }
    return check(text, nodes, explicitTime, explicitTimeProblem, rowIndex);
  }

  /**
   * Validates the fields of a row already split into the schema's columns (a Parquet or Delta row,
   * each value as text: numbers and booleans as Java prints them, dates {@code yyyy-MM-dd},
   * timestamps as event-time text); null is an absent value.
   */
  public Validated validateFields(String[] fields, long rowIndex) {
    return check(fields.clone(), null, null, null, rowIndex);
  }

  private Validated malformed(String reason) {
    return new Validated(null, null, null, null, List.of(new Violation("malformed", reason)));
  }

  private Layout layout(String header) {
    if (header == null) {
      return new Layout(schemaOrder, schema.size(), null);
    }
    if (header.equals(lastHeader)) {
      return lastLayout;
    }
    Layout l = computeLayout(header);
    lastHeader = header;
    lastLayout = l;
    return l;
  }

  private Layout computeLayout(String header) {
    String[] names;
    if (whitespace) {
      names = splitWhitespace(header);
    } else {
      CsvLine.Split s = CsvLine.split(header, separator, source.csv());
      if (s.problem() != null) {
        return new Layout(null, 0, "the file's header cannot be read: " + s.problem());
      }
      names = s.fields();
    }
    Map<String, Integer> at = new HashMap<>();
    Set<String> repeated = new LinkedHashSet<>();
    Set<String> unknown = new LinkedHashSet<>();
    for (int i = 0; i < names.length; i++) {
      String n = names[i].trim();
      if (at.putIfAbsent(n, i) != null) {
        repeated.add(n);
      }
      if (!index.containsKey(n)) {
        unknown.add(n);
      }
    }
    List<String> missing = new ArrayList<>();
    int[] position = new int[schema.size()];
    for (int i = 0; i < schema.size(); i++) {
      Integer p = at.get(schema.get(i).name());
      if (p == null) {
        missing.add(schema.get(i).name());
      } else {
        position[i] = p;
      }
    }
    if (missing.isEmpty() && unknown.isEmpty() && repeated.isEmpty()) {
      return new Layout(position, names.length, null);
    }
    List<String> why = new ArrayList<>();
    if (!missing.isEmpty()) {
      why.add("missing column(s) " + missing);
    }
    if (!unknown.isEmpty()) {
      why.add("unknown column(s) " + unknown);
    }
    if (!repeated.isEmpty()) {
      why.add("repeated column(s) " + repeated);
    }
    return new Layout(
        null,
        0,
        "the file's header does not match the source's schema "
            + source.columnNames()
            + ": "
            + String.join(", ", why)
            + "; the whole file is rejected (fix the file's header or the schema in"
            + " sources.yaml)");
  }

  private Validated check(
      String[] text,
      JsonNode[] nodes,
      Long explicitTime,
      String explicitTimeProblem,
      long rowIndex) {
    Object[] values = new Object[schema.size()];
    List<Violation> violations = new ArrayList<>(2);
    for (int i = 0; i < schema.size(); i++) {
      ColumnSpec c = schema.get(i);
      String in = text[i];
      boolean present = in != null && !in.trim().isEmpty();
      Object v = in == null ? null : typed(c.type(), in);
      boolean badType =
          present && v == null || v instanceof Double d && (d.isNaN() || d.isInfinite());
      if (badType) {
        violations.add(
            new Violation(
                "type",
                "column '" + c.name() + "': expected " + c.type().key() + ", got '" + in + "'"));
        v = v instanceof Double ? v : null;
      }
      if (!c.nullable() && !present) {
        violations.add(
            new Violation(
                "not_null", "column '" + c.name() + "' is empty but declared nullable: false"));
      }
      if (v instanceof Number n) {
        // NaN is above every number: never below a minimum, always above a maximum.
        double x = n.doubleValue();
        if (c.min() != null && x < c.min()) {
          violations.add(
              new Violation(
                  "range",
                  "column '" + c.name() + "' = " + asText(v) + " is below the minimum " + c.min()));
        }
        if (c.max() != null && (x > c.max() || Double.isNaN(x))) {
          violations.add(
              new Violation(
                  "range",
                  "column '" + c.name() + "' = " + asText(v) + " is above the maximum " + c.max()));
        }
      }
      if (!c.allowed().isEmpty() && v != null) {
        Set<Long> times = allowedTimes.get(i);
        boolean ok = times != null ? times.contains((Long) v) : c.allowed().contains(asText(v));
        if (!ok) {
          violations.add(
              new Violation(
                  "allowed_values",
                  "column '"
                      + c.name()
                      + "' = '"
                      + asText(c.type(), v)
                      + "' is not one of "
                      + c.allowed()));
        }
      }
      values[i] = v;
    }

    List<String> keys = new ArrayList<>(source.keys().size());
    for (SourceKey k : source.keys()) {
      EntityKeys.Key key = key(k, values, nodes);
      if (key.key() == null) {
        violations.add(
            new Violation(
                "entity_key",
                "the "
                    + (source.keys().size() == 1
                        ? "entity key"
                        : "key of entity '" + k.entity() + "'")
                    + " ("
                    + k.text()
                    + ") "
                    + key.problem()));
      }
      keys.add(key.key());
    }

    Long micros;
    if (timeColumn >= 0) {
      micros = values[timeColumn] == null ? null : timeParser.micros(values[timeColumn]);
      if (micros == null) {
        EventTime.FromColumn fc = (EventTime.FromColumn) source.eventTime();
        ColumnType t = schema.get(timeColumn).type();
        violations.add(
            new Violation(
                "event_time",
                "cannot derive the event time from column '"
                    + fc.column()
                    + "' = '"
                    + (values[timeColumn] == null
                        ? text[timeColumn] == null ? "" : text[timeColumn]
                        : asText(t, values[timeColumn]))
                    + "'"
                    + (fc.format() == null ? "" : " with format " + fc.format())));
      }
    } else if (source.eventTime() instanceof EventTime.FromExpression fe) {
      Object v = ExprEvaluator.eval(fe.expr(), name -> valueOf(values, name));
      Object typed = v instanceof Number n && fe.unit() != null ? (Object) n.doubleValue() : v;
      micros = typed == null ? null : timeParser.micros(typed);
      if (micros == null) {
        violations.add(
            new Violation(
                "event_time",
                "cannot derive the event time from the expression "
                    + fe.text()
                    + " = "
                    + (v == null ? "null" : v instanceof String t ? "'" + t + "'" : v)
                    + (fe.unit() != null
                        ? " (epoch " + fe.unit().key() + ")"
                        : fe.format() == null ? "" : " with format " + fe.format())));
      }
    } else if (explicitTime != null) {
      micros = explicitTime;
    } else if (explicitTimeProblem != null) {
      micros = null;
      violations.add(
          new Violation(
              "event_time",
              "the field '"
                  + EVENT_TIME
                  + "' = "
                  + explicitTimeProblem
                  + " is neither event-time text (e.g. 2021-03-28T01:30:00+01:00) nor epoch"
                  + " milliseconds"));
    } else if (rowIndex >= 0) {
      EventTime.FromRowIndex ri = (EventTime.FromRowIndex) source.eventTime();
      long start = EventTimes.micros(ri.start());
      micros = start + rowIndex * (ri.step().toNanos() / 1000);
    } else {
      micros = null;
      violations.add(
          new Violation(
              "event_time",
              "no event time: the source's event time is its row index, which a stream does not"
                  + " know; give the record an '"
                  + EVENT_TIME
                  + "' field"));
    }
    if (micros != null) {
      String future =
          EventTimes.futureViolation(micros, clockMicros.getAsLong(), source.maxFutureSkew());
      if (future != null) {
        violations.add(new Violation(EventTimes.FUTURE_RULE, future));
      }
    }
    // A declared column named like a key column holds the key's text, in both engines.
    for (int i = 0; i < keyColumnAt.length; i++) {
      if (keyColumnAt[i] >= 0) {
        values[keyColumnAt[i]] = keys.get(i);
      }
    }
    return new Validated(
        null, Collections.unmodifiableList(keys), micros, values, List.copyOf(violations));
  }

  /** The index of column {@code name} in an event's values, or -1. */
  public int columnIndex(String name) {
    Integer i = index.get(name);
    return i == null ? -1 : i;
  }

  /** One entity's key: its part's normalised text, or its parts' composite text. */
  private EntityKeys.Key key(SourceKey k, Object[] values, JsonNode[] nodes) {
    if (k.parts().size() == 1) {
      return part(k.parts().get(0), values, nodes);
    }
    List<String> parts = new ArrayList<>(k.parts().size());
    for (int i = 0; i < k.parts().size(); i++) {
      EntityKeys.Key p = part(k.parts().get(i), values, nodes);
      if (p.key() == null) {
        return new EntityKeys.Key(null, "part " + k.texts().get(i) + " " + p.problem());
      }
      parts.add(p.key());
    }
    return new EntityKeys.Key(EntityKeys.composite(parts), null);
  }

  private EntityKeys.Key part(Expr e, Object[] values, JsonNode[] nodes) {
    if (e instanceof Expr.Column c && index.containsKey(c.name())) {
      int i = index.get(c.name());
      if (nodes != null && nodes[i] != null && !nodes[i].isTextual()) {
        return EntityKeys.fromJson(nodes[i]); // a JSON number: 7.0 -> "7"; true -> refused
      }
      if (schema.get(i).type() == ColumnType.DATE && values[i] != null) {
        return EntityKeys.normalize(EventTimes.formatDate((Long) values[i])); // 2024-03-01
      }
      return EntityKeys.normalize(values[i]); // an int column stays an int: "7", not "7.0"
    }
    return EntityKeys.normalize(ExprEvaluator.eval(e, name -> valueOf(values, name)));
  }

  private Object valueOf(Object[] values, String name) {
    Integer i = index.get(name);
    return i == null ? null : values[i];
  }

  /** A value as text, for messages and {@code allowed} of non-time columns. */
  static String asText(Object v) {
    return String.valueOf(v);
  }

  /** A typed value as text: dates {@code yyyy-MM-dd}, timestamps ISO-8601 instants. */
  static String asText(ColumnType type, Object v) {
    return switch (type) {
      case DATE -> EventTimes.formatDate((Long) v);
      case TIMESTAMP -> EventTimes.format((Long) v);
      default -> asText(v);
    };
  }

  /**
   * A text value cast to the column type: text as is; other types trimmed, then parsed (int and
   * long: optional sign and decimal digits; double: Java's decimal and exponent forms, NaN and
   * infinities (rejected by the type rule later), no hexadecimal; boolean: t/true/y/yes/1 and
   * f/false/n/no/0, any case; date: {@code yyyy-MM-dd}; timestamp: event-time text); null if it
   * does not parse.
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
          yield BooleanText.of(l);
        }
        case DATE -> EventTimes.parseDate(t);
        case TIMESTAMP -> EventTimes.parseText(t);
        case STRING -> in;
        case VECTOR -> null; // no source declares one (ColumnType.parse)
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
        char last = l.charAt(l.length() - 1);
        if (last == 'd' || last == 'f') { // Java accepts 1.5d, 2f: not numbers in a data file
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

  /** Splits on runs of blanks after trimming, as the whitespace format. */
  static String[] splitWhitespace(String raw) {
    String t = raw.trim();
    return t.isEmpty() ? new String[0] : t.split("\\s+");
  }
}
