package dev.lakeops.common.config;

import dev.lakeops.common.error.ConfigProblem;
import dev.lakeops.common.expr.Expr;
import dev.lakeops.common.expr.ExprException;
import dev.lakeops.common.expr.ExprParser;
import dev.lakeops.common.expr.ExprType;
import dev.lakeops.common.expr.ExprTypes;
import dev.lakeops.common.features.Aggregation;
import dev.lakeops.common.features.Durations;
import dev.lakeops.common.online.OnlineStoreConfig;
import dev.lakeops.common.training.ModelSpec;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Loads and validates a project directory: {@code project.yaml}, {@code entities.yaml}, {@code
 * sources.yaml}, {@code feature_views.yaml} and, optionally, {@code labels.yaml}, {@code
 * training_sets.yaml}, {@code models.yaml} and {@code monitoring.yaml} ({@link MonitoringLoader}).
 * Every problem is reported with its file, field path, line and fix, all at once, before any engine
 * starts.
 */
public final class ProjectLoader {
  public static final String PROJECT = "project.yaml";
  public static final String ENTITIES = "entities.yaml";
  public static final String SOURCES = "sources.yaml";
  public static final String FEATURE_VIEWS = "feature_views.yaml";
  public static final String LABELS = "labels.yaml";
  public static final String TRAINING_SETS = "training_sets.yaml";
  public static final String MODELS = "models.yaml";
  public static final String MONITORING = MonitoringConfig.FILE;

  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  static final String NAME_FIX =
      "use lower-case letters, digits and '_', starting with a letter (it becomes a table name).";

  private final Path dir;
  private final Problems problems = new Problems();

  private ProjectLoader(Path dir) {
    this.dir = dir;
  }

  /**
   * Loads the project in {@code dir}.
   *
   * @throws dev.lakeops.common.error.ConfigException listing every problem found
   */
  public static ProjectConfig load(Path dir) {
    return new ProjectLoader(dir).load();
  }

  private ProjectConfig load() {
    if (!Files.isDirectory(dir)) {
      problems.add(
          new ConfigProblem(
              dir.toString(),
              "",
              0,
              "the project directory does not exist.",
              "pass --project <dir> with a directory holding "
                  + PROJECT
                  + " (see conf/examples/)."));
      problems.throwIfAny();
    }
    ConfigNode project = read(PROJECT, true);
    project.checkKeys(List.of("name", "database", "description", "online_store"));
    String name =
        checkName(project.get("name"), project.get("name").requiredText("the project name"));
    String database =
        checkName(
            project.get("database"),
            Optional.of(project.get("database").textOr(name == null ? "lakeops" : name)));

    OnlineStoreConfig onlineStore = onlineStore(project.get("online_store"));
    Map<String, EntityConfig> entities = entities(read(ENTITIES, true));
    Map<String, SourceConfig> sources = sources(read(SOURCES, true), entities);
    Map<String, FeatureViewConfig> views = views(read(FEATURE_VIEWS, true), entities, sources);
    Map<String, LabelConfig> labels = labels(read(LABELS, false), entities, sources);
    Map<String, TrainingSetConfig> sets = trainingSets(read(TRAINING_SETS, false), labels, views);
    Map<String, ModelSpec> models =
        new ModelSpecParser(
                new ModelSpecParser.ProjectConfigView(
                    entities, views, labels, sets, !problems.isEmpty()))
            .models(read(MODELS, false));
    MonitoringConfig monitoring =
        new MonitoringLoader(models, !problems.isEmpty()).load(read(MONITORING, false));
    problems.throwIfAny();
    return new ProjectConfig(
        dir.toAbsolutePath().normalize(),
        name,
        database,
        entities,
        sources,
        views,
        labels,
        sets,
        models,
        onlineStore,
        monitoring);
  }

