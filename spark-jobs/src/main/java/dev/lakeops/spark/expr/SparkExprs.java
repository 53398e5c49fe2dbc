package dev.lakeops.spark.expr;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;

import dev.lakeops.common.expr.Expr;
import dev.lakeops.common.expr.ExprEvaluator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * Compiles a feature expression to a Spark column with the semantics of {@link ExprEvaluator}:
 * numbers are doubles, division/modulo by zero and {@code log} of non-positive numbers give null
 * (never an ANSI error), and {@code and}/{@code or} are three-valued as in SQL.
 */
public final class SparkExprs {
  private SparkExprs() {}

  public static Column toColumn(Expr e) {
    if (e instanceof Expr.Literal l) {
      return l.value() == null ? lit(null) : lit(l.value());
    } else if (e instanceof Expr.Column c) {
      return col("`" + c.name() + "`");
    } else if (e instanceof Expr.Unary u) {
      Column x = toColumn(u.operand());
      return u.op().equals("not") ? x.unary_$bang() : x.cast(DataTypes.DoubleType).unary_$minus();
    } else if (e instanceof Expr.Binary b) {
      return binary(b);
    }
    return call((Expr.Call) e);
  }

  private static Column binary(Expr.Binary b) {
    Column l = toColumn(b.left());
    Column r = toColumn(b.right());
    return switch (b.op()) {
      case "and" -> l.and(r);
      case "or" -> l.or(r);
      case "==" -> l.equalTo(r);
      case "!=" -> l.notEqual(r);
      case "<" -> l.lt(r);
      case "<=" -> l.leq(r);
      case ">" -> l.gt(r);
      case ">=" -> l.geq(r);
      case "+" -> num(l).plus(num(r));
      case "-" -> num(l).minus(num(r));
      case "*" -> num(l).multiply(num(r));
      case "/" -> when(num(r).notEqual(lit(0.0)), num(l).divide(num(r)));
      case "%" -> when(num(r).notEqual(lit(0.0)), num(l).mod(num(r)));
      default -> throw new IllegalStateException("unknown operator " + b.op());
    };
  }

  private static Column call(Expr.Call c) {
    List<Column> args = c.args().stream().map(SparkExprs::toColumn).toList();
    Column x = args.get(0);
    return switch (c.function()) {
      case "abs" -> abs(num(x));
      case "sqrt" -> sqrt(num(x));
      case "log" -> when(num(x).gt(lit(0.0)), log(num(x)));
      case "exp" -> exp(num(x));
      case "pow" -> pow(num(x), num(args.get(1)));
      case "least" -> least(args.stream().map(SparkExprs::num).toArray(Column[]::new));
      case "greatest" -> greatest(args.stream().map(SparkExprs::num).toArray(Column[]::new));
      case "coalesce" -> coalesce(args.toArray(Column[]::new));
      case "if" -> when(x.equalTo(lit(true)), args.get(1)).otherwise(args.get(2));
      case "is_null" -> x.isNull();
      default -> throw new IllegalStateException("unknown function " + c.function());
    };
  }

  private static Column num(Column c) {
    return c.cast(DataTypes.DoubleType);
  }
}
