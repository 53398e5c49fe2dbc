package dev.lakeops.common.cli;

import dev.lakeops.common.features.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parsed command line of an {@code mlops} command (Spark or Flink side): a command, {@code
 * --name value} options and {@code --flag}s.
 */
public final class CliArgs {
  public final String command;
  private final Map<String, String> options = new LinkedHashMap<>();
  private final List<String> flags = new ArrayList<>();

  private CliArgs(String command) {
    this.command = command;
  }

  /**
   * Parses {@code args}; options must be among {@code valued} or {@code flags}.
   *
   * @throws UsageException for an unknown option or a missing value
   */
  public static CliArgs parse(
      String command, String[] args, int from, Set<String> valued, Set<String> flagNames) {
    CliArgs out = new CliArgs(command);
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        out.flags.add("--help");
      } else if (valued.contains(a)) {
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
          throw new UsageException(command, "option " + a + " needs a value.");
        }
        out.options.put(a, args[++i]);
      } else if (flagNames.contains(a)) {
        out.flags.add(a);
      } else {
        List<String> known = new ArrayList<>(valued);
        known.addAll(flagNames);
        throw new UsageException(
            command, "unknown argument '" + a + "'; '" + command + "' accepts " + known + ".");
      }
    }
    return out;
  }

  public Optional<String> option(String name) {
    return Optional.ofNullable(options.get(name));
  }

  public String required(String name, String what) {
    return option(name)
        .orElseThrow(() -> new UsageException(command, "missing " + name + " <" + what + ">."));
  }

  /**
   * A positive whole number option ({@code --parallelism 2}).
   *
   * @throws UsageException when the value is not a whole number of at least 1
   */
  public Optional<Integer> positiveInt(String name) {
    Optional<String> v = option(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      int n = Integer.parseInt(v.get().strip());
      if (n >= 1) {
        return Optional.of(n);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(
        command, name + " takes a whole number of at least 1; got '" + v.get() + "'.");
  }

  /**
   * A positive duration option, written as feature windows are ({@code 10s}, {@code 5m}, {@code
   * 1h}, {@code 7d}).
   *
   * @throws UsageException when the value is not such a duration
   */
  public Optional<Duration> duration(String name) {
    Optional<String> v = option(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        Durations.parse(v.get())
            .orElseThrow(
                () ->
                    new UsageException(
                        command,
                        name + " takes " + Durations.ACCEPTED_FORMS + "; got '" + v.get() + "'.")));
  }

  public boolean flag(String name) {
    return flags.contains(name);
  }

  /** A command line that cannot be run; the CLI prints the message and the command's help. */
  public static final class UsageException extends RuntimeException {
    public final String command;

    public UsageException(String command, String message) {
      super(message);
      this.command = command;
    }
  }
}
