package dev.lakeops.common.cli;

import dev.lakeops.common.cli.Engine.RunsOn;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one entry point of {@code mlops}, in both engines' jars: parses with {@link MlopsCommand}'s
 * tree, prints generated help, runs {@code generate-completion}, and dispatches the command to this
 * jar's implementation ({@link CommandImplementations}); every failure ends through {@link
 * CliFailures} (one line, exit 2 usage/config, 1 job failure, 3 gate refusal).
 */
public final class Cli {
  private static final Logger LOG = LoggerFactory.getLogger(Cli.class);

  private Cli() {}

  /**
   * Runs {@code mlops} with the implementations this jar lists for {@link ServiceLoader} and exits
   * with the command's exit code.
   */
  public static void main(String[] args) {
    // Whole lines: the JVM's System.out writes through a 128-byte buffer, so a longer line printed
    // with printf left the process in pieces, and a log line written to the same pipe (or
    // terminal) in between landed inside it. A 64 KiB buffer flushed at each newline writes a
    // line in one write (atomic on a pipe up to PIPE_BUF, 4 KiB).
    System.setOut(lineAtATime(java.io.FileDescriptor.out));
    System.setErr(lineAtATime(java.io.FileDescriptor.err));
    List<CommandImplementations> found = new ArrayList<>();
    ServiceLoader.load(CommandImplementations.class).forEach(found::add);
    Engine engine = found.size() == 1 ? found.get(0).engine() : Engine.ANY;
    Map<Class<?>, CommandHandler> handlers = new HashMap<>();
    found.forEach(i -> handlers.putAll(i.handlers()));
    System.exit(run(args, System.out, System.err, engine, handlers));
  }

  private static PrintStream lineAtATime(java.io.FileDescriptor fd) {
    return new PrintStream(
        new java.io.BufferedOutputStream(new java.io.FileOutputStream(fd), 1 << 16),
        true,
        java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Parses {@code args} and runs the command.
   *
   * @param engine the engine of this jar, named when a command of the other one is asked for
   * @param handlers this jar's implementations, keyed by {@link MlopsCommand}'s command classes
   * @return the exit code
   */
  public static int run(
      String[] args,
      PrintStream out,
      PrintStream err,
      Engine engine,
      Map<Class<?>, CommandHandler> handlers) {
    if (args.length == 0) {
      err.print(commandLine(out, err, false).getUsageMessage());
      err.println("error: missing a command (see 'mlops --help')");
      return CliFailures.USAGE;
    }
    ParseResult parsed;
    try {
      parsed = parse(args, out, err);
    } catch (ParameterException e) {
      return CliFailures.reportParse(e, err);
    }
    if (CommandLine.printHelpIfRequested(parsed)) {
      out.flush();
      return CliFailures.OK;
    }
    ParseResult leaf = parsed;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    Object command = leaf.commandSpec().userObject();
    String name = commandName(leaf.commandSpec().commandLine());
    if (command instanceof MlopsCommand) {
      err.println("error: missing a command (see 'mlops --help')");
      return CliFailures.USAGE;
    }
    if (command instanceof Runnable r) { // help, generate-completion
      try {
        r.run();
      } catch (ParameterException e) {
        return CliFailures.reportParse(e, err);
      }
      return CliFailures.OK;
    }
    CommandHandler handler = handlers.get(command.getClass());
    if (handler == null) {
      Engine runsOn = engineOf(command.getClass());
      err.println(
          "error: '"
              + name
              + "' runs on "
              + runsOn.title()
              + ", and this is the "
              + engine.title()
              + " jobs' entry point; run it with submit/mlops "
              + name
              + " ..., which picks the "
              + runsOn.title()
              + " jobs.");
      return CliFailures.USAGE;
    }
    try {
      return handler.run(new CliArgs(leaf));
    } catch (Exception e) {
      return CliFailures.report(e, err, "see 'mlops " + name + " --help'", LOG);
    }
  }

  /**
   * Parses with the tree. A command with subcommands ({@code online-store} and its {@code get})
   * checks its own required options only when it runs itself: the line is parsed first with those
   * relaxed and, when it names no subcommand of such a command, again with every check.
   */
  static ParseResult parse(String[] args, PrintStream out, PrintStream err) {
    ParseResult relaxed = commandLine(out, err, true).parseArgs(args);
    ParseResult leaf = relaxed;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    if (leaf.commandSpec().subcommands().isEmpty()) {
      return relaxed;
    }
    return commandLine(out, err, false).parseArgs(args);
  }

  /**
   * The tree with {@code out}/{@code err} for help, usage and completion output.
   *
   * @param relaxParents when true, commands with subcommands do not require their own options
   */
  static CommandLine commandLine(PrintStream out, PrintStream err, boolean relaxParents) {
    CommandLine cl = MlopsCommand.commandLine();
    cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    if (relaxParents) {
      relax(cl, true);
    }
    return cl;
  }

  private static void relax(CommandLine cl, boolean root) {
    CommandSpec spec = cl.getCommandSpec();
    if (!root && !cl.getSubcommands().isEmpty()) {
      for (OptionSpec o : List.copyOf(spec.options())) {
        if (o.required()) {
          spec.remove(o);
          spec.addOption(o.toBuilder().required(false).build());
        }
      }
    }
    cl.getSubcommands().values().forEach(c -> relax(c, false));
  }

  /** The command's name after {@code mlops} ({@code online-store get}), or "" for the root. */
  static String commandName(CommandLine cl) {
    String qualified = cl.getCommandSpec().qualifiedName(" ");
    int space = qualified.indexOf(' ');
    return space < 0 ? "" : qualified.substring(space + 1);
  }

  /** The engine a command class of the tree runs on. */
  public static Engine engineOf(Class<?> command) {
    RunsOn r = command.getAnnotation(RunsOn.class);
    return r == null ? Engine.ANY : r.value();
  }
}
