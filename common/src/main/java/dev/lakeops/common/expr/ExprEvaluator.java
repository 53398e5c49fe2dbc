package dev.lakeops.common.expr;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The reference semantics of the expression language, evaluated on one row. They are Spark SQL's
 * (Spark 4, ANSI mode on, the session default the jobs run with) for the Spark compilation of the
 * same expression ({@code SparkExprs}), so that the offline store (Spark) and the online store
 * (Flink, which calls this class) compute equal values. The conformance table {@code
 * common/src/test/resources/conformance/expressions.txt} pins every rule below in both engines.
 *
 * <ul>
 *   <li><b>Numbers</b> are doubles (IEEE 754, Java's {@code + - * / %}); integral column values are
 *       widened to double for arithmetic and functions, as Spark's cast. A comparison of two
 *       integral values is exact (Spark compares a long with a long as longs), of anything else in
 *       doubles.
 *   <li><b>Null</b>: arithmetic, comparisons, {@code not} and the math functions of null give null.
 *       {@code and}/{@code or} are three-valued (false and null = false, true or null = true).
 *   <li><b>Division or modulo by zero</b> (0.0 or -0.0) gives null, never an error or an infinity;
 *       {@code %} takes the sign of the dividend (Java's remainder, Spark's {@code %}).
 *   <li><b>Order</b> (comparisons, {@code least}, {@code greatest}): Spark's total order of
 *       doubles, where NaN equals NaN and is greater than every other number (+Infinity included)
 *       and -0.0 equals 0.0. Strings compare by their UTF-8 bytes (code point order; an unpaired
 *       surrogate is encoded as '?', as Spark does). Booleans: false &lt; true.
 *   <li>{@code least}/{@code greatest} skip nulls (null only when all are null) and, of equal
 *       values (0.0 and -0.0), keep the first.
 *   <li>{@code log} (natural) of a number ≤ 0 (-0.0 included) is null; {@code log}, {@code exp} and
 *       {@code pow} are {@link StrictMath}'s (as Spark's), so they agree to the last bit; {@code
 *       sqrt} of a negative number is NaN; {@code abs(-0.0)} is 0.0.
 *   <li>{@code if(c, a, b)} is {@code a} only when {@code c} is true (null counts as false); {@code
 *       coalesce} is its first non-null argument; {@code is_null} is true only for null (NaN is not
 *       null).
 * </ul>
 */
public final class ExprEvaluator {
  private ExprEvaluator() {}

  /**
   * Evaluates {@code e} on a row.
   *
   * @param row gives a column's value: a {@link Number}, {@link String}, {@link Boolean} or null
   * @return a {@link Double}, {@link String}, {@link Boolean} or null
   * @throws ClassCastException if a value's type does not match the expression's (the loader
   *     type-checks expressions, see {@link ExprTypes}, so this is a caller's bug)
   */
  public static Object eval(Expr e, Function<String, Object> row) {
    Object v = value(e, row);
    if (v instanceof Long n) {
      return n.doubleValue();
    }
    if (v instanceof String s) {
      return asSparkString(s);
    }
    return v;
  }

  /**
   * A value inside evaluation: Double, Long (an integral column's value), String, Boolean, null.
   */
  private static Object value(Expr e, Function<String, Object> row) {
    if (e instanceof Expr.Literal l) {
      return l.value();
    } else if (e instanceof Expr.Column c) {
      return normalize(row.apply(c.name()));
    } else if (e instanceof Expr.Unary u) {
      Object v = value(u.operand(), row);
      if (v == null) {
        return null;
      }
      return switch (u.op()) {
        case NOT -> !(Boolean) v;
        case NEG -> -toDouble(v);
      };
    } else if (e instanceof Expr.Binary b) {
      return binary(b, row);
    }
    return call((Expr.Call) e, row);
  }

