package dev.lakeops.common.config;

import static dev.lakeops.common.config.ProjectLoader.ENTITIES;

import dev.lakeops.common.events.EpochUnit;
import dev.lakeops.common.events.EventTimes;
import dev.lakeops.common.expr.Expr;
import dev.lakeops.common.expr.ExprType;
import dev.lakeops.common.expr.ExprTypes;
import dev.lakeops.common.types.ColumnType;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads {@code sources.yaml}: each source's format, schema, entity key and event time. */
final class SourcesLoader extends SectionLoader {
  SourcesLoader(Problems problems) {
    super(problems);
  }

  Map<String, SourceConfig> sources(ConfigNode root, Map<String, EntityConfig> entities) {
    root.checkKeys(List.of("sources"));
    Map<String, SourceConfig> out = new LinkedHashMap<>();
    for (ConfigNode n : root.get("sources").list()) {
      SourceConfig s = source(n, entities);
      if (s != null) {
        putUnique(out, s.name(), s, n.get("name"));
      }
    }
    return out;
  }

  private SourceConfig source(ConfigNode n, Map<String, EntityConfig> entities) {
    n.checkKeys(
        List.of(
            "name",
            "format",
            "path",
            "table",
            "delimiter",
            "header",
            "options",
            "schema",
            "entity",
            "entity_key",
            "entities",
            "event_time",
            "unique_key",
            "quote",
            "escape",
            "comment",
            "max_future_skew",
            "dimension",
            "description"));
    String name = checkName(n.get("name"), n.get("name").requiredText("the source name"));
    Optional<SourceFormat> format =
        n.get("format")
            .requiredText("the input format")
            .flatMap(
                f -> {
                  Optional<SourceFormat> parsed = SourceFormat.parse(f);
                  if (parsed.isEmpty()) {
                    n.get("format")
                        .problem(
                            "unknown format '"
                                + f
                                + "'; expected one of "
                                + SourceFormat.keys()
                                + ".",
                            "use one of the accepted formats.");
                  }
                  return parsed;
                });
    Optional<String> path = n.get("path").text();
    Optional<String> table = n.get("table").text();
    if (path.isPresent() == table.isPresent()) {
      n.problem(
          "a source needs exactly one of 'path' (a file or directory) or 'table' (a catalog table name).",
          "keep one of them.");
    }
    String delimiter = n.get("delimiter").textOr(",");
    if (!delimiter.equals("whitespace") && delimiter.length() != 1 && !delimiter.equals("\\t")) {
      n.get("delimiter")
          .problem(
              "expected a single character or 'whitespace', got '" + delimiter + "'.",
              "use e.g. ',' or ';' or whitespace.");
    }
    boolean header = n.get("header").bool().orElse(true);
    SourceConfig.CsvDialect csv = csvDialect(n, format.orElse(null), delimiter);
    if (n.get("options").isPresent() && format.isPresent() && format.get().isText()) {
      n.get("options")
          .problem(
              "'options' (Spark reader options) apply to parquet and delta sources only; csv and"
                  + " jsonl are read by the one decoder of both engines.",
              "remove 'options'; for CSV quoting use the source's quote, escape and comment.");
    }
    Duration maxFutureSkew = SourceConfig.DEFAULT_MAX_FUTURE_SKEW;
    if (n.get("max_future_skew").isPresent()) {
      maxFutureSkew =
          "none".equals(n.get("max_future_skew").text().orElse(null))
              ? null
              : duration(n.get("max_future_skew"), false).orElse(null);
    }

    List<ColumnSpec> schema = schema(n.get("schema"));
    Map<String, ExprType> columns = exprColumns(schema);
    List<SourceKey> keys = keys(n, entities, schema, columns);
    boolean dimension = n.get("dimension").bool().orElse(false);
    EventTime eventTime =
        dimension && !n.get("event_time").isPresent()
            ? EventTime.validAlways()
            : eventTime(n.get("event_time"), schema, columns);
    List<String> unique = n.get("unique_key").textList();
    if (dimension && unique.isEmpty() && keys != null) {
      unique = dimensionKey(keys, eventTime);
    }
    for (String c : unique) {
      if (schema.stream().noneMatch(s -> s.name().equals(c))) {
        n.get("unique_key")
            .problem(
                "unknown column '" + c + "'; known columns are " + columnsOf(schema) + ".",
                "list columns of the schema.");
      }
    }
    if (name == null || format.isEmpty() || keys == null || eventTime == null || schema.isEmpty()) {
      return null;
    }
    return new SourceConfig(
        name,
        format.get(),
        path.orElse(null),
        table.orElse(null),
        delimiter,
        header,
        n.get("options").textMap(),
        schema,
        keys,
        eventTime,
        unique,
        csv,
        maxFutureSkew,
        dimension);
  }

