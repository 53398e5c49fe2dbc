package dev.lakeops.common.conformance;

import dev.lakeops.common.events.EventTimes;
import dev.lakeops.common.expr.Expr;
import dev.lakeops.common.expr.ExprParser;
import dev.lakeops.common.expr.ExprType;
import dev.lakeops.common.expr.ExprTypes;
import dev.lakeops.common.types.ColumnType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The expression conformance table ({@code conformance/expressions.txt} on the test classpath; its
 * header documents the format), read once for every engine that must evaluate it: {@code
 * ExprConformanceTest} (ExprEvaluator) and {@code ExprConformanceIT} (Spark, via the common
 * test-jar). Also the feature project of the pipeline checks ({@code ExprFeaturePipeline*}).
 */
public final class ExprCases {
  /** The input columns of every case, in order, with their source types. */
  public static final Map<String, ColumnType> COLUMNS;

  static {
    Map<String, ColumnType> m = new LinkedHashMap<>();
    m.put("d", ColumnType.DOUBLE);
    m.put("e", ColumnType.DOUBLE);
    m.put("l", ColumnType.LONG);
    m.put("m", ColumnType.LONG);
    m.put("i", ColumnType.INT);
    m.put("s", ColumnType.STRING);
    m.put("t", ColumnType.STRING);
    m.put("p", ColumnType.BOOLEAN);
    m.put("q", ColumnType.BOOLEAN);
    m.put("ts", ColumnType.TIMESTAMP);
    m.put("dt", ColumnType.DATE);
    COLUMNS = Collections.unmodifiableMap(m);
  }

  private static final String RESOURCE = "/conformance/expressions.txt";

  private ExprCases() {}

  /**
   * One expression on one input row.
   *
   * @param line the line of the table, for messages
   * @param row the column values (Double, Long, Integer, String, Boolean; a timestamp or date as a
   *     Long of epoch microseconds, as SourceDecoder holds it; absent = null)
   * @param expected Double, String, Boolean or null
   */
  public record Case(
      int line, String text, Expr expr, ExprType type, Map<String, Object> row, Object expected) {

    /** The case as the table writes it, for failure messages. */
    public String describe() {
      return "line " + line + ": " + text + " with " + row;
    }
  }

