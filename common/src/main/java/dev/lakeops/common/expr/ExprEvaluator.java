package dev.lakeops.common.expr;

import java.util.function.Function;

/**
 * The reference semantics of the expression language, evaluated on one row. SQL-like null handling:
 * arithmetic and comparisons with null give null; {@code and}/{@code or} are three-valued. Division
 * or modulo by zero and {@code log} of a non-positive number give null. Engine bindings (Spark
 * columns, Flink functions) must agree with this class.
 */
public final class ExprEvaluator {
  private ExprEvaluator() {}

  /**
   * Evaluates {@code e} on a row.
   *
   * @param row gives a column's value: a {@link Number}, {@link String}, {@link Boolean} or null
   * @return a {@link Double}, {@link String}, {@link Boolean} or null
   */
  public static Object eval(Expr e, Function<String, Object> row) {
    if (e instanceof Expr.Literal l) {
      return l.value();
    } else if (e instanceof Expr.Column c) {
      return normalize(row.apply(c.name()));
    } else if (e instanceof Expr.Unary u) {
      return unary(u, row);
    } else if (e instanceof Expr.Binary b) {
      return binary(b, row);
    }
    return call((Expr.Call) e, row);
  }

  private static Object normalize(Object v) {
    return v instanceof Number n && !(v instanceof Double) ? n.doubleValue() : v;
  }

  private static Object unary(Expr.Unary u, Function<String, Object> row) {
    Object v = eval(u.operand(), row);
    if (v == null) {
      return null;
    }
    return u.op().equals("not") ? !(Boolean) v : -(Double) v;
  }

  private static Object binary(Expr.Binary b, Function<String, Object> row) {
    if (b.op().equals("and") || b.op().equals("or")) {
      return logic(
          b.op().equals("and"),
          (Boolean) eval(b.left(), row),
          () -> (Boolean) eval(b.right(), row));
    }
    Object l = eval(b.left(), row);
    Object r = eval(b.right(), row);
    if (l == null || r == null) {
      return null;
    }
    return switch (b.op()) {
      case "==" -> compare(l, r) == 0;
      case "!=" -> compare(l, r) != 0;
      case "<" -> compare(l, r) < 0;
      case "<=" -> compare(l, r) <= 0;
      case ">" -> compare(l, r) > 0;
      case ">=" -> compare(l, r) >= 0;
      default -> arithmetic(b.op(), (Double) l, (Double) r);
    };
  }

  private static Boolean logic(boolean isAnd, Boolean l, java.util.function.Supplier<Boolean> rs) {
    if (l != null && l != isAnd) {
      return l; // false and _ = false; true or _ = true
    }
    Boolean r = rs.get();
    if (l == null) {
      return r != null && r != isAnd ? r : null;
    }
    return r;
  }

  @SuppressWarnings("unchecked")
  private static int compare(Object l, Object r) {
    if (l instanceof Double x && r instanceof Double y && x.doubleValue() == y.doubleValue()) {
      return 0; // -0.0 equals 0.0, as in SQL (Double.compareTo and equals set them apart)
    }
    return ((Comparable<Object>) l).compareTo(r);
  }

  private static Double arithmetic(String op, double l, double r) {
    return switch (op) {
      case "+" -> l + r;
      case "-" -> l - r;
      case "*" -> l * r;
      case "/" -> r == 0 ? null : l / r;
      case "%" -> r == 0 ? null : l % r;
      default -> throw new IllegalStateException("unknown operator " + op);
    };
  }

  private static Object call(Expr.Call c, Function<String, Object> row) {
    switch (c.function()) {
      case "coalesce" -> {
        for (Expr a : c.args()) {
          Object v = eval(a, row);
          if (v != null) {
            return v;
          }
        }
        return null;
      }
      case "if" -> {
        Object cond = eval(c.args().get(0), row);
        return eval(c.args().get(Boolean.TRUE.equals(cond) ? 1 : 2), row);
      }
      case "is_null" -> {
        return eval(c.args().get(0), row) == null;
      }
      case "least", "greatest" -> {
        boolean least = c.function().equals("least");
        Double best = null;
        for (Expr a : c.args()) {
          Double v = (Double) eval(a, row);
          if (v != null && (best == null || (least ? v < best : v > best))) {
            best = v;
          }
        }
        return best;
      }
      default -> {
        Double x = (Double) eval(c.args().get(0), row);
        if (x == null) {
          return null;
        }
        return switch (c.function()) {
          case "abs" -> Math.abs(x);
          case "sqrt" -> Math.sqrt(x);
          case "log" -> x <= 0 ? null : Math.log(x);
          case "exp" -> Math.exp(x);
          case "pow" -> {
            Double y = (Double) eval(c.args().get(1), row);
            yield y == null ? null : Math.pow(x, y);
          }
          default -> throw new IllegalStateException("unknown function " + c.function());
        };
      }
    }
  }
}
