package dev.lakeops.common.expr;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Infers the type of an expression against the columns of a source, rejecting misuse. What this
 * rejects is an error when a project loads, never at run time: a wrong argument type, a date or
 * timestamp column used other than through a date part, a {@code regexp_extract} pattern that is
 * not a valid regular expression (or whose group does not exist), and a {@code split_part} whose
 * part number is a constant 0.
 */
public final class ExprTypes {
  private ExprTypes() {}

  private static final String TEXT_FIX =
      "the text functions take strings: convert a number or condition with cast(x as string).";
  private static final String TIME_FIX =
      "the date parts hour(), day_of_week(), day_of_month(), month() and year() take a date or"
          + " timestamp column.";

  /**
   * Returns the type of {@code e}: {@link ExprType#NUMBER}, {@link ExprType#STRING}, {@link
   * ExprType#BOOLEAN} or {@link ExprType#NULL} (never {@link ExprType#TIME}).
   *
   * @param columns the columns an expression may use, with their types
   * @throws ExprException naming an unknown column (and the known ones) or a type mismatch
   */
  public static ExprType infer(Expr e, Map<String, ExprType> columns) {
    return value(e, columns);
  }

  /** The type of {@code e} where a value is used: a date or timestamp column is refused. */
  private static ExprType value(Expr e, Map<String, ExprType> columns) {
    ExprType t = any(e, columns);
    if (t == ExprType.TIME) {
      String name = e instanceof Expr.Column c ? c.name() : String.valueOf(e);
      throw new ExprException(
          "column '"
              + name
              + "' is a date or timestamp; an expression reads it only through hour(),"
              + " day_of_week(), day_of_month(), month() or year()",
          "write e.g. hour(" + name + ") or day_of_week(" + name + ").");
    }
    return t;
  }

  /** The type of {@code e}, {@link ExprType#TIME} included (for the date parts and is_null). */
  private static ExprType any(Expr e, Map<String, ExprType> columns) {
    if (e instanceof Expr.Literal l) {
      return literalType(l.value());
    } else if (e instanceof Expr.Column c) {
      ExprType t = columns.get(c.name());
      if (t == null) {
        Set<String> known = new TreeSet<>(columns.keySet());
        throw new ExprException(
            "unknown column '" + c.name() + "'; known columns are " + known,
            "use one of the known columns, or declare '" + c.name() + "' in the source schema.");
      }
      return t;
    } else if (e instanceof Expr.Unary u) {
      ExprType t = value(u.operand(), columns);
      ExprType want =
          switch (u.op()) {
            case NOT -> ExprType.BOOLEAN;
            case NEG -> ExprType.NUMBER;
          };
      require(want, t, "'" + u.op().symbol() + "'");
      return want;
    } else if (e instanceof Expr.Binary b) {
      return binary(b, columns);
    }
    return call((Expr.Call) e, columns);
  }

  private static ExprType binary(Expr.Binary b, Map<String, ExprType> columns) {
    ExprType l = value(b.left(), columns);
    ExprType r = value(b.right(), columns);
    String op = "'" + b.op().symbol() + "'";
    return switch (b.op()) {
      case AND, OR -> {
        require(ExprType.BOOLEAN, l, op);
        require(ExprType.BOOLEAN, r, op);
        yield ExprType.BOOLEAN;
      }
      case EQ, NE -> {
        if (!l.accepts(r)) {
          throw mismatch(op + " compares " + l + " with " + r);
        }
        yield ExprType.BOOLEAN;
      }
      case LT, LE, GT, GE -> {
        if (!l.accepts(r) || l == ExprType.BOOLEAN) {
          throw mismatch(op + " compares " + l + " with " + r);
        }
        yield ExprType.BOOLEAN;
      }
      case ADD, SUB, MUL, DIV, MOD -> {
        require(ExprType.NUMBER, l, op);
        require(ExprType.NUMBER, r, op);
        yield ExprType.NUMBER;
      }
    };
  }

