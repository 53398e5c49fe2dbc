package dev.lakeops.flink.cli;

import dev.lakeops.common.cli.CliArgs;
import dev.lakeops.flink.FlinkErrors;
import dev.lakeops.flink.serving.ServeJob;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Optional;

/**
 * Where a Flink job starts from, the same for every command that takes {@code --from-savepoint
 * <path>} or {@code --resume} ({@link dev.lakeops.common.cli.SharedOptions.Recovery}: {@code
 * serve}, {@code monitor}): a savepoint or retained checkpoint given, the latest checkpoint the
 * command's earlier jobs retained under their checkpoint directory, or a fresh start.
 */
final class StartingPoint {
  /** Flink's setting for the savepoint or checkpoint a job resumes from. */
  static final String STATE_RECOVERY_PATH = "execution.state-recovery.path";

  private StartingPoint() {}

  /**
   * The savepoint or checkpoint to start from, or empty for a fresh start (said on {@code out} when
   * {@code --resume} finds no checkpoint).
   *
   * @param checkpointDir where the command's jobs retain their checkpoints ({@code <job
   *     id>/chk-<n>})
   * @throws dev.lakeops.common.cli.CliArgs.UsageException (exit 2) for both options at once, or a
   *     {@code --from-savepoint} that is no savepoint or checkpoint
   */
  static Optional<String> resolve(CliArgs a, String checkpointDir, PrintStream out)
      throws IOException {
    String restore = a.option("--from-savepoint").orElse(null);
    boolean resume = a.flag("--resume");
    if (restore != null && resume) {
      throw FlinkErrors.savepointAndResume(a.command);
    }
    if (restore != null && !isSnapshot(restore)) {
      throw FlinkErrors.notASnapshot(a.command, restore, checkpointDir);
    }
    if (resume) {
      restore = ServeJob.latestCheckpoint(checkpointDir).orElse(null);
      if (restore == null) {
        out.printf("no retained checkpoint under %s: starting afresh%n", checkpointDir);
      }
    }
    return Optional.ofNullable(restore);
  }

  /** Whether {@code path} is a savepoint or checkpoint directory (or its _metadata file). */
  static boolean isSnapshot(String path) {
    try {
      org.apache.flink.core.fs.Path p = new org.apache.flink.core.fs.Path(path);
      var fs = p.getFileSystem();
      return p.getName().equals("_metadata")
          ? fs.exists(p)
          : fs.exists(new org.apache.flink.core.fs.Path(p, "_metadata"));
    } catch (IOException e) {
      return false;
    }
  }
}
