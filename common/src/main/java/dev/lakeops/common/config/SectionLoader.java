package dev.lakeops.common.config;

import static dev.lakeops.common.config.ProjectLoader.NAME;
import static dev.lakeops.common.config.ProjectLoader.NAME_FIX;

import dev.lakeops.common.expr.Expr;
import dev.lakeops.common.expr.ExprException;
import dev.lakeops.common.expr.ExprParser;
import dev.lakeops.common.expr.ExprType;
import dev.lakeops.common.expr.ExprTypes;
import dev.lakeops.common.features.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the loaders of a project's files share: the one list of problems they record into, and the
 * checks every file uses (names, references, durations, expressions).
 */
abstract class SectionLoader {
  final Problems problems;

  SectionLoader(Problems problems) {
    this.problems = problems;
  }

  Expr expr(ConfigNode n, String text, Map<String, ExprType> columns, ExprType want) {
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

  Optional<Duration> duration(ConfigNode n, boolean required) {
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

  String reference(ConfigNode n, String kind, Set<String> known, String file) {
    Optional<String> name = n.requiredText("the " + kind + " name");
    if (name.isPresent() && !known.contains(name.get()) && alreadyReported(file, name.get())) {
      return null;
    }
    if (name.isPresent() && !known.contains(name.get())) {
      n.problem(
          "unknown " + kind + " '" + name.get() + "'; known are " + known + ".",
          "declare it in " + file + " or use a known one.");
      return null;
    }
    return name.orElse(null);
  }

  String checkName(ConfigNode n, Optional<String> name) {
    if (name.isPresent() && !NAME.matcher(name.get()).matches()) {
      n.problem("'" + name.get() + "' is not a valid name.", NAME_FIX);
      return null;
    }
    return name.orElse(null);
  }

  /**
   * Whether {@code name} is unknown because its declaration in {@code file} had a problem that is
   * already reported (then the reference is not reported again).
   */
  boolean alreadyReported(String file, String name) {
    if (problems.alreadyReported(file, name)) {
      problems.suppressed();
      return true;
    }
    return false;
  }

  /**
   * After a section ({@code key} of {@code file}) was loaded: if it is not a list, or problems were
   * reported while loading it (since {@code mark}), the names declared there that did not load are
   * remembered as unusable, so that references to them are not reported again.
   */
  void rememberUnloaded(ConfigNode root, String key, String file, Set<String> loaded, int mark) {
    ConfigNode section = root.get(key);
    if (section.isPresent() && !section.isSequence()) {
      problems.fileUnusable(file);
      return;
    }
    if (problems.mark() == mark) {
      return;
    }
    List<String> unloaded = new ArrayList<>();
    for (ConfigNode n : section.list()) {
      n.get("name").quietText().filter(name -> !loaded.contains(name)).ifPresent(unloaded::add);
    }
    problems.namesUnusable(file, unloaded);
  }

  <T> void putUnique(Map<String, T> map, String name, T value, ConfigNode at) {
    if (map.putIfAbsent(name, value) != null) {
      at.problem("the name '" + name + "' is used twice.", "give each one its own name.");
    }
  }

  static Map<String, ExprType> exprColumns(List<ColumnSpec> schema) {
    Map<String, ExprType> out = new HashMap<>();
    for (ColumnSpec c : schema) {
      c.type().exprType().ifPresent(t -> out.put(c.name(), t));
    }
    return out;
  }

  /**
   * The column types a source's feature, label and filter expressions see: the declared types,
   * except that a column named like one of the source's entity key columns is text (it holds the
   * key's canonical text in every engine, {@code SourceDecoder}).
   */
  static Map<String, ExprType> exprColumns(SourceConfig source) {
    Map<String, ExprType> out = exprColumns(source.schema());
    for (String k : source.keyColumns()) {
      out.computeIfPresent(k, (c, t) -> ExprType.STRING);
    }
    return out;
  }

  static List<String> columnsOf(List<ColumnSpec> schema) {
    return schema.stream().map(ColumnSpec::name).sorted().toList();
  }
}
