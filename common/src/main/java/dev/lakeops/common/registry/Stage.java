package dev.lakeops.common.registry;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a model version stands. At most one version of a model is in {@link #PRODUCTION} (its
 * champion, the version the serving jobs score with).
 */
public enum Stage {
  NONE,
  STAGING,
  PRODUCTION,
  ARCHIVED;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a stage; "champion" is accepted as the alias of production. */
  public static Optional<Stage> parse(String s) {
    String k = s.toLowerCase(Locale.ROOT);
    if (k.equals("champion")) {
      return Optional.of(PRODUCTION);
    }
    return Arrays.stream(values()).filter(v -> v.key().equals(k)).findFirst();
  }

  public static List<String> keys() {
    return Arrays.stream(values()).map(Stage::key).toList();
  }
}
