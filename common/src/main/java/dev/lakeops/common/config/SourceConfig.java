package dev.lakeops.common.config;

import dev.lakeops.common.expr.Expr;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A raw input: where it is, how to read it, its schema and validation rules, which entity its rows
 * belong to and their event time.
 *
 * @param path a file or directory (local path relative to the project, or any Hadoop URI); null
 *     when {@code table} is set
 * @param table a catalog table name; null when {@code path} is set
 * @param delimiter for CSV: a single character, or {@code whitespace} for runs of blanks
 * @param entityKey an expression of type text giving the entity key of each row
 * @param uniqueKey columns whose combination must be unique; repeats are quarantined
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
    List<String> uniqueKey) {

  public Optional<ColumnSpec> column(String name) {
    return schema.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  public List<String> columnNames() {
    return schema.stream().map(ColumnSpec::name).toList();
  }
}