  private OnlineStoreConfig onlineStore(ConfigNode node) {
    if (!node.isPresent()) {
      return OnlineStoreConfig.embeddedDefault();
    }
    node.checkKeys(List.of("type", "path", "host", "port", "key_prefix"));
    Optional<String> type =
        node.get("type")
            .oneOf(node.get("type").requiredText("the store type"), Set.of("embedded", "redis"));
    if (type.isEmpty()) {
      return OnlineStoreConfig.embeddedDefault();
    }
    if (type.get().equals("embedded")) {
      return new OnlineStoreConfig.Embedded(node.get("path").text().orElse(null));
    }
    String host = node.get("host").textOr("127.0.0.1");
    double port = node.get("port").number().orElse(6379.0);
    if (port != Math.rint(port) || port < 1 || port > 65535) {
      node.get("port").problem("expected a TCP port (1-65535).", "write e.g. port: 6379.");
    }
    return new OnlineStoreConfig.Redis(host, (int) port, node.get("key_prefix").textOr(""));
  }

  private ConfigNode read(String fileName, boolean required) {
    Path file = dir.resolve(fileName);
    String shown = file.toString();
    if (!Files.exists(file)) {
      if (required) {
        problems.add(
            new ConfigProblem(
                shown,
                "",
                0,
                "the file is missing.",
                "create it; see conf/examples/elec2/" + fileName + "."));
      }
      return new ConfigNode(shown, "", null, problems);
    }
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Node node = new Yaml(new LoaderOptions()).compose(r);
      ConfigNode root = new ConfigNode(shown, "", node, problems);
      if (node != null && !root.isMapping()) {
        root.problem("expected a mapping of 'field: value' lines at the top.", null);
        return new ConfigNode(shown, "", null, problems);
      }
      return root;
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      problems.add(
          new ConfigProblem(
              shown,
              "",
              line,
              "not valid YAML: " + e.getProblem() + ".",
              "fix the YAML syntax on that line."));
    } catch (IOException e) {
      problems.add(
          new ConfigProblem(
              shown,
              "",
              0,
              "cannot be read: " + e.getMessage() + ".",
              "check the file's permissions."));
    }
    return new ConfigNode(shown, "", null, problems);
  }

  // ---- entities -------------------------------------------------------------------------

  private Map<String, EntityConfig> entities(ConfigNode root) {
    root.checkKeys(List.of("entities"));
    Map<String, EntityConfig> out = new LinkedHashMap<>();
    for (ConfigNode n : root.get("entities").list()) {
      n.checkKeys(List.of("name", "key", "description"));
      String name = checkName(n.get("name"), n.get("name").requiredText("the entity name"));
      Optional<String> key = n.get("key").requiredText("the key column name, e.g. customer_id");
      if (name != null && key.isPresent()) {
        putUnique(
            out,
            name,
            new EntityConfig(name, key.get(), n.get("description").textOr("")),
            n.get("name"));
      }
    }
    return out;
  }

  // ---- sources --------------------------------------------------------------------------

  private Map<String, SourceConfig> sources(ConfigNode root, Map<String, EntityConfig> entities) {
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
            "event_time",
            "unique_key",
            "quote",
            "escape",
            "comment",
            "max_future_skew",
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
    String entity = n.get("entity").requiredText("the entity of the source's rows").orElse(null);
    if (entity != null && !entities.containsKey(entity)) {
      n.get("entity")
          .problem(
              "unknown entity '" + entity + "'; known entities are " + entities.keySet() + ".",
              "declare it in " + ENTITIES + " or use a known one.");
    }
    Optional<String> keyText =
        n.get("entity_key")
            .requiredText("an expression giving each row's entity key, e.g. customer_id or 'NSW'");
    Expr key =
        keyText.map(t -> expr(n.get("entity_key"), t, columns, ExprType.STRING)).orElse(null);
    EventTime eventTime = eventTime(n.get("event_time"), schema);
    List<String> unique = n.get("unique_key").textList();
    for (String c : unique) {
      if (schema.stream().noneMatch(s -> s.name().equals(c))) {
        n.get("unique_key")
            .problem(
                "unknown column '" + c + "'; known columns are " + columnsOf(schema) + ".",
                "list columns of the schema.");
      }
    }
    if (name == null || format.isEmpty() || key == null || eventTime == null || schema.isEmpty()) {
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
        entity,
        key,
        keyText.get(),
        eventTime,
        unique,
        csv,
        maxFutureSkew);
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

  private EventTime eventTime(ConfigNode n, List<ColumnSpec> schema) {
    if (!n.isPresent()) {
      n.problem(
          "missing required field: how rows get their event time.",
          "add 'event_time: {column: <col>}' or 'event_time: {row_index: {start: 2020-01-01T00:00:00Z, step: 30m}}'.");
      return null;
    }
    n.checkKeys(List.of("column", "format", "row_index"));
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
    if (t != ColumnType.STRING
        && t != ColumnType.DATE
        && t != ColumnType.TIMESTAMP
        && t != ColumnType.LONG) {
      n.get("column")
          .problem(
              "the event time column must be string (with 'format'), date, timestamp or long (epoch milliseconds), but '"
                  + column.get()
                  + "' is "
                  + t.key()
                  + ".",
              "change the column's type.");
    }
    return new EventTime.FromColumn(column.get(), format);
  }

  // ---- feature views --------------------------------------------------------------------

  private Map<String, FeatureViewConfig> views(
      ConfigNode root, Map<String, EntityConfig> entities, Map<String, SourceConfig> sources) {
    root.checkKeys(List.of("feature_views"));
    Map<String, FeatureViewConfig> out = new LinkedHashMap<>();
    for (ConfigNode n : root.get("feature_views").list()) {
      n.checkKeys(List.of("name", "entity", "source", "ttl", "features", "description"));
      String name = checkName(n.get("name"), n.get("name").requiredText("the feature view name"));
      String entity = reference(n.get("entity"), "entity", entities.keySet(), ENTITIES);
      String sourceName = reference(n.get("source"), "source", sources.keySet(), SOURCES);
      SourceConfig source = sourceName == null ? null : sources.get(sourceName);
      if (source != null && entity != null && !source.entity().equals(entity)) {
        n.get("entity")
            .problem(
                "the view's entity is '"
                    + entity
                    + "' but its source '"
                    + sourceName
                    + "' holds rows of entity '"
                    + source.entity()
                    + "'.",
                "use entity '" + source.entity() + "' or another source.");
      }
      Optional<Duration> ttl = duration(n.get("ttl"), true);
      Map<String, ExprType> columns = source == null ? null : exprColumns(source.schema());
      List<FeatureSpec> features = new java.util.ArrayList<>();
      Set<String> names = new java.util.HashSet<>();
      if (!n.get("features").isPresent()) {
        n.problem(
            "missing required field: features.", "add 'features:' with at least one feature.");
      }
      for (ConfigNode f : n.get("features").list()) {
        FeatureSpec spec = feature(f, columns);
        if (spec != null) {
          if (!names.add(spec.name())) {
            f.get("name")
                .problem(
                    "feature '" + spec.name() + "' is declared twice in this view.",
                    "rename one of them.");
          } else if (entity != null && entities.get(entity).key().equals(spec.name())
              || spec.name().equals("event_time")) {
            f.get("name")
                .problem(
                    "'"
                        + spec.name()
                        + "' is reserved for the key or event time column of the view's table.",
                    "rename the feature.");
          }
          features.add(spec);
        }
      }
      if (name != null && entity != null && source != null && ttl.isPresent()) {
        putUnique(
            out,
            name,
            new FeatureViewConfig(name, entity, sourceName, ttl.get(), features),
            n.get("name"));
      }
    }
    return out;
  }

  private FeatureSpec feature(ConfigNode f, Map<String, ExprType> columns) {
    f.checkKeys(List.of("name", "agg", "expr", "filter", "window", "description"));
    String name = checkName(f.get("name"), f.get("name").requiredText("the feature name"));
    Aggregation agg = null;
    Optional<String> aggText = f.get("agg").text();
    if (aggText.isPresent()) {
      agg = Aggregation.parse(aggText.get()).orElse(null);
      if (agg == null) {
        f.get("agg")
            .problem(
                "unknown aggregation '"
                    + aggText.get()
                    + "'; expected one of "
                    + Aggregation.keys()
                    + ".",
                "use one of the accepted aggregations, or leave 'agg' out for a row-level value.");
        return null;
      }
    }
    Duration window = null;
    if (agg != null) {
      window = duration(f.get("window"), true).orElse(null);
    } else if (f.get("window").isPresent()) {
      f.get("window")
          .problem(
              "a row-level feature (no 'agg') has no window.",
              "add an 'agg' such as mean, or remove 'window'.");
    }
    Optional<String> exprText = f.get("expr").text();
    if (exprText.isEmpty() && agg != Aggregation.COUNT) {
      f.problemAt(
          "expr",
          "missing required field: the expression the feature "
              + (agg == null ? "takes" : "aggregates")
              + ".",
          "add 'expr: <column or expression>'.");
      return null;
    }
    if (columns == null) {
      return null; // the source is unknown; already reported
    }
    ExprType want = agg != null && agg.needsNumbers() ? ExprType.NUMBER : null;
    Expr expr = exprText.map(t -> expr(f.get("expr"), t, columns, want)).orElse(null);
    Expr filter =
        f.get("filter")
            .text()
            .map(t -> expr(f.get("filter"), t, columns, ExprType.BOOLEAN))
            .orElse(null);
    if (name == null || (exprText.isPresent() && expr == null) || (agg != null && window == null)) {
      return null;
    }
    ExprType type = expr == null ? ExprType.NUMBER : ExprTypes.infer(expr, columns);
    return new FeatureSpec(name, agg, expr, filter, window, type);
  }

  // ---- labels and training sets ---------------------------------------------------------

  private Map<String, LabelConfig> labels(
      ConfigNode root, Map<String, EntityConfig> entities, Map<String, SourceConfig> sources) {
    root.checkKeys(List.of("labels"));
    Map<String, LabelConfig> out = new LinkedHashMap<>();
    for (ConfigNode n : root.get("labels").list()) {
      n.checkKeys(List.of("name", "source", "value", "ahead", "next_event_within", "description"));
      String name = checkName(n.get("name"), n.get("name").requiredText("the label name"));
      String sourceName = reference(n.get("source"), "source", sources.keySet(), SOURCES);
      SourceConfig source = sourceName == null ? null : sources.get(sourceName);
      boolean hasValue = n.get("value").isPresent();
      boolean hasNext = n.get("next_event_within").isPresent();
      if (hasValue == hasNext) {
        n.problem(
            "a label needs exactly one of 'value' (an expression on the row, e.g. class == 'UP') or 'next_event_within' (e.g. 90d).",
            "keep one of them.");
        continue;
      }
      Expr value = null;
      if (hasValue && source != null) {
        value =
            n.get("value")
                .text()
                .map(t -> expr(n.get("value"), t, exprColumns(source.schema()), null))
                .orElse(null);
      }
      Duration next = hasNext ? duration(n.get("next_event_within"), true).orElse(null) : null;
      Duration ahead = null;
      if (n.get("ahead").isPresent()) {
        if (!hasValue) {
          n.get("ahead")
              .problem(
                  "'ahead' applies to 'value' labels only.",
                  "remove it; 'next_event_within' already looks ahead.");
        } else {
          ahead = duration(n.get("ahead"), true).orElse(null);
        }
      }
      if (name != null && source != null && (value != null || next != null)) {
        putUnique(
            out,
            name,
            new LabelConfig(name, sourceName, source.entity(), value, ahead, next),
            n.get("name"));
      }
    }
    return out;
  }

  private Map<String, TrainingSetConfig> trainingSets(
      ConfigNode root, Map<String, LabelConfig> labels, Map<String, FeatureViewConfig> views) {
    root.checkKeys(List.of("training_sets"));
    Map<String, TrainingSetConfig> out = new LinkedHashMap<>();
    for (ConfigNode n : root.get("training_sets").list()) {
      n.checkKeys(List.of("name", "label", "features", "description"));
      String name = checkName(n.get("name"), n.get("name").requiredText("the training set name"));
      String labelName = reference(n.get("label"), "label", labels.keySet(), LABELS);
      List<TrainingSetConfig.FeatureRef> refs = new java.util.ArrayList<>();
      Map<String, String> owners = new HashMap<>();
      if (!n.get("features").isPresent()) {
        n.problem(
            "missing required field: features (a list of 'view' or 'view.feature').",
            "add 'features: [my_view]'.");
      }
      for (ConfigNode f : n.get("features").list()) {
        Optional<String> text = f.text();
        if (text.isEmpty()) {
          continue;
        }
        String[] parts = text.get().split("\\.", 2);
        FeatureViewConfig view = views.get(parts[0]);
        if (view == null) {
          f.problem(
              "unknown feature view '" + parts[0] + "'; known views are " + views.keySet() + ".",
              "declare it in " + FEATURE_VIEWS + " or use a known one.");
          continue;
        }
        if (parts.length == 2 && view.feature(parts[1]).isEmpty()) {
          f.problem(
              "view '"
                  + view.name()
                  + "' has no feature '"
                  + parts[1]
                  + "'; its features are "
                  + view.features().stream().map(FeatureSpec::name).toList()
                  + ".",
              "use one of them, or name the view alone for all.");
          continue;
        }
        if (labelName != null && !view.entity().equals(labels.get(labelName).entity())) {
          f.problem(
              "view '"
                  + view.name()
                  + "' is keyed by entity '"
                  + view.entity()
                  + "' but label '"
                  + labelName
                  + "' by '"
                  + labels.get(labelName).entity()
                  + "'.",
              "join views of the label's entity only.");
          continue;
        }
        List<String> brought =
            parts.length == 2
                ? List.of(parts[1])
                : view.features().stream().map(FeatureSpec::name).toList();
        for (String feature : brought) {
          String other = owners.putIfAbsent(feature, view.name());
          if (feature.equals("label") || (other != null && !other.equals(view.name()))) {
            f.problem(
                "feature '"
                    + feature
                    + "' of view '"
                    + view.name()
                    + "' clashes with "
                    + (other == null ? "the label column" : "a feature of view '" + other + "'")
                    + "; a training set's columns must have distinct names.",
                "rename one of the features in "
                    + FEATURE_VIEWS
                    + ", or pick features with 'view.feature'.");
          }
        }
        refs.add(
            new TrainingSetConfig.FeatureRef(view.name(), parts.length == 2 ? parts[1] : null));
      }
      if (name != null && labelName != null && !refs.isEmpty()) {
        putUnique(out, name, new TrainingSetConfig(name, labelName, refs), n.get("name"));
      }
    }
    return out;
  }

  // ---- helpers --------------------------------------------------------------------------

  private Expr expr(ConfigNode n, String text, Map<String, ExprType> columns, ExprType want) {
    try {
      Expr e = ExprParser.parse(text);
      ExprType t = ExprTypes.infer(e, columns);
      if (want != null && t != want && t != ExprType.NULL) {
        n.problem(
            "expected an expression of type " + want + ", but \"" + text + "\" is " + t + ".",
            want == ExprType.BOOLEAN
                ? "write a condition such as \"amount > 0\"."
                : "use a " + want.name().toLowerCase() + " column or expression.");
        return null;
      }
      return e;
    } catch (ExprException e) {
      n.problem(e.getMessage() + ".", e.fix());
      return null;
    }
  }

  private Optional<Duration> duration(ConfigNode n, boolean required) {
    Optional<String> text = required ? n.requiredText("a duration such as 24h") : n.text();
    return text.flatMap(
        t -> {
          Optional<Duration> d = Durations.parse(t);
          if (d.isEmpty()) {
            n.problem(
                "'" + t + "' is not a duration; expected " + Durations.ACCEPTED_FORMS + ".",
                "write e.g. 24h or 7d.");
          }
          return d;
        });
  }

  private String reference(ConfigNode n, String kind, Set<String> known, String file) {
    Optional<String> name = n.requiredText("the " + kind + " name");
    if (name.isPresent() && !known.contains(name.get())) {
      n.problem(
          "unknown " + kind + " '" + name.get() + "'; known are " + known + ".",
          "declare it in " + file + " or use a known one.");
      return null;
    }
    return name.orElse(null);
  }

  private String checkName(ConfigNode n, Optional<String> name) {
    if (name.isPresent() && !NAME.matcher(name.get()).matches()) {
      n.problem("'" + name.get() + "' is not a valid name.", NAME_FIX);
      return null;
    }
    return name.orElse(null);
  }

  private <T> void putUnique(Map<String, T> map, String name, T value, ConfigNode at) {
    if (map.putIfAbsent(name, value) != null) {
      at.problem("the name '" + name + "' is used twice.", "give each one its own name.");
    }
  }

  private static Map<String, ExprType> exprColumns(List<ColumnSpec> schema) {
    Map<String, ExprType> out = new HashMap<>();
    for (ColumnSpec c : schema) {
      c.type().exprType().ifPresent(t -> out.put(c.name(), t));
    }
    return out;
  }

  private static List<String> columnsOf(List<ColumnSpec> schema) {
    return schema.stream().map(ColumnSpec::name).sorted().toList();
  }
}
