package dev.lakeops.common.expr;

/** The types an expression can have. Every number is a double, in every engine. */
public enum ExprType {
  NUMBER,
  STRING,
  BOOLEAN,
  /**
   * A date or timestamp column's value: epoch microseconds (a date is its midnight UTC), as {@code
   * SourceDecoder} holds it. Expressions read it only through the date-part functions ({@code
   * hour}, {@code day_of_week}, {@code day_of_month}, {@code month}, {@code year}) and {@code
   * is_null}; no expression has this type ({@link ExprTypes} rejects any other use).
   */
  TIME,
  /** The type of the literal {@code null}: compatible with every other type. */
  NULL;

  boolean accepts(ExprType other) {
    return this == other || other == NULL || this == NULL;
  }
}
