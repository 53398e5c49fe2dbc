package dev.lakeops.common.cli;

import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.LakeOpsException;
import java.io.PrintStream;
import org.slf4j.Logger;

/**
 * How a command that runs a job ends on an error: one line for the user and the exit code. Usage
 * and configuration errors exit 2 (nothing ran), a failed job exits 1. An unexpected exception is
 * named by the root of its cause chain, and its stack trace goes to the log, not to the user.
 */
public final class CliFailures {
  private CliFailures() {}

  /**
   * Prints {@code e} to {@code err} and returns the exit code.
   *
   * @param usageHint appended to a usage error's message, e.g. {@code see 'serve --help'}
   */
  public static int report(Exception e, PrintStream err, String usageHint, Logger log) {
    if (e instanceof UsageException) {
      err.println("error: " + e.getMessage() + " (" + usageHint + ")");
      return 2;
    }
    if (e instanceof ConfigException) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    if (e instanceof LakeOpsException) {
      err.println("error: " + e.getMessage());
      log.debug("failure", e);
      return 1;
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    err.println(
        "error: the job failed: " + root.getClass().getSimpleName() + ": " + root.getMessage());
    log.error("job failed", e);
    return 1;
  }
}
