package dev.lakeops.common.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.expr.Expr;
import dev.lakeops.common.expr.ExprEvaluator;
import dev.lakeops.common.expr.Functions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Runs the expression conformance table through {@link ExprEvaluator} (what the Flink job
 * evaluates); {@code ExprConformanceIT} in spark-jobs runs the same table through Spark.
 */
class ExprConformanceTest {

  @Test
  void everyCaseGivesTheExpectedValue() {
    List<ExprCases.Case> cases = ExprCases.load();
    List<String> failures = new ArrayList<>();
    for (ExprCases.Case c : cases) {
      Object got;
      try {
        got = ExprEvaluator.eval(c.expr(), c.row()::get);
      } catch (RuntimeException e) {
        got = e.toString();
      }
      if (!ExprCases.same(c.expected(), got)) {
        failures.add(
            c.describe()
                + ": expected "
                + ExprCases.show(c.expected())
                + ", got "
                + ExprCases.show(got));
      }
    }
    assertThat(failures).as("%d cases", cases.size()).isEmpty();
    assertThat(cases).hasSizeGreaterThan(400);
  }

  /** The table covers every operator and function (a new one must come with its cases). */
  @Test
  void theTableCoversEveryOperatorAndFunction() {
    Set<Expr.BinaryOp> binary = EnumSet.noneOf(Expr.BinaryOp.class);
    Set<Expr.UnaryOp> unary = EnumSet.noneOf(Expr.UnaryOp.class);
    Set<Functions> functions = EnumSet.noneOf(Functions.class);
    for (ExprCases.Case c : ExprCases.load()) {
      collect(c.expr(), binary, unary, functions);
    }
    assertThat(binary).containsExactlyInAnyOrder(Expr.BinaryOp.values());
    assertThat(unary).containsExactlyInAnyOrder(Expr.UnaryOp.values());
    assertThat(functions).containsExactlyInAnyOrder(Functions.values());
  }

  /**
   * Each operator and function meets null, NaN, -0.0, an infinity and a huge or tiny number in each
   * argument (so in both orders for the binary ones): the kinds of input the engines disagreed on.
   */
  @Test
  void everyNumericOperatorAndFunctionMeetsTheEdgeValues() {
    List<ExprCases.Case> cases = ExprCases.load();
    List<String> missing = new ArrayList<>();
    for (Expr.BinaryOp op : Expr.BinaryOp.values()) {
      if (op == Expr.BinaryOp.AND || op == Expr.BinaryOp.OR) {
        continue;
      }
      String head = "d " + op.symbol() + " e";
      checkEdges(cases, head, missing, true);
    }
    for (Functions f : List.of(Functions.LEAST, Functions.GREATEST, Functions.POW)) {
      checkEdges(cases, f.key() + "(d, e)", missing, true);
    }
    for (Functions f : List.of(Functions.ABS, Functions.SQRT, Functions.LOG, Functions.EXP)) {
      checkEdges(cases, f.key() + "(d)", missing, false);
    }
    checkEdges(cases, "-d", missing, false);
    assertThat(missing).isEmpty();
  }

  private static void checkEdges(
      List<ExprCases.Case> cases, String text, List<String> missing, boolean binary) {
    List<ExprCases.Case> of = cases.stream().filter(c -> c.text().equals(text)).toList();
    String[] cols = binary ? new String[] {"d", "e"} : new String[] {"d"};
    for (String col : cols) {
      for (double edge :
          new double[] {Double.NaN, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
        boolean seen =
            of.stream()
                .anyMatch(
                    c ->
                        c.row().get(col) instanceof Double v
                            && Double.doubleToLongBits(v) == Double.doubleToLongBits(edge));
        boolean infinitySeen =
            Double.isInfinite(edge)
                && of.stream()
                    .anyMatch(c -> c.row().get(col) instanceof Double v && v.isInfinite());
        if (!seen && !infinitySeen) {
          missing.add(text + ": no case with " + col + "=" + edge);
        }
      }
      boolean extremeSeen =
          of.stream()
              .anyMatch(
                  c ->
                      c.row().get(col) instanceof Double v
                          && (Math.abs(v) >= 1e300 && !v.isInfinite()
                              || v != 0 && Math.abs(v) <= 1e-300));
      if (!extremeSeen) {
        missing.add(text + ": no case with a huge or tiny finite " + col);
      }
      boolean nullSeen =
          of.stream().anyMatch(c -> c.row().containsKey(col) && c.row().get(col) == null);
      if (!nullSeen) {
        missing.add(text + ": no case with " + col + "=null");
      }
    }
  }

  private static void collect(
      Expr e, Set<Expr.BinaryOp> binary, Set<Expr.UnaryOp> unary, Set<Functions> functions) {
    if (e instanceof Expr.Unary u) {
      unary.add(u.op());
      collect(u.operand(), binary, unary, functions);
    } else if (e instanceof Expr.Binary b) {
      binary.add(b.op());
      collect(b.left(), binary, unary, functions);
      collect(b.right(), binary, unary, functions);
    } else if (e instanceof Expr.Call c) {
      functions.add(c.function());
      c.args().forEach(a -> collect(a, binary, unary, functions));
    }
  }
}
