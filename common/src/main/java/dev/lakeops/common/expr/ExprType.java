package dev.lakeops.common.expr;

/** The types an expression can have. Every number is a double, in every engine. */
public enum ExprType {
  NUMBER,
  STRING,
  BOOLEAN,
  /** The type of the literal {@code null}: compatible with every other type. */
  NULL;

  boolean accepts(ExprType other) {
    return this == other || other == NULL || this == NULL;
  }
}
