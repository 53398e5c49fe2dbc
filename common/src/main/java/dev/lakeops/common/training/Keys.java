package dev.lakeops.common.training;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The configuration keys of enums: the lower-case constant name, e.g. {@code random_forest}. */
final class Keys {
  private Keys() {}

  static String key(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  static <E extends Enum<E>> Optional<E> parse(Class<E> type, String text) {
    if (text == null) {
      return Optional.empty();
    }
    String want = text.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(type.getEnumConstants()).filter(e -> key(e).equals(want)).findFirst();
  }

  static <E extends Enum<E>> List<String> keys(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(Keys::key).toList();
  }
}
