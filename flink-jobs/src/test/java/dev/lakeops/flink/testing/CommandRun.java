package dev.lakeops.flink.testing;

import dev.lakeops.flink.cli.OnlineStoreCommand;
import dev.lakeops.flink.cli.ServeCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A Flink command run in this JVM as the launcher runs it ({@code mlops online-store ...}, {@code
 * mlops serve ...}), its standard output and error captured.
 *
 * @param code the exit code (0 done, 1 the job failed, 2 usage or configuration)
 */
public record CommandRun(int code, String out, String err) {
  /** A command's entry point with its two streams. */
  @FunctionalInterface
  interface Command {
    int execute(PrintStream out, PrintStream err, String[] args);
  }

  /** {@code mlops online-store args...} (and {@code online-store get ...}). */
  public static CommandRun onlineStore(String... args) {
    return run((o, e, a) -> new OnlineStoreCommand(o, e).execute(a), args);
  }

  /** {@code mlops serve args...}: {@code args} start with {@code serve}. */
  public static CommandRun serve(String... args) {
    return run((o, e, a) -> new ServeCommand(o, e).execute(a), args);
  }

  static CommandRun run(Command c, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        c.execute(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new CommandRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