  private static ExprType call(Expr.Call c, Map<String, ExprType> columns) {
    Functions f = c.function();
    String name = f.key() + "()";
    return switch (f) {
      case ABS, SQRT, LOG, EXP, POW, LEAST, GREATEST -> {
        for (Expr a : c.args()) {
          require(ExprType.NUMBER, value(a, columns), name);
        }
        yield ExprType.NUMBER;
      }
      case IS_NULL -> {
        any(c.args().get(0), columns);
        yield ExprType.BOOLEAN;
      }
      case IF -> {
        require(ExprType.BOOLEAN, value(c.args().get(0), columns), "if()'s condition");
        yield common(name, value(c.args().get(1), columns), value(c.args().get(2), columns));
      }
      case COALESCE -> {
        ExprType t = ExprType.NULL;
        for (Expr a : c.args()) {
          t = common(name, t, value(a, columns));
        }
        yield t;
      }
      case LOWER, UPPER, TRIM, CONCAT -> {
        strings(c, columns, c.args().size());
        yield ExprType.STRING;
      }
      case LENGTH -> {
        strings(c, columns, 1);
        yield ExprType.NUMBER;
      }
      case CONTAINS, STARTS_WITH, ENDS_WITH -> {
        strings(c, columns, 2);
        yield ExprType.BOOLEAN;
      }
      case SUBSTRING -> {
        strings(c, columns, 1);
        for (Expr a : c.args().subList(1, c.args().size())) {
          require(ExprType.NUMBER, value(a, columns), name + "'s position and length");
        }
        yield ExprType.STRING;
      }
      case SPLIT_PART -> {
        strings(c, columns, 2);
        Expr n = c.args().get(2);
        require(ExprType.NUMBER, value(n, columns), "split_part()'s part number");
        if (n.columns().isEmpty()
            && ExprEvaluator.eval(n, column -> null) instanceof Double x
            && x > -1
            && x < 1) {
          throw new ExprException(
              "split_part()'s part number is " + x + ", which Spark refuses (parts count from 1)",
              "give 1 for the first part, 2 for the second, or -1 for the last.");
        }
        yield ExprType.STRING;
      }
      case REGEXP_EXTRACT -> {
        strings(c, columns, 1);
        regexGroup(c);
        yield ExprType.STRING;
      }
      case CAST -> {
        ExprType target = Functions.castTarget(c);
        value(c.args().get(0), columns);
        yield target;
      }
      case HOUR, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR -> {
        ExprType t = any(c.args().get(0), columns);
        if (t != ExprType.TIME && t != ExprType.NULL) {
          throw new ExprException(
              "type mismatch: " + name + " needs a date or timestamp column, got " + t, TIME_FIX);
        }
        yield ExprType.NUMBER;
      }
    };
  }

  /** Requires the first {@code n} arguments of {@code c} to be strings. */
  private static void strings(Expr.Call c, Map<String, ExprType> columns, int n) {
    for (int i = 0; i < n; i++) {
      ExprType t = value(c.args().get(i), columns);
      if (!ExprType.STRING.accepts(t)) {
        throw new ExprException(
            "type mismatch: " + c.function().key() + "() needs STRING, got " + t, TEXT_FIX);
      }
    }
  }

  /**
   * The group {@code regexp_extract} returns (1 when not given), checked against its pattern: the
   * pattern must be a string literal that compiles as a Java regular expression (Spark's), the
   * group a whole-number literal from 0 (the whole match) to the pattern's number of groups. Spark
   * raises an error on every row otherwise.
   */
  public static int regexGroup(Expr.Call c) {
    String fix =
        "write the pattern as a string literal in Java regular-expression syntax (there are no"
            + " escapes in a string literal: '\\d+' is the pattern \\d+), and the group as a whole"
            + " number (0 for the whole match).";
    if (!(c.args().get(1) instanceof Expr.Literal p && p.value() instanceof String regex)) {
      throw new ExprException(
          "regexp_extract() needs its pattern as a string literal, got " + c.args().get(1), fix);
    }
    int groups;
    try {
      groups = Pattern.compile(regex).matcher("").groupCount();
    } catch (PatternSyntaxException e) {
      throw new ExprException(
          "regexp_extract()'s pattern '"
              + regex
              + "' is not a valid regular expression: "
              + e.getDescription()
              + " near index "
              + e.getIndex(),
          fix);
    }
    if (c.args().size() < 3) {
      if (groups < 1) {
        throw new ExprException(
            "regexp_extract() without a group returns group 1, but '" + regex + "' has no group",
            "add a group in parentheses to the pattern, or pass 0 for the whole match.");
      }
      return 1;
    }
    Expr g = c.args().get(2);
    if (g instanceof Expr.Literal l
        && l.value() instanceof Double x
        && x >= 0
        && x <= groups
        && x == Math.rint(x)) {
      return x.intValue();
    }
    throw new ExprException(
        "regexp_extract()'s group must be a whole-number literal from 0 to "
            + groups
            + " (the groups of '"
            + regex
            + "'), got "
            + (g instanceof Expr.Literal l ? String.valueOf(l.value()) : "an expression"),
        fix);
  }

  private static ExprType common(String f, ExprType a, ExprType b) {
    if (!a.accepts(b)) {
      throw mismatch(f + " mixes " + a + " and " + b);
    }
    return a == ExprType.NULL ? b : a;
  }

  private static void require(ExprType want, ExprType got, String where) {
    if (!want.accepts(got)) {
      throw mismatch(where + " needs " + want + ", got " + got);
    }
  }

  private static ExprException mismatch(String what) {
    return new ExprException(
        "type mismatch: " + what,
        "arithmetic takes numbers, 'and'/'or'/'not' take conditions, and both sides of a"
            + " comparison must have the same type; cast(x as number|string|boolean) converts.");
  }

  private static ExprType literalType(Object v) {
    if (v == null) {
      return ExprType.NULL;
    }
    if (v instanceof Double) {
      return ExprType.NUMBER;
    }
    if (v instanceof Boolean) {
      return ExprType.BOOLEAN;
    }
    return ExprType.STRING;
  }
}
