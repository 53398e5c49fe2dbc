package dev.lakeops.common.expr;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Infers the type of an expression against the columns of a source, rejecting misuse. */
public final class ExprTypes {
  private ExprTypes() {}

  /**
   * Returns the type of {@code e}.
   *
   * @param columns the columns an expression may use, with their types
   * @throws ExprException naming an unknown column (and the known ones) or a type mismatch
   */
  public static ExprType infer(Expr e, Map<String, ExprType> columns) {
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
      ExprType t = infer(u.operand(), columns);
      ExprType want = u.op().equals("not") ? ExprType.BOOLEAN : ExprType.NUMBER;
      require(want, t, "'" + u.op() + "'");
      return want;
    } else if (e instanceof Expr.Binary b) {
      return binary(b, columns);
    }
    return call((Expr.Call) e, columns);
  }

  private static ExprType binary(Expr.Binary b, Map<String, ExprType> columns) {
    ExprType l = infer(b.left(), columns);
    ExprType r = infer(b.right(), columns);
    switch (b.op()) {
      case "and", "or" -> {
        require(ExprType.BOOLEAN, l, "'" + b.op() + "'");
        require(ExprType.BOOLEAN, r, "'" + b.op() + "'");
        return ExprType.BOOLEAN;
      }
      case "==", "!=" -> {
        if (!l.accepts(r)) {
          throw mismatch("'" + b.op() + "' compares " + l + " with " + r);
        }
        return ExprType.BOOLEAN;
      }
      case "<", "<=", ">", ">=" -> {
        if (!l.accepts(r) || l == ExprType.BOOLEAN) {
          throw mismatch("'" + b.op() + "' compares " + l + " with " + r);
        }
        return ExprType.BOOLEAN;
      }
      default -> {
        require(ExprType.NUMBER, l, "'" + b.op() + "'");
        require(ExprType.NUMBER, r, "'" + b.op() + "'");
        return ExprType.NUMBER;
      }
    }
  }

  private static ExprType call(Expr.Call c, Map<String, ExprType> columns) {
    String f = c.function();
    if (Functions.NUMERIC.contains(f)) {
      for (Expr a : c.args()) {
        require(ExprType.NUMBER, infer(a, columns), f + "()");
      }
      return ExprType.NUMBER;
    }
    return switch (f) {
      case "is_null" -> {
        infer(c.args().get(0), columns);
        yield ExprType.BOOLEAN;
      }
      case "if" -> {
        require(ExprType.BOOLEAN, infer(c.args().get(0), columns), "if()'s condition");
        yield common(f, infer(c.args().get(1), columns), infer(c.args().get(2), columns));
      }
      case "coalesce" -> {
        ExprType t = ExprType.NULL;
        for (Expr a : c.args()) {
          t = common(f, t, infer(a, columns));
        }
        yield t;
      }
      default -> throw new IllegalStateException("function without typing rule: " + f);
    };
  }

  private static ExprType common(String f, ExprType a, ExprType b) {
    if (!a.accepts(b)) {
      throw mismatch(f + "() mixes " + a + " and " + b);
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
            + " comparison must have the same type.");
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