  private static Object normalize(Object v) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    return v instanceof Number n && !(v instanceof Double) ? n.doubleValue() : v;
  }

  private static double toDouble(Object v) {
    return ((Number) v).doubleValue();
  }

  private static Object binary(Expr.Binary b, Function<String, Object> row) {
    Expr.BinaryOp op = b.op();
    if (op == Expr.BinaryOp.AND || op == Expr.BinaryOp.OR) {
      return logic(
          op == Expr.BinaryOp.AND,
          (Boolean) value(b.left(), row),
          () -> (Boolean) value(b.right(), row));
    }
    Object l = value(b.left(), row);
    Object r = value(b.right(), row);
    if (l == null || r == null) {
      return null;
    }
    return switch (op) {
      case EQ -> compare(l, r) == 0;
      case NE -> compare(l, r) != 0;
      case LT -> compare(l, r) < 0;
      case LE -> compare(l, r) <= 0;
      case GT -> compare(l, r) > 0;
      case GE -> compare(l, r) >= 0;
      case ADD -> toDouble(l) + toDouble(r);
      case SUB -> toDouble(l) - toDouble(r);
      case MUL -> toDouble(l) * toDouble(r);
      case DIV -> toDouble(r) == 0 ? null : toDouble(l) / toDouble(r);
      case MOD -> toDouble(r) == 0 ? null : toDouble(l) % toDouble(r);
      case AND, OR -> throw new IllegalStateException("handled above: " + op);
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

  /** Spark's order of two non-null values of one type (see the class comment). */
  private static int compare(Object l, Object r) {
    if (l instanceof Long x && r instanceof Long y) {
      return Long.compare(x, y);
    }
    if (l instanceof Number x && r instanceof Number y) {
      return compareDoubles(x.doubleValue(), y.doubleValue());
    }
    if (l instanceof String x && r instanceof String y) {
      return compareStrings(x, y);
    }
    return Boolean.compare((Boolean) l, (Boolean) r);
  }

  /** Spark's {@code SQLOrderingUtil.compareDoubles}: -0.0 = 0.0, NaN = NaN, NaN above all. */
  static int compareDoubles(double x, double y) {
    return x == y ? 0 : Double.compare(x, y);
  }

  /** Spark's byte-wise UTF-8 order (= code point order; an unpaired surrogate is '?'). */
  static int compareStrings(String x, String y) {
    if (!hasSurrogate(x) && !hasSurrogate(y)) {
      return Integer.signum(x.compareTo(y)); // UTF-16 order = code point order without surrogates
    }
    return Arrays.compareUnsigned(
        x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean hasSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isSurrogate(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** The string as Spark holds it (UTF-8: an unpaired surrogate becomes '?'). */
  private static String asSparkString(String s) {
    return hasSurrogate(s)
        ? new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)
        : s;
  }

  private static Object call(Expr.Call c, Function<String, Object> row) {
    List<Expr> args = c.args();
    return switch (c.function()) {
      case COALESCE -> {
        Object[] vs = args.stream().map(a -> value(a, row)).toArray();
        Object first = Arrays.stream(vs).filter(v -> v != null).findFirst().orElse(null);
        yield widen(first, args, vs);
      }
      case IF -> {
        Object cond = value(args.get(0), row);
        List<Expr> branches = args.subList(1, 3);
        Object[] vs = {value(args.get(1), row), value(args.get(2), row)};
        yield widen(Boolean.TRUE.equals(cond) ? vs[0] : vs[1], branches, vs);
      }
      case IS_NULL -> value(args.get(0), row) == null;
      case LEAST, GREATEST -> {
        boolean least = c.function() == Functions.LEAST;
        Double best = null;
        for (Expr a : args) {
          Object v = value(a, row);
          if (v == null) {
            continue;
          }
          double x = toDouble(v);
          // Strictly better replaces: of equal values (0.0, -0.0) the first stays, as Spark's.
          if (best == null || (least ? compareDoubles(x, best) < 0 : compareDoubles(x, best) > 0)) {
            best = x;
          }
        }
        yield best;
      }
      case ABS, SQRT, LOG, EXP, POW -> {
        Object v = value(args.get(0), row);
        if (v == null) {
          yield null;
        }
        double x = toDouble(v);
        yield switch (c.function()) {
          case ABS -> Math.abs(x);
          case SQRT -> Math.sqrt(x);
          case LOG -> x <= 0 ? null : StrictMath.log(x);
          case EXP -> StrictMath.exp(x);
          case POW -> {
            Object y = value(args.get(1), row);
            yield y == null ? null : StrictMath.pow(x, toDouble(y));
          }
          case COALESCE, IF, IS_NULL, LEAST, GREATEST ->
              throw new IllegalStateException("handled above: " + c.function());
        };
      }
    };
  }

  /**
   * The result of {@code coalesce}/{@code if} in the type Spark gives it: the widest of the
   * arguments' types, so an integral value becomes a double when another argument is a double (a
   * number literal, a computed number or a double column's value). Only a double column whose value
   * is null leaves the type undecided here; it matters only when the result is compared with
   * another integral value beyond 2^53.
   */
  private static Object widen(Object chosen, List<Expr> args, Object[] values) {
    if (!(chosen instanceof Long n)) {
      return chosen;
    }
    for (int i = 0; i < args.size(); i++) {
      Expr a = args.get(i);
      boolean isDouble =
          values[i] instanceof Double
              || (values[i] == null
                  && (a instanceof Expr.Unary || a instanceof Expr.Binary || isNumericCall(a)));
      if (isDouble) {
        return n.doubleValue();
      }
    }
    return chosen;
  }

  private static boolean isNumericCall(Expr e) {
    if (!(e instanceof Expr.Call c)) {
      return false;
    }
    return switch (c.function()) {
      case ABS, SQRT, LOG, EXP, POW, LEAST, GREATEST -> true;
      case COALESCE, IF, IS_NULL -> false;
    };
  }
}
