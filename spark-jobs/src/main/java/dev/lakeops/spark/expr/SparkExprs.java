package dev.lakeops.spark.expr;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.contains;
import static org.apache.spark.sql.functions.dayofmonth;
import static org.apache.spark.sql.functions.dayofweek;
import static org.apache.spark.sql.functions.endswith;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.split_part;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.startswith;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.typeof;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import dev.lakeops.common.expr.Expr;
import dev.lakeops.common.expr.ExprEvaluator;
import dev.lakeops.common.expr.ExprTypes;
import dev.lakeops.common.expr.Functions;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * Compiles a feature expression to a Spark column with the semantics of {@link ExprEvaluator}
 * (Spark's own, ANSI mode): numbers are doubles, division/modulo by zero and {@code log} of
 * non-positive numbers give null (never an ANSI error), and {@code and}/{@code or} are three-valued
 * as in SQL. No compiled expression raises an ANSI error on any row: casts are {@code try_cast}; a
 * {@code substring} position or length and a {@code split_part} number become ints by {@code
 * try_cast} (null where ANSI would overflow), and a part number of 0 is guarded to null; the {@code
 * regexp_extract} pattern and group are literals checked at load. The results of {@code length} and
 * the date parts (ints in Spark) are cast to double, as every number of the language is one. The
 * conformance table {@code common/src/test/resources/conformance/expressions.txt} runs every
 * operator and function through both ({@code ExprConformanceIT}).
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
      case LOWER -> lower(str(x));
      case UPPER -> upper(str(x));
      case TRIM -> trim(str(x));
      case LENGTH -> num(length(str(x)));
      case CONTAINS -> contains(str(x), str(args.get(1)));
      case STARTS_WITH -> startswith(str(x), str(args.get(1)));
      case ENDS_WITH -> endswith(str(x), str(args.get(1)));
      case CONCAT -> concat(args.stream().map(SparkExprs::str).toArray(Column[]::new));
      case SUBSTRING ->
          substring(
              str(x),
              toInt(args.get(1)),
              args.size() > 2 ? toInt(args.get(2)) : lit(Integer.MAX_VALUE));
      case SPLIT_PART -> {
        Column n = toInt(args.get(2));
        // Spark raises INVALID_INDEX_OF_ZERO for 0: CASE WHEN evaluates the part only when not 0.
        // Spark's bound check takes abs(n), which overflows for the least int: its array access
        // then fails; -(2^31 - 1) is as far past the start of any string, so gives the same ''.
        Column part = when(n.equalTo(lit(Integer.MIN_VALUE)), lit(-Integer.MAX_VALUE)).otherwise(n);
        yield when(n.notEqual(lit(0)), split_part(str(x), str(args.get(1)), part));
      }
      case REGEXP_EXTRACT -> {
        String pattern = (String) ((Expr.Literal) c.args().get(1)).value();
        yield regexp_extract(str(x), pattern, ExprTypes.regexGroup(c));
      }
      case CAST ->
          switch (Functions.castTarget(c)) {
            case NUMBER -> x.try_cast(DataTypes.DoubleType);
            case BOOLEAN -> x.try_cast(DataTypes.BooleanType);
            // Spark prints an int or long as an integer ("3"), the language's numbers are doubles
            // ("3.0"): integral columns go through double. typeof is constant per column, so the
            // optimizer keeps one branch; try_cast raises nothing even in the other one.
            case STRING ->
                when(
                        typeof(x).isin("tinyint", "smallint", "int", "bigint"),
                        x.try_cast(DataTypes.DoubleType).cast(DataTypes.StringType))
                    .otherwise(x.try_cast(DataTypes.StringType));
            case TIME, NULL -> throw new IllegalStateException("not a cast target: " + c);
          };
      case HOUR -> num(hour(time(c.args().get(0), x)));
      case DAY_OF_WEEK -> num(dayofweek(time(c.args().get(0), x)));
      case DAY_OF_MONTH -> num(dayofmonth(time(c.args().get(0), x)));
      case MONTH -> num(month(time(c.args().get(0), x)));
      case YEAR -> num(year(time(c.args().get(0), x)));
    };
  }

  private static Column num(Column c) {
    return c.cast(DataTypes.DoubleType);
  }

  /** A string argument (a null literal typed as a string; a no-op for a string column). */
  private static Column str(Column c) {
    return c.cast(DataTypes.StringType);
  }

  /** A number as an int: truncated toward zero, null where Spark's ANSI cast would overflow. */
  private static Column toInt(Column c) {
    return num(c).try_cast(DataTypes.IntegerType);
  }

  /**
   * A date part's argument: the date or timestamp column as it is (Spark reads a date as its
   * midnight in the session time zone, UTC), the null literal as a null timestamp.
   */
  private static Column time(Expr e, Column c) {
    return e instanceof Expr.Literal ? c.cast(DataTypes.TimestampType) : c;
  }
}
