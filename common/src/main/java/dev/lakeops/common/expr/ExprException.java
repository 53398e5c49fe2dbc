package dev.lakeops.common.expr;

/** An expression that cannot be parsed or type-checked; the message says why and where. */
public final class ExprException extends RuntimeException {
  private final String fix;

  public ExprException(String message, String fix) {
    super(message);
    this.fix = fix;
  }

  public String fix() {
    return fix;
  }
}
