package dev.lakeops.common.expr;

import java.util.List;
import java.util.Map;

/** The functions the expression language offers, with their arity. */
public final class Functions {
  /** Name → {minimum, maximum} number of arguments (-1: no maximum). */
  static final Map<String, int[]> ARITY =
      Map.ofEntries(
          Map.entry("abs", new int[] {1, 1}),
          Map.entry("sqrt", new int[] {1, 1}),
          Map.entry("log", new int[] {1, 1}),
          Map.entry("exp", new int[] {1, 1}),
          Map.entry("pow", new int[] {2, 2}),
          Map.entry("least", new int[] {2, -1}),
          Map.entry("greatest", new int[] {2, -1}),
          Map.entry("coalesce", new int[] {1, -1}),
          Map.entry("if", new int[] {3, 3}),
          Map.entry("is_null", new int[] {1, 1}));

  /** Functions whose arguments and result are numbers. */
  static final List<String> NUMERIC =
      List.of("abs", "sqrt", "log", "exp", "pow", "least", "greatest");

  private Functions() {}

  public static List<String> names() {
    return ARITY.keySet().stream().sorted().toList();
  }
}
