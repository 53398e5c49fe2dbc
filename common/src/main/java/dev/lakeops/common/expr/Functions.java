package dev.lakeops.common.expr;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The functions the expression language offers, with their arity. Their semantics are Spark's (ANSI
 * mode) and are written down in {@link ExprEvaluator}; their argument and result types in {@link
 * ExprTypes}.
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
  IS_NULL(1, 1),
  LOWER(1, 1),
  UPPER(1, 1),
  TRIM(1, 1),
  LENGTH(1, 1),
  CONTAINS(2, 2),
  STARTS_WITH(2, 2),
  ENDS_WITH(2, 2),
  CONCAT(1, -1),
  SUBSTRING(2, 3),
  SPLIT_PART(3, 3),
  REGEXP_EXTRACT(2, 3),
  /**
   * Written {@code cast(x as number|string|boolean)} ({@link ExprParser}); held as a call with two
   * arguments, {@code x} and the target type's name as a string literal ({@link #castTarget}).
   */
  CAST(2, 2),
  HOUR(1, 1),
  DAY_OF_WEEK(1, 1),
  DAY_OF_MONTH(1, 1),
  MONTH(1, 1),
  YEAR(1, 1);

  /** The types {@code cast(x as T)} converts to, by the name written for them. */
  public static final Map<String, ExprType> CAST_TARGETS =
      Map.of("number", ExprType.NUMBER, "string", ExprType.STRING, "boolean", ExprType.BOOLEAN);

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

  /**
   * The type a {@link #CAST} converts to.
   *
   * @throws ExprException if the call's second argument is not the name of one of {@link
   *     #CAST_TARGETS} as a string literal (the parser only builds such calls)
   */
  public static ExprType castTarget(Expr.Call c) {
    ExprType t =
        c.function() == CAST
                && c.args().get(1) instanceof Expr.Literal l
                && l.value() instanceof String name
            ? CAST_TARGETS.get(name)
            : null;
    if (t == null) {
      throw new ExprException(
          "cast() needs the target type as 'number', 'string' or 'boolean', got " + c.args(),
          "write cast(x as number), cast(x as string) or cast(x as boolean).");
    }
    return t;
  }

  /** The names of all functions, sorted. */
  public static List<String> names() {
    return Arrays.stream(values()).map(Functions::key).sorted().toList();
  }
}
