package dev.lakeops.common.config;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** How {@code models.yaml} reads its enumerated values and whole numbers, recording problems. */
final class ModelFields {
  private static final Pattern WHOLE = Pattern.compile("[-+]?\\d+");

  private ModelFields() {}

  static <T> Optional<T> parse(
      ConfigNode n,
      Optional<String> text,
      java.util.function.Function<String, Optional<T>> parser,
      String what,
      List<String> accepted) {
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Optional<T> value = parser.apply(text.get());
    if (value.isEmpty()) {
      n.problem(
          "unknown " + what + " '" + text.get() + "'; expected one of " + accepted + ".",
          "use one of the accepted values.");
    }
    return value;
  }

  static Optional<Long> whole(ConfigNode n, long min, String what) {
    Optional<String> text = n.text();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    if (!WHOLE.matcher(text.get()).matches()) {
      n.problem(
          "expected a whole number (" + what + "), got '" + text.get() + "'.",
          "write a whole number such as " + Math.max(min, 3) + ".");
      return Optional.empty();
    }
    try {
      long v = Long.parseLong(text.get());
      if (v < min) {
        n.problem("expected a whole number >= " + min + " (" + what + "), got " + v + ".", null);
        return Optional.empty();
      }
      return Optional.of(v);
    } catch (NumberFormatException e) {
      n.problem("the number '" + text.get() + "' is too large.", null);
      return Optional.empty();
    }
  }

  static String describe(ConfigNode n) {
    if (n.isMapping()) {
      return "a mapping";
    }
    if (n.isSequence()) {
      return "a list";
    }
    return "'" + n.text().orElse("") + "'";
  }
}
