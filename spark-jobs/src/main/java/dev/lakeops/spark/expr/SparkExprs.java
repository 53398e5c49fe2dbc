package dev.lakeops.spark.expr;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;

import dev.lakeops.common.expr.Expr;
import dev.lakeops.common.expr.ExprEvaluator;
import dev.lakeops.common.expr.Functions;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * Compiles a feature expression to a Spark column with the semantics of {@link ExprEvaluator}
 * (Spark's own, ANSI mode): numbers are doubles, division/modulo by zero and {@code log} of
 * non-positive numbers give null (never an ANSI error), and {@code and}/{@code or} are three-valued
 * as in SQL. The conformance table {@code common/src/test/resources/conformance/expressions.txt}
 * runs every operator and function through both ({@code ExprConformanceIT}).
 *
 * <p>The switches over {@link Expr.BinaryOp}, {@link Expr.UnaryOp} and {@link Functions} are
 * exhaustive (no default branch): a new operator or function fails to compile until it is compiled
 * here too.
 */
public final class SparkExprs {
  private SparkExprs() {}

  /**
   * The Spark column computing {@code e} over a row whose columns are named as the expression's.
   * Numeric columns may be int, long or double; the result of a NUMBER expression may be integral
   * (a bare column, coalesce or if of integral columns): callers cast it to double.
   */
  public static Column toColumn(Expr e) {
    if (e instanceof Expr.Literal l) {
      return l.value() == null ? lit(null) : lit(l.value());
    } else if (e instanceof Expr.Column c) {
      return col("`" + c.name() + "`");
    } else if (e instanceof Expr.Unary u) {
      Column x = toColumn(u.operand());
      return switch (u.op()) {
        case NOT -> not(x);
        case NEG -> num(x).unary_$minus();
      };
    } else if (e instanceof Expr.Binary b) {
      return binary(b);
    }
    return call((Expr.Call) e);
  }

  private static Column binary(Expr.Binary b) {
    Column l = toColumn(b.left());
    Column r = toColumn(b.right());
    return switch (b.op()) {
      case AND -> l.and(r);
      case OR -> l.or(r);
      case EQ -> l.equalTo(r);
      case NE -> l.notEqual(r);
      case LT -> l.lt(r);
      case LE -> l.leq(r);
      case GT -> l.gt(r);
      case GE -> l.geq(r);
      case ADD -> num(l).plus(num(r));
      case SUB -> num(l).minus(num(r));
      case MUL -> num(l).multiply(num(r));
      // ANSI mode raises on a zero divisor: the guard makes it null (-0.0 = 0.0 in Spark too).
      case DIV -> when(num(r).notEqual(lit(0.0)), num(l).divide(num(r)));
      case MOD -> when(num(r).notEqual(lit(0.0)), num(l).mod(num(r)));
    };
  }

  private static Column call(Expr.Call c) {
    List<Column> args = c.args().stream().map(SparkExprs::toColumn).toList();
    Column x = args.get(0);
    return switch (c.function()) {
      case ABS -> abs(num(x));
      case SQRT -> sqrt(num(x));
      case LOG -> when(num(x).gt(lit(0.0)), log(num(x)));
      case EXP -> exp(num(x));
      case POW -> pow(num(x), num(args.get(1)));
      case LEAST -> least(args.stream().map(SparkExprs::num).toArray(Column[]::new));
      case GREATEST -> greatest(args.stream().map(SparkExprs::num).toArray(Column[]::new));
      case COALESCE -> coalesce(args.toArray(Column[]::new));
      case IF -> when(x.equalTo(lit(true)), args.get(1)).otherwise(args.get(2));
      case IS_NULL -> x.isNull();
    };
  }

  private static Column num(Column c) {
    return c.cast(DataTypes.DoubleType);
  }
}
