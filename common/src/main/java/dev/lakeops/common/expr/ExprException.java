package dev.lakeops.common.expr;

import dev.lakeops.common.error.LakeOpsException;

/**
 * An expression that cannot be parsed or type-checked; the message says why and where, {@link
 * #fix()} what to write instead.
 */
public final class ExprException extends LakeOpsException {
  private final String fix;

  public ExprException(String message, String fix) {
    super(message);
    this.fix = fix;
  }

  public String fix() {
    return fix;
  }
}