  /**
   * A dimension's default unique key: its key columns (the columns its keys read) and its
   * valid-from column, so that two rows of one key valid from the same time are a duplicate.
   */
  private static List<String> dimensionKey(List<SourceKey> keys, EventTime eventTime) {
    List<String> out = new ArrayList<>();
    for (SourceKey k : keys) {
      for (Expr part : k.parts()) {
        part.columns().stream().filter(c -> !out.contains(c)).forEach(out::add);
      }
    }
    if (eventTime instanceof EventTime.FromColumn c && !out.contains(c.column())) {
      out.add(c.column());
    }
    return out;
  }

  /**
   * The entities whose keys the rows carry: {@code entity:} with an optional {@code entity_key:}
   * (one entity), or {@code entities:} (several: a list of names, or a mapping of each name to its
   * key expression). An entity's key expression defaults to the column(s) named like its key (its
   * join keys when composite); a composite entity's {@code entity_key} is a list, one expression
   * per part. Returns null after recording the problems.
   */
  private List<SourceKey> keys(
      ConfigNode n,
      Map<String, EntityConfig> entities,
      List<ColumnSpec> schema,
      Map<String, ExprType> columns) {
    ConfigNode one = n.get("entity");
    ConfigNode many = n.get("entities");
    if (one.isPresent() == many.isPresent()) {
      n.problem(
          one.isPresent()
              ? "a source has either 'entity' (its rows' one entity) or 'entities' (several), not"
                  + " both."
              : "missing required field: entity (the entity of the source's rows).",
          one.isPresent()
              ? "keep 'entities' and give each entity's key expression there."
              : "add 'entity: <name>' with a name from " + ENTITIES + ".");
      return null;
    }
    List<SourceKey> out = new ArrayList<>();
    boolean ok = true;
    if (one.isPresent()) {
      String entity = knownEntity(one, one.text().orElse(null), entities);
      ok = entity != null;
      if (ok) {
        SourceKey k = key(n.get("entity_key"), entities.get(entity), schema, columns);
        ok = k != null;
        out.add(k);
      }
    } else {
      if (n.get("entity_key").isPresent()) {
        n.get("entity_key")
            .problem(
                "'entity_key' goes with 'entity'; with 'entities' each entity's key expression is"
                    + " given in the mapping.",
                "write entities: {user: user_id, item: item_id}, or drop 'entity_key' to read"
                    + " each key from the column named like it.");
        ok = false;
      }
      List<String> names = many.isMapping() ? many.keys() : many.textList();
      if (names.isEmpty()) {
        many.problem(
            "expected a list of entity names or a mapping of entity name to key expression.",
            "write entities: [user, item] or entities: {user: user_id, item: item_id}.");
        return null;
      }
      for (String name : names) {
        ConfigNode at = many.isMapping() ? many.get(name) : many;
        String entity = knownEntity(at, name, entities);
        if (entity == null) {
          ok = false;
          continue;
        }
        if (out.stream().anyMatch(k -> k != null && k.entity().equals(entity))) {
          at.problem("entity '" + entity + "' is listed twice.", "list each entity once.");
          ok = false;
          continue;
        }
        // In a list, many.get(name) is absent (the key is read from its column), at the list's
        // line.
        SourceKey k = key(many.get(name), entities.get(entity), schema, columns);
        ok &= k != null;
        out.add(k);
      }
    }
    return ok ? out : null;
  }

