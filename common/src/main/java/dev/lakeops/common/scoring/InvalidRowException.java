package dev.lakeops.common.scoring;

import dev.lakeops.common.error.LakeOpsException;

/**
 * A row the pipeline must not score: Spark would drop it ({@code handleInvalid = "skip"}) or fail
 * the whole job on it ({@code handleInvalid = "error"}), so the scorer gives no output for it.
 * Streaming jobs catch it and dead-letter the row with {@link #column()} and {@link #reason()}.
 *
 * <p>{@link #skipped()} tells the two apart: {@code true} when Spark would silently drop the row,
 * {@code false} when Spark would fail (an unseen label, a null or NaN in {@code error} mode, or a
 * value of the wrong type).
 */
public final class InvalidRowException extends LakeOpsException {
  private final String stage;
  private final String column;
  private final String reason;
  private final boolean skipped;

  public InvalidRowException(String stage, String column, String reason, boolean skipped) {
    super(
        "Row not scored: "
            + stage
            + " "
            + (skipped ? "drops" : "rejects")
            + " it (column '"
            + column
            + "': "
            + reason
            + ").");
    this.stage = stage;
    this.column = column;
    this.reason = reason;
    this.skipped = skipped;
  }

  /** The MLlib stage class (simple name) that refused the row. */
  public String stage() {
    return stage;
  }

  /** The column whose value was refused. */
  public String column() {
    return column;
  }

  /** Why, e.g. {@code "null value"}, {@code "unseen label 'x'"}. */
  public String reason() {
    return reason;
  }

  /** True when Spark would silently drop the row (skip mode), false when it would fail. */
  public boolean skipped() {
    return skipped;
  }
}
