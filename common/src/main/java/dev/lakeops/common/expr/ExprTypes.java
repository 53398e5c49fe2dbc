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
    ExprType l = infer(b.left(), columns);
    ExprType r = infer(b.right(), columns);
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
    String name = f.key();
    return switch (f) {
      case ABS, SQRT, LOG, EXP, POW, LEAST, GREATEST -> {
        for (Expr a : c.args()) {
          require(ExprType.NUMBER, infer(a, columns), name + "()");
        }
        yield ExprType.NUMBER;
      }
      case IS_NULL -> {
        infer(c.args().get(0), columns);
        yield ExprType.BOOLEAN;
      }
      case IF -> {
        require(ExprType.BOOLEAN, infer(c.args().get(0), columns), "if()'s condition");
        yield common(name, infer(c.args().get(1), columns), infer(c.args().get(2), columns));
      }
      case COALESCE -> {
        ExprType t = ExprType.NULL;
        for (Expr a : c.args()) {
          t = common(name, t, infer(a, columns));
        }
        yield t;
      }
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
