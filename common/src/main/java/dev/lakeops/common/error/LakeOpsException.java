package dev.lakeops.common.error;

/** Base type of every error this project reports to a user: the message says what to do. */
public class LakeOpsException extends RuntimeException {
  public LakeOpsException(String message) {
    super(message);
  }

  public LakeOpsException(String message, Throwable cause) {
    super(message, cause);
  }
}
