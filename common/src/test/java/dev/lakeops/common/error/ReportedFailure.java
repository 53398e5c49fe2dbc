package dev.lakeops.common.error;

import dev.lakeops.common.cli.CliFailures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.LoggerFactory;

/**
 * What {@code mlops <command>} prints to stderr and returns for a failure, through {@link
 * CliFailures#report} (the tests of both modules' error factories use it).
 *
 * @param exitCode the exit code: {@link CliFailures#USAGE}, {@link CliFailures#JOB_FAILED}, ...
 * @param err everything printed to stderr, line separators included
 */
public record ReportedFailure(int exitCode, String err) {
  /** Reports {@code e} as {@code mlops command} would. */
  public static ReportedFailure of(Exception e, String command) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code =
        CliFailures.report(
            e,
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            "see 'mlops " + command + " --help'",
            LoggerFactory.getLogger(ReportedFailure.class));
    return new ReportedFailure(code, bytes.toString(StandardCharsets.UTF_8));
  }
}
