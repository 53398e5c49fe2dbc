package dev.lakeops.common.cli;

/**
 * An engine's implementation of one command of {@link MlopsCommand}'s tree: receives the parsed,
 * resolved command line and returns the exit code (0 done, 3 the gate refused; failures are thrown
 * and mapped to exit codes by {@link CliFailures}).
 */
@FunctionalInterface
public interface CommandHandler {
  /**
   * Runs the command.
   *
   * @return the exit code: 0 done, 1 the job failed (e.g. a reproduction that differs), 3 the
   *     promotion gate refused
   * @throws Exception any failure; {@link CliFailures#report} turns it into one line and an exit
   *     code (a {@link CliArgs.UsageException} or config error: 2, anything else: 1)
   */
  int run(CliArgs args) throws Exception;
}