  /** Every case of the table, one per input row, in table order. */
  public static List<Case> load() {
    Map<String, ExprType> types = new LinkedHashMap<>();
    COLUMNS.forEach((name, t) -> types.put(name, t.exprType().orElseThrow()));
    List<Case> out = new ArrayList<>();
    try (InputStream in = ExprCases.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the test classpath");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\\|", -1);
        if (parts.length != 3) {
          throw new IllegalStateException("line " + n + ": expected 'expr | inputs | expected'");
        }
        String text = parts[0].strip();
        Expr expr = ExprParser.parse(text);
        ExprType type = ExprTypes.infer(expr, types);
        Object expected = value(parts[2].strip(), ColumnType.DOUBLE, n);
        for (String rowText : splitOutsideQuotes(parts[1].strip(), ';')) {
          out.add(new Case(n, text, expr, type, row(rowText.strip(), n), expected));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static Map<String, Object> row(String text, int line) {
    Map<String, Object> row = new LinkedHashMap<>();
    if (text.equals("-")) {
      return row;
    }
    for (String assignment : splitOutsideQuotes(text, ' ')) {
      if (assignment.isBlank()) {
        continue;
      }
      int eq = assignment.indexOf('=');
      String name = assignment.substring(0, eq);
      ColumnType type = COLUMNS.get(name);
      if (type == null) {
        throw new IllegalStateException("line " + line + ": unknown column " + name);
      }
      row.put(name, value(assignment.substring(eq + 1), type, line));
    }
    return row;
  }

  /**
   * A value of the table: null, true/false, 'text' or a number of the column's type. A timestamp is
   * 'event-time text' or epoch microseconds, a date 'yyyy-MM-dd'; both become epoch microseconds.
   */
  private static Object value(String text, ColumnType type, int line) {
    if (text.equals("null")) {
      return null;
    }
    if (text.equals("true") || text.equals("false")) {
      return Boolean.valueOf(text);
    }
    if (text.startsWith("'")) {
      String s = unquote(text, line);
      if (type == ColumnType.TIMESTAMP || type == ColumnType.DATE) {
        Long micros = type == ColumnType.DATE ? EventTimes.parseDate(s) : EventTimes.parseText(s);
        if (micros == null) {
          throw new IllegalStateException("line " + line + ": not a " + type.key() + ": " + text);
        }
        return micros;
      }
      return s;
    }
    return switch (type) {
      case LONG, TIMESTAMP -> Long.parseLong(text);
      case INT -> Integer.parseInt(text);
      default -> Double.parseDouble(text);
    };
  }

  private static String unquote(String text, int line) {
    if (text.length() < 2 || !text.endsWith("'")) {
      throw new IllegalStateException("line " + line + ": unterminated string " + text);
    }
    String body = text.substring(1, text.length() - 1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\' && i + 5 < body.length() && body.charAt(i + 1) == 'u') {
        sb.append((char) Integer.parseInt(body.substring(i + 2, i + 6), 16));
        i += 5;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static List<String> splitOutsideQuotes(String s, char separator) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      }
      if (c == separator && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  /**
   * Whether an engine's value equals the expected one exactly: numbers bit for bit (the sign of
   * zero counts, NaN equals NaN), anything else by {@code equals}.
   */
  public static boolean same(Object expected, Object actual) {
    if (expected instanceof Double x && actual instanceof Number y) {
      return Double.doubleToLongBits(x) == Double.doubleToLongBits(y.doubleValue())
          && actual instanceof Double;
    }
    return Objects.equals(expected, actual);
  }

  /** A value for messages: strings quoted with their code points visible. */
  public static String show(Object v) {
    if (v instanceof String s) {
      StringBuilder sb = new StringBuilder("'");
      for (char c : s.toCharArray()) {
        sb.append(c < 0x20 || c > 0x7e ? String.format("\\u%04X", (int) c) : String.valueOf(c));
      }
      return sb.append("'").toString();
    }
    return v == null ? "null" : v + " (" + v.getClass().getSimpleName() + ")";
  }

  // ---- the feature pipeline check: least(sqrt(amount - 100), 0) through both feature engines ----

  /** The entity key column of {@link #writePipelineProject}'s source. */
  public static final String PIPELINE_KEY = "customer_id";

  /** The view of {@link #writePipelineProject}. */
  public static final String PIPELINE_VIEW = "spend_checks";

  /**
   * The events of the pipeline check: customer, day (yyyyMMdd, UTC midnight), amount (null: none).
   */
  public static final List<Object[]> PIPELINE_EVENTS =
      List.of(
          new Object[] {"c1", "20210101", 50.0},
          new Object[] {"c1", "20210102", 200.0},
          new Object[] {"c1", "20210103", 136.0},
          new Object[] {"c1", "20210104", 100.0},
          new Object[] {"c2", "20210101", null});

  /**
   * The expected feature row of each event, worked out by hand: capped = least(sqrt(amount - 100),
   * 0) (sqrt of a negative is NaN, which least puts above 0; null is skipped), root =
   * greatest(sqrt(amount - 100), 0), max_root_2d = max of root over (t - 2d, t] (NaN is the
   * greatest), over5_2d = events in (t - 2d, t] with sqrt(amount - 100) > 5 (NaN > 5 is true; null
   * is not). Keys: "customer/day".
   */
  public static final Map<String, Map<String, Object>> PIPELINE_EXPECTED =
      Map.of(
          "c1/20210101", features(0.0, Double.NaN, Double.NaN, 1L),
          "c1/20210102", features(0.0, 10.0, Double.NaN, 2L),
          "c1/20210103", features(0.0, 6.0, 10.0, 2L),
          "c1/20210104", features(0.0, 0.0, 6.0, 1L),
          "c2/20210101", features(0.0, 0.0, 0.0, 0L));

  private static Map<String, Object> features(
      double capped, double root, double maxRoot, long over5) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("capped", capped);
    m.put("root", root);
    m.put("max_root_2d", maxRoot);
    m.put("over5_2d", over5);
    return m;
  }

  /** Writes a project with one source (customer_id, day, amount) and the view to {@code dir}. */
  public static void writePipelineProject(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("project.yaml"), "name: exprcheck\n");
      Files.writeString(
          dir.resolve("entities.yaml"),
          "entities:\n  - name: customer\n    key: " + PIPELINE_KEY + "\n");
      Files.writeString(
          dir.resolve("sources.yaml"),
          String.join(
              "\n",
              "sources:",
              "  - name: spend",
              "    format: csv",
              "    path: spend.csv",
              "    header: true",
              "    entity: customer",
              "    entity_key: " + PIPELINE_KEY,
              "    event_time: {column: day, format: yyyyMMdd}",
              "    schema:",
              "      - {name: " + PIPELINE_KEY + ", type: string, nullable: false}",
              "      - {name: day, type: string, nullable: false}",
              "      - {name: amount, type: double}",
              ""));
      Files.writeString(
          dir.resolve("feature_views.yaml"),
          String.join(
              "\n",
              "feature_views:",
              "  - name: " + PIPELINE_VIEW,
              "    entity: customer",
              "    source: spend",
              "    ttl: 30d",
              "    features:",
              "      - {name: capped, expr: 'least(sqrt(amount - 100), 0)'}",
              "      - {name: root, expr: 'greatest(sqrt(amount - 100), 0)'}",
              "      - {name: max_root_2d, agg: max, expr: 'greatest(sqrt(amount - 100), 0)',"
                  + " window: 2d}",
              "      - {name: over5_2d, agg: count, filter: 'sqrt(amount - 100) > 5', window: 2d}",
              ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
