package dev.lakeops.common.cli;

import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.LakeOpsException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * The one mapping of failures to exit codes and one-line messages, for every command of both
 * engines:
 *
 * <ul>
 *   <li>{@value #USAGE}: the command line or the configuration is wrong, found at start, nothing
 *       ran: one line {@code error: <what> (see 'mlops <command> --help')}, or the configuration
 *       error's file, field and fix;
 *   <li>{@value #JOB_FAILED}: the job failed: one line with the root cause (the innermost cause
 *       with a message), the stack trace written to a log file named on that line (and logged at
 *       debug);
 *   <li>{@value #GATE_REFUSED}: the promotion gate refused (returned by {@code promote}, not
 *       thrown).
 * </ul>
 */
public final class CliFailures {
  /** Done. */
  public static final int OK = 0;

  /** The job failed. */
  public static final int JOB_FAILED = 1;

  /** The command line or the configuration is wrong; nothing ran. */
  public static final int USAGE = 2;

  /** The promotion gate refused the version. */
  public static final int GATE_REFUSED = 3;

  /** Where stack traces go: {@code -Dlakeops.log.dir}, else {@code <tmp>/lakeops}. */
  static Path logDir() {
    return Path.of(
        System.getProperty(
            "lakeops.log.dir",
            Path.of(System.getProperty("java.io.tmpdir"), "lakeops").toString()));
  }

  private CliFailures() {}

  /**
   * Prints {@code e} to {@code err} as one line and returns the exit code.
   *
   * @param usageHint appended to a usage error's message, e.g. {@code see 'mlops serve --help'}
   */
  public static int report(Exception e, PrintStream err, String usageHint, Logger log) {
    if (e instanceof UsageException) {
      err.println("error: " + e.getMessage() + " (" + usageHint + ")");
      return USAGE;
    }
    if (e instanceof ConfigException) {
      err.println("error: " + e.getMessage());
      log.debug("configuration error", e);
      return USAGE;
    }
    if (e instanceof LakeOpsException) { // our own message: problem, cause and fix
      err.println("error: " + e.getMessage());
      log.debug("failure", e);
      return JOB_FAILED;
    }
    Throwable root = rootCause(e);
    String message = oneLine(root.getMessage());
    String trace = traceFile(e);
    err.println(
        "error: the job failed: "
            + root.getClass().getSimpleName()
            + (message.isEmpty() ? "" : ": " + message)
            + (trace == null ? "" : " (stack trace: " + trace + ")"));
    log.debug("job failed", e);
    return JOB_FAILED;
  }

  /**
   * Prints a picocli parse error as one line and returns {@value #USAGE}: unknown commands and
   * options with the closest names, missing required options as {@code missing --project <dir>},
   * and a wrong value with what the option takes.
   */
  public static int reportParse(ParameterException e, PrintStream err) {
    CommandLine cl = e.getCommandLine();
    String command = Cli.commandName(cl);
    String help = command.isEmpty() ? "mlops --help" : "mlops " + command + " --help";
    if (e.getCause() instanceof ConfigException c) {
      err.println("error: " + c.getMessage());
      return USAGE;
    }
    err.println("error: " + parseMessage(e, command) + " (see '" + help + "')");
    return USAGE;
  }

  private static String parseMessage(ParameterException e, String command) {
    if (e instanceof CommandLine.MissingParameterException
        && e.getCommandLine() != null
        && !e.getCommandLine().getUnmatchedArguments().isEmpty()) {
      // A misspelt option is the cause of the missing one: name it first.
      e =
          new CommandLine.UnmatchedArgumentException(
              e.getCommandLine(), e.getCommandLine().getUnmatchedArguments());
    }
    if (e instanceof CommandLine.UnmatchedArgumentException u) {
      List<String> unmatched = u.getUnmatched();
      String first = unmatched.isEmpty() ? "" : unmatched.get(0);
      List<String> suggestions = u.getSuggestions();
      String also = suggestions.isEmpty() ? "" : "; did you mean " + suggestions.get(0) + "?";
      if (command.isEmpty() && !first.startsWith("-")) {
        return "unknown command '"
            + first
            + "'"
            + also
            + " The commands are "
            + String.join(", ", e.getCommandLine().getSubcommands().keySet())
            + ".";
      }
      if (first.startsWith("-")) {
        return "unknown option '" + first + "' for '" + command + "'" + also;
      }
      return "unexpected argument '" + first + "' for '" + command + "'" + also;
    }
    if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()) {
      boolean allOptionsUnmatched =
          m.getMissing().stream().allMatch(a -> a.isOption() && a.originalStringValues().isEmpty());
      if (allOptionsUnmatched && e.getMessage().startsWith("Missing required option")) {
        return "missing "
            + m.getMissing().stream().map(CliFailures::synopsis).collect(Collectors.joining(", "))
            + ".";
      }
      if (e.getMessage().startsWith("Missing required parameter")) {
        ArgSpec a = m.getMissing().get(0);
        return a.isOption()
            ? "option " + synopsis(a) + " needs a value."
            : "missing " + a.paramLabel() + ".";
      }
    }
    Throwable cause = e.getCause();
    if (cause instanceof CommandLine.TypeConversionException t) {
      String name = e.getArgSpec() instanceof OptionSpec o ? o.longestName() : "";
      String m = t.getMessage();
      if (m.startsWith("--") || name.isEmpty()) {
        return m;
      }
      return m.startsWith("takes") ? name + " " + m : name + ": " + m;
    }
    String m = oneLine(e.getMessage());
    return m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1);
  }

  private static String synopsis(ArgSpec a) {
    return a instanceof OptionSpec o ? o.longestName() + " " + o.paramLabel() : a.paramLabel();
  }

  /** The innermost cause that has a message, else the innermost cause. */
  static Throwable rootCause(Throwable e) {
    Throwable withMessage = null;
    Throwable t = e;
    while (t != null) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        withMessage = t;
      }
      if (t.getCause() == null || t.getCause() == t) {
        break;
      }
      t = t.getCause();
    }
    return withMessage != null ? withMessage : t;
  }

  /** The first non-blank line of {@code s}, trimmed; empty for null. */
  public static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    return s.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
  }

  /** Writes the stack trace to a new file in {@link #logDir()}; returns it, or null if it fails. */
  private static String traceFile(Throwable e) {
    try {
      Path dir = Files.createDirectories(logDir());
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
      Path file = dir.resolve("mlops-" + stamp + ".log");
      StringWriter w = new StringWriter();
      e.printStackTrace(new PrintWriter(w));
      Files.writeString(file, w.toString());
      return file.toString();
    } catch (IOException | RuntimeException io) {
      return null;
    }
  }
}
