package dev.lakeops.common.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The input formats a source can have. */
public enum SourceFormat {
  CSV,
  JSONL,
  PARQUET,
  DELTA;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Text formats carry their values as text and are parsed (and type-checked) row by row. */
  public boolean isText() {
    return this == CSV || this == JSONL;
  }

  public static Optional<SourceFormat> parse(String s) {
    return Arrays.stream(values())
        .filter(f -> f.key().equals(s.toLowerCase(Locale.ROOT)))
        .findFirst();
  }

  public static List<String> keys() {
    return Arrays.stream(values()).map(SourceFormat::key).toList();
  }
}
