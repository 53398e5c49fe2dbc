package dev.lakeops.common.config;

import dev.lakeops.common.expr.Expr;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A raw input: where it is, how to read it, its schema and validation rules, which entity its rows
 * belong to and their event time.
 *
 * <p>Serializable as it is (its expressions and event time are too), so that Spark and Flink tasks
 * receive the loaded configuration itself and never parse YAML again.
 *
 * @param path a file or directory (local path relative to the project, or any Hadoop URI); null
 *     when {@code table} is set
 * @param table a catalog table name; null when {@code path} is set
 * @param delimiter for CSV: a single character, or {@code whitespace} for runs of blanks
 * @param csv the CSV dialect (quote, escape, comment) of delimited text; never null
 * @param keys the entities whose keys each row carries, the first the source's own entity ({@code
 *     entity:}); several with {@code entities:} (a rating carries a user and an item); never empty
 * @param uniqueKey columns whose combination must be unique; repeats are quarantined
 * @param maxFutureSkew how far after the processing time an event may be (the future bound, see
 *     {@code EventTimes.futureViolation}); null for no bound
 * @param dimension a dimension source ({@code dimension: true}): attributes of its entity, one row
 *     per key and valid-from time (its {@code event_time}, or {@link EventTime#VALID_ALWAYS} when
 *     it has none); a repeat of a key and time is quarantined ({@code duplicate_key}), and its
 *     views never expire unless they set a {@code ttl}
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
    List<SourceKey> keys,
    EventTime eventTime,
    List<String> uniqueKey,
    CsvDialect csv,
    Duration maxFutureSkew,
    boolean dimension)
    implements Serializable {

  /** The default future bound: one day after the processing time. */
  public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofDays(1);

  public SourceConfig {
    if (csv == null) {
      csv = CsvDialect.DEFAULT;
    }
    keys = List.copyOf(keys);
  }

  /**
   * A source of one simple entity with the default CSV dialect and the default future bound; the
   * key column is {@code entityKey}'s column when it is a bare column, else the entity's name.
   */
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
        List.of(
            new SourceKey(
                entity,
                entityKey instanceof Expr.Column c ? c.name() : entity,
                List.of(entityKey),
                List.of(entityKeyText))),
        eventTime,
        uniqueKey,
        CsvDialect.DEFAULT,
        DEFAULT_MAX_FUTURE_SKEW,
        false);
  }

  /** The source's own entity: the first of {@link #keys}. */
  public String entity() {
    return keys.get(0).entity();
  }

  /** The names of the entities whose keys each row carries, the source's own entity first. */
  public List<String> entities() {
    return keys.stream().map(SourceKey::entity).toList();
  }

  /** How rows name {@code entity}, or empty when the rows do not carry its key. */
  public Optional<SourceKey> key(String entity) {
    return keys.stream().filter(k -> k.entity().equals(entity)).findFirst();
  }

  /** The position of {@code entity} in {@link #keys}, or -1. */
  public int keyIndex(String entity) {
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).entity().equals(entity)) {
        return i;
      }
    }
    return -1;
  }

  /** The key columns of {@link #keys}, in order. */
  public List<String> keyColumns() {
    return keys.stream().map(SourceKey::column).toList();
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
}
