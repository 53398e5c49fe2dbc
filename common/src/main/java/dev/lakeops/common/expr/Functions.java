package dev.lakeops.common.expr;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The functions the expression language offers, with their arity. Their semantics are Spark's (ANSI
 * mode) and are written down in {@link ExprEvaluator}.
 */
public enum Functions {
  ABS(1, 1),
  SQRT(1, 1),
  LOG(1, 1),
  EXP(1, 1),
  POW(2, 2),
  LEAST(2, -1),
  GREATEST(2, -1),
  COALESCE(1, -1),
  IF(3, 3),
  IS_NULL(1, 1);

  private final int minArgs;
  private final int maxArgs;

  Functions(int minArgs, int maxArgs) {
    this.minArgs = minArgs;
    this.maxArgs = maxArgs;
  }

  /** How the function is written in an expression (lower case). */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The fewest arguments it takes. */
  public int minArgs() {
    return minArgs;
  }

  /** The most arguments it takes; -1 for no maximum. */
  public int maxArgs() {
    return maxArgs;
  }

  /** The function written {@code name} (any case), if there is one. */
  public static Optional<Functions> of(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(f -> f.key().equals(key)).findFirst();
  }

  /** The names of all functions, sorted. */
  public static List<String> names() {
    return Arrays.stream(values()).map(Functions::key).sorted().toList();
  }
}
