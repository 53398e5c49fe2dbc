package dev.lakeops.common.config;

import dev.lakeops.common.expr.ExprType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The column types a source schema can declare. */
public enum ColumnType {
  STRING,
  INT,
  LONG,
  DOUBLE,
  BOOLEAN,
  DATE,
  TIMESTAMP;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isNumeric() {
    return this == INT || this == LONG || this == DOUBLE;
  }

  /** The type this column has inside feature expressions, or empty if expressions cannot use it. */
  public Optional<ExprType> exprType() {
    return switch (this) {
      case STRING -> Optional.of(ExprType.STRING);
      case INT, LONG, DOUBLE -> Optional.of(ExprType.NUMBER);
      case BOOLEAN -> Optional.of(ExprType.BOOLEAN);
      case DATE, TIMESTAMP -> Optional.empty();
    };
  }

  public static Optional<ColumnType> parse(String s) {
    return Arrays.stream(values())
        .filter(t -> t.key().equals(s.toLowerCase(Locale.ROOT)))
        .findFirst();
  }

  public static List<String> keys() {
    return Arrays.stream(values()).map(ColumnType::key).toList();
  }
}
