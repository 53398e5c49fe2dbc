package dev.lakeops.common.config;

import dev.lakeops.common.expr.Expr;
import dev.lakeops.common.expr.ExprParser;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A raw input: where it is, how to read it, its schema and validation rules, which entity its rows
 * belong to and their event time.
 *
 * <p>Serializable (through a proxy that parses {@code entityKeyText} again), so that Spark tasks
 * can receive it and decode with {@code SourceDecoder}.
 *
 * @param path a file or directory (local path relative to the project, or any Hadoop URI); null
 *     when {@code table} is set
 * @param table a catalog table name; null when {@code path} is set
 * @param delimiter for CSV: a single character, or {@code whitespace} for runs of blanks
 * @param csv the CSV dialect (quote, escape, comment) of delimited text; never null
 * @param entityKey an expression of type text giving the entity key of each row
 * @param uniqueKey columns whose combination must be unique; repeats are quarantined
 * @param maxFutureSkew how far after the processing time an event may be (the future bound, see
 *     {@code EventTimes.futureViolation}); null for no bound
 */
public record SourceConfig(
    String name,
    SourceFormat format,
    String path,
    String table,
    String delimiter,
    boolean header,
    Map<String, String> options,
    List<ColumnSpec> schema,
    String entity,
    Expr entityKey,
    String entityKeyText,
    EventTime eventTime,
    List<String> uniqueKey,
    CsvDialect csv,
    Duration maxFutureSkew)
    implements Serializable {

  /** The default future bound: one day after the processing time. */
  public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofDays(1);

  public SourceConfig {
    if (csv == null) {
      csv = CsvDialect.DEFAULT;
    }
  }

  /** A source with the default CSV dialect and the default future bound. */
  public SourceConfig(
      String name,
      SourceFormat format,
      String path,
      String table,
      String delimiter,
      boolean header,
      Map<String, String> options,
      List<ColumnSpec> schema,
      String entity,
      Expr entityKey,
      String entityKeyText,
      EventTime eventTime,
      List<String> uniqueKey) {
    this(
        name,
        format,
        path,
        table,
        delimiter,
        header,
        options,
        schema,
        entity,
        entityKey,
        entityKeyText,
        eventTime,
        uniqueKey,
        CsvDialect.DEFAULT,
        DEFAULT_MAX_FUTURE_SKEW);
  }

  /**
   * How delimited text is quoted (the same for the Spark pipeline and the Flink jobs, one parser:
   * {@code dev.lakeops.common.events.CsvLine}). A record is one line.
   *
   * @param quote the quote character (default {@code "}); a field that starts with it runs to the
   *     matching closing quote, delimiters inside are text
   * @param escape inside a quoted field, this character followed by the quote (or by itself) is
   *     that character; the default is the quote itself, so {@code ""} is a quote (RFC 4180)
   * @param comment a line starting with this character is skipped; null (default) for none. The
   *     header is a file's first non-blank line, so comments may follow it, not precede it; a
   *     comment line still counts as a line for row-index event time
   */
  public record CsvDialect(char quote, char escape, Character comment) implements Serializable {
    public static final CsvDialect DEFAULT = new CsvDialect('"', '"', null);
  }

  public Optional<ColumnSpec> column(String name) {
    return schema.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  public List<String> columnNames() {
    return schema.stream().map(ColumnSpec::name).toList();
  }

  @Serial
  private Object writeReplace() {
    return new Proxy(this);
  }

  @Serial
  private void readObject(ObjectInputStream in) throws java.io.InvalidObjectException {
    throw new java.io.InvalidObjectException("a SourceConfig is serialized through its proxy");
  }

  /** The serialized form: everything but the parsed entity-key expression and the event time. */
  private static final class Proxy implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
    private final String name;
    private final SourceFormat format;
    private final String path;
    private final String table;
    private final String delimiter;
    private final boolean header;
    private final LinkedHashMap<String, String> options;
    private final ArrayList<ColumnSpec> schema;
    private final String entity;
    private final String entityKeyText;
    private final String timeColumn;
    private final String timeFormat;
    private final Instant rowIndexStart;
    private final Duration rowIndexStep;
    private final ArrayList<String> uniqueKey;
    private final CsvDialect csv;
    private final Duration maxFutureSkew;

    Proxy(SourceConfig s) {
      name = s.name;
      format = s.format;
      path = s.path;
      table = s.table;
      delimiter = s.delimiter;
      header = s.header;
      options = s.options == null ? null : new LinkedHashMap<>(s.options);
      schema = new ArrayList<>(s.schema);
      entity = s.entity;
      entityKeyText = s.entityKeyText;
      if (s.eventTime instanceof EventTime.FromColumn fc) {
        timeColumn = fc.column();
        timeFormat = fc.format();
        rowIndexStart = null;
        rowIndexStep = null;
      } else {
        EventTime.FromRowIndex ri = (EventTime.FromRowIndex) s.eventTime;
        timeColumn = null;
        timeFormat = null;
        rowIndexStart = ri.start();
        rowIndexStep = ri.step();
      }
      uniqueKey = new ArrayList<>(s.uniqueKey);
      csv = s.csv;
      maxFutureSkew = s.maxFutureSkew;
    }

    @Serial
    private Object readResolve() {
      EventTime t =
          timeColumn != null
              ? new EventTime.FromColumn(timeColumn, timeFormat)
              : new EventTime.FromRowIndex(rowIndexStart, rowIndexStep);
      return new SourceConfig(
          name,
          format,
          path,
          table,
          delimiter,
          header,
          options,
          schema,
          entity,
          ExprParser.parse(entityKeyText),
          entityKeyText,
          t,
          uniqueKey,
          csv,
          maxFutureSkew);
    }
  }
}