  private String knownEntity(ConfigNode at, String entity, Map<String, EntityConfig> entities) {
    if (entity == null || entity.isBlank()) {
      at.problem("expected an entity name.", "use a name from " + ENTITIES + ".");
      return null;
    }
    if (!entities.containsKey(entity)) {
      if (!alreadyReported(ENTITIES, entity)) {
        at.problem(
            "unknown entity '" + entity + "'; known entities are " + entities.keySet() + ".",
            "declare it in " + ENTITIES + " or use a known one.");
      }
      return null;
    }
    return entity;
  }

  /**
   * One entity's key: the expression(s) at {@code n}, or the columns named like the key's parts
   * when {@code n} is absent. Each part must be text, a number (integers are keys; a row whose
   * number has a fraction is quarantined) or a date column.
   */
  private SourceKey key(
      ConfigNode n, EntityConfig entity, List<ColumnSpec> schema, Map<String, ExprType> columns) {
    List<String> texts;
    if (!n.isPresent()) {
      List<String> missing =
          entity.parts().stream()
              .filter(p -> schema.stream().noneMatch(c -> c.name().equals(p)))
              .toList();
      if (!missing.isEmpty()) {
        n.problem(
            "missing the key of entity '"
                + entity.name()
                + "': no expression is given and the schema has no column "
                + missing
                + " to read it from.",
            entity.composite()
                ? "give entity_key: [<expression per part " + entity.parts() + ">]."
                : "give entity_key: <an expression, e.g. a column name or 'NSW'>.");
        return null;
      }
      texts = entity.parts();
    } else if (n.isSequence()) {
      texts = n.textList();
    } else {
      texts = n.text().map(List::of).orElse(List.of());
    }
    if (texts.size() != entity.parts().size()) {
      n.problem(
          "entity '"
              + entity.name()
              + "' has "
              + (entity.composite() ? "a key of " + entity.parts().size() + " parts " : "one key ")
              + entity.parts()
              + ", but "
              + texts.size()
              + " expression(s) are given.",
          entity.composite()
              ? "give one expression per part, in order: ["
                  + String.join(", ", entity.parts())
                  + "]."
              : "give one expression, e.g. a column name.");
      return null;
    }
    List<Expr> parts = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      String t = texts.get(i);
      Optional<ColumnSpec> bare = schema.stream().filter(c -> c.name().equals(t)).findFirst();
      if (bare.isPresent()
          && !Set.of(ColumnType.STRING, ColumnType.INT, ColumnType.LONG, ColumnType.DATE)
              .contains(bare.get().type())) {
        n.problem(
            "column '"
                + t
                + "' is "
                + bare.get().type().key()
                + ", which cannot be an entity key: a key is text, an integer or a date.",
            bare.get().type() == ColumnType.DOUBLE
                ? "declare the column int or long if its values are whole numbers, or use an"
                    + " expression such as cast("
                    + t
                    + " as string)."
                : "use a text, integer or date column, or an expression of one.");
        return null;
      }
      if (bare.isPresent() && bare.get().type() == ColumnType.DATE) {
        parts.add(new Expr.Column(t)); // a date key is the column's yyyy-MM-dd text
        continue;
      }
      Expr e = expr(n, t, columns, null);
      if (e == null) {
        return null;
      }
      ExprType type = ExprTypes.infer(e, columns);
      if (type != ExprType.STRING && type != ExprType.NUMBER) {
        n.problem(
            "the key expression \""
                + t
                + "\" is "
                + type
                + "; a key is text, an integer or a date.",
            "use a text or integer expression, e.g. cast(x as string).");
        return null;
      }
      parts.add(e);
    }
    return new SourceKey(entity.name(), entity.key(), parts, texts);
  }

  /** The CSV dialect: {@code quote}, {@code escape}, {@code comment}, one character each. */
  private SourceConfig.CsvDialect csvDialect(ConfigNode n, SourceFormat format, String delimiter) {
    boolean any =
        n.get("quote").isPresent() || n.get("escape").isPresent() || n.get("comment").isPresent();
    if (!any) {
      return SourceConfig.CsvDialect.DEFAULT;
    }
    if (format != SourceFormat.CSV || delimiter.equals("whitespace")) {
      n.problem(
          "'quote', 'escape' and 'comment' apply to delimited csv sources only.",
          "remove them, or use format: csv with a one-character delimiter.");
      return SourceConfig.CsvDialect.DEFAULT;
    }
    char sep = delimiter.equals("\\t") ? '\t' : delimiter.charAt(0);
    Character quote = oneChar(n.get("quote"), "e.g. quote: '\"' or quote: \"'\"");
    Character escape = oneChar(n.get("escape"), "e.g. escape: '\\' or the quote itself");
    Character comment = oneChar(n.get("comment"), "e.g. comment: '#'");
    char q = quote == null ? '"' : quote;
    char e = escape == null ? q : escape;
    for (String field : List.of("quote", "escape", "comment")) {
      Character c = field.equals("quote") ? quote : field.equals("escape") ? escape : comment;
      if (c != null && c == sep) {
        n.get(field)
            .problem(
                "the " + field + " character is the delimiter '" + sep + "'.",
                "choose another character.");
      }
    }
    if (comment != null && (comment == q || comment == e)) {
      n.get("comment")
          .problem(
              "the comment character '" + comment + "' is also the quote or escape character.",
              "choose another character, e.g. '#'.");
    }
    return new SourceConfig.CsvDialect(q, e, comment);
  }

  private static Character oneChar(ConfigNode n, String example) {
    Optional<String> t = n.text();
    if (t.isEmpty()) {
      return null;
    }
    if (t.get().length() != 1) {
      n.problem("expected one character, got '" + t.get() + "'.", "write " + example + ".");
      return null;
    }
    return t.get().charAt(0);
  }

  private List<ColumnSpec> schema(ConfigNode n) {
    if (!n.isPresent()) {
      n.problem(
          "missing required field: the source schema (a list of columns with name and type).",
          "add 'schema:' with '- {name: ..., type: ...}' entries.");
      return List.of();
    }
    List<ColumnSpec> out = new java.util.ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (ConfigNode c : n.list()) {
      c.checkKeys(List.of("name", "type", "nullable", "min", "max", "allowed", "description"));
      Optional<String> name = c.get("name").requiredText("the column name");
      Optional<ColumnType> type =
          c.get("type")
              .requiredText("the column type")
              .flatMap(
                  t -> {
                    Optional<ColumnType> parsed = ColumnType.parse(t);
                    if (parsed.isEmpty()) {
                      c.get("type")
                          .problem(
                              "unknown type '"
                                  + t
                                  + "'; expected one of "
                                  + ColumnType.keys()
                                  + ".",
                              "use one of the accepted types.");
                    }
                    return parsed;
                  });
      Double min = c.get("min").number().orElse(null);
      Double max = c.get("max").number().orElse(null);
      if ((min != null || max != null) && type.isPresent() && !type.get().isNumeric()) {
        c.problem(
            "'min'/'max' apply to numeric columns only, but this column is "
                + type.get().key()
                + ".",
            "remove them or change the type.");
      }
      if (min != null && max != null && min > max) {
        c.get("min").problem("min (" + min + ") is greater than max (" + max + ").", "swap them.");
      }
      if (name.isPresent() && !seen.add(name.get())) {
        c.get("name")
            .problem("column '" + name.get() + "' is declared twice.", "remove one of them.");
      }
      if (type.isPresent()
          && (type.get() == ColumnType.DATE || type.get() == ColumnType.TIMESTAMP)) {
        for (String a : c.get("allowed").textList()) {
          Long t =
              type.get() == ColumnType.DATE
                  ? dev.lakeops.common.events.EventTimes.parseDate(a)
                  : dev.lakeops.common.events.EventTimes.parseText(a);
          if (t == null) {
            c.get("allowed")
                .problem(
                    "'"
                        + a
                        + "' is not a "
                        + type.get().key()
                        + " (values of a date column are compared as dates).",
                    type.get() == ColumnType.DATE
                        ? "write dates as yyyy-MM-dd, e.g. '2020-01-01'."
                        : "write times as e.g. '2020-01-01T00:00:00Z'.");
          }
        }
      }
      if (name.isPresent() && type.isPresent()) {
        out.add(
            new ColumnSpec(
                name.get(),
                type.get(),
                c.get("nullable").bool().orElse(true),
                min,
                max,
                c.get("allowed").textList()));
      }
    }
    return out;
  }

  private EventTime eventTime(
      ConfigNode n, List<ColumnSpec> schema, Map<String, ExprType> columns) {
    if (!n.isPresent()) {
      n.problem(
          "missing required field: how rows get their event time.",
          "add 'event_time: {column: <col>}', 'event_time: {column: <col>, unit: s}' for epoch"
              + " seconds, 'event_time: {expression: \"day_seconds + hour * 3600\", unit: s}' or"
              + " 'event_time: {row_index: {start: 2020-01-01T00:00:00Z, step: 30m}}'.");
      return null;
    }
    n.checkKeys(List.of("column", "expression", "format", "unit", "row_index"));
    Optional<EpochUnit> unit = unit(n.get("unit"));
    if (n.get("expression").isPresent()) {
      return expressionTime(n, columns, unit);
    }
    if (n.get("row_index").isPresent()) {
      ConfigNode ri = n.get("row_index");
      ri.checkKeys(List.of("start", "step"));
      Optional<Instant> start =
          ri.get("start")
              .requiredText("the time of row 0, e.g. 1996-05-07T00:00:00Z")
              .flatMap(
                  s -> {
                    try {
                      return Optional.of(Instant.parse(s));
                    } catch (DateTimeParseException e) {
                      ri.get("start")
                          .problem(
                              "expected an ISO-8601 instant such as 1996-05-07T00:00:00Z, got '"
                                  + s
                                  + "'.",
                              "write the time in UTC with a trailing Z.");
                      return Optional.empty();
                    }
                  });
      Optional<Duration> step = duration(ri.get("step"), true);
      return start.isPresent() && step.isPresent()
          ? new EventTime.FromRowIndex(start.get(), step.get())
          : null;
    }
    Optional<String> column = n.get("column").requiredText("the event time column");
    if (column.isEmpty()) {
      return null;
    }
    Optional<ColumnSpec> spec =
        schema.stream().filter(c -> c.name().equals(column.get())).findFirst();
    if (spec.isEmpty()) {
      n.get("column")
          .problem(
              "unknown column '" + column.get() + "'; known columns are " + columnsOf(schema) + ".",
              "name a column of the schema.");
      return null;
    }
    String format = n.get("format").text().orElse(null);
    ColumnType t = spec.get().type();
    boolean numeric = t == ColumnType.INT || t == ColumnType.LONG || t == ColumnType.DOUBLE;
    if (!numeric && t != ColumnType.STRING && t != ColumnType.DATE && t != ColumnType.TIMESTAMP) {
      n.get("column")
          .problem(
              "the event time column must be string (event-time text, or with 'format'), date,"
                  + " timestamp, or int, long or double (epoch time with 'unit'), but '"
                  + column.get()
                  + "' is "
                  + t.key()
                  + ".",
              "change the column's type.");
      return null;
    }
    if (numeric && unit.isEmpty() && !n.get("unit").isPresent()) {
      n.get("column")
          .problem(numericWithoutUnit("column '" + column.get() + "' is " + t.key()), UNIT_FIX);
      return null;
    }
    if (!numeric && n.get("unit").isPresent()) {
      n.get("unit")
          .problem(
              "'unit' is the epoch unit of a numeric event time, but column '"
                  + column.get()
                  + "' is "
                  + t.key()
                  + ".",
              "remove 'unit' (or declare the column int, long or double).");
      return null;
    }
    if (numeric && format != null) {
      n.get("format")
          .problem(
              "'format' is a date-time pattern for text columns, but column '"
                  + column.get()
                  + "' is "
                  + t.key()
                  + " (epoch time).",
              "remove 'format'.");
      return null;
    }
    if (!validFormat(n, format)) {
      return null;
    }
    return numeric && unit.isEmpty()
        ? null
        : new EventTime.FromColumn(column.get(), format, unit.orElse(null));
  }

  /** Whether {@code format} (null for none) is a date-time pattern; records the problem if not. */
  private static boolean validFormat(ConfigNode n, String format) {
    if (format == null || EventTimes.validPattern(format)) {
      return true;
    }
    n.get("format")
        .problem(
            "'" + format + "' is not a date-time pattern.",
            "write a Spark datetime pattern such as yyyyMMdd or yyyy-MM-dd HH:mm.");
    return false;
  }

  private static final String UNIT_FIX =
      "add 'unit: s' for seconds (e.g. 1700000000), 'ms' for milliseconds (1700000000000), 'us'"
          + " for microseconds or 'ns' for nanoseconds.";

  private static String numericWithoutUnit(String what) {
    return "a numeric event time needs its epoch unit, and "
        + what
        + " with no 'unit' (one of "
        + EpochUnit.keys()
        + "): read in the wrong unit, times land decades off.";
  }

  private Optional<EpochUnit> unit(ConfigNode n) {
    if (!n.isPresent()) {
      return Optional.empty();
    }
    Optional<EpochUnit> u = n.text().flatMap(EpochUnit::of);
    if (u.isEmpty()) {
      n.problem(
          "unknown epoch unit '"
              + n.text().orElse("")
              + "'; expected one of "
              + EpochUnit.keys()
              + ".",
          UNIT_FIX);
    }
    return u;
  }

  /** {@code event_time: {expression: ..., unit | format}}: number with a unit, or text. */
  private EventTime expressionTime(
      ConfigNode n, Map<String, ExprType> columns, Optional<EpochUnit> unit) {
    if (n.get("column").isPresent() || n.get("row_index").isPresent()) {
      n.problem(
          "'expression' gives the event time on its own, but 'column' or 'row_index' is also set.",
          "keep one of 'column', 'expression' and 'row_index'.");
      return null;
    }
    Optional<String> text = n.get("expression").requiredText("an expression over the row");
    if (text.isEmpty()) {
      return null;
    }
    Expr e = expr(n.get("expression"), text.get(), columns, null);
    if (e == null) {
      return null;
    }
    ExprType t = ExprTypes.infer(e, columns);
    String format = n.get("format").text().orElse(null);
    if (t == ExprType.NUMBER) {
      if (n.get("unit").isPresent() && unit.isEmpty()) {
        return null; // the unit's problem is recorded
      }
      if (unit.isEmpty()) {
        n.get("expression")
            .problem(numericWithoutUnit("\"" + text.get() + "\" is a number"), UNIT_FIX);
        return null;
      }
      if (format != null) {
        n.get("format")
            .problem(
                "'format' is for text expressions, but \"" + text.get() + "\" is a number.",
                "remove 'format'.");
        return null;
      }
      return new EventTime.FromExpression(e, text.get(), null, unit.get());
    }
    if (t == ExprType.STRING) {
      if (n.get("unit").isPresent()) {
        n.get("unit")
            .problem(
                "'unit' is the epoch unit of a number, but \"" + text.get() + "\" is text.",
                "remove 'unit', or give a 'format' if the text is not event-time text.");
        return null;
      }
      return validFormat(n, format)
          ? new EventTime.FromExpression(e, text.get(), format, null)
          : null;
    }
    n.get("expression")
        .problem(
            "the event time expression must be a number (epoch time with 'unit') or text, but \""
                + text.get()
                + "\" is "
                + t
                + ".",
            "write e.g. \"day_seconds + hour * 3600\" with unit: s.");
    return null;
  }
}
