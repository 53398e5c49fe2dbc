package dev.lakeops.common.expr;

import java.util.Set;

/**
 * The one rule for reading text as a boolean, Spark's (its string-to-boolean cast): {@code t},
 * {@code true}, {@code y}, {@code yes}, {@code 1} are true; {@code f}, {@code false}, {@code n},
 * {@code no}, {@code 0} are false; anything else is no boolean. The source decoder (boolean
 * columns) and the expression language's {@code cast(x as boolean)} both read by it; each trims and
 * lower-cases the text as its own rules say before asking.
 */
public final class BooleanText {
  private static final Set<String> TRUE = Set.of("t", "true", "y", "yes", "1");
  private static final Set<String> FALSE = Set.of("f", "false", "n", "no", "0");

  private BooleanText() {}

  /**
   * The boolean of trimmed, lower-cased text.
   *
   * @return true, false, or null when the text is neither
   */
  public static Boolean of(String trimmedLowerCase) {
    return TRUE.contains(trimmedLowerCase)
        ? Boolean.TRUE
        : FALSE.contains(trimmedLowerCase) ? Boolean.FALSE : null;
  }
}
