package dev.lakeops.common.cli;

import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.common.online.OnlineStoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The parsed command line of one {@code mlops} command, as its engine's implementation reads it: a
 * view of picocli's parse of {@link MlopsCommand}'s tree. Values are already converted and checked
 * (durations, positive numbers, times) and the shared options already resolved ({@link
 * SharedOptions}): parse errors never reach an implementation.
 */
public final class CliArgs {
  /** The command's name as typed after {@code mlops}, e.g. {@code online-store get}. */
  public final String command;

  private final CommandSpec spec;
  private final ParseResult parsed;

  CliArgs(ParseResult parsed) {
    this.parsed = parsed;
    this.spec = parsed.commandSpec();
    String qualified = spec.qualifiedName(" ");
    int space = qualified.indexOf(' ');
    this.command = space < 0 ? qualified : qualified.substring(space + 1);
  }

  /** The command object of {@link MlopsCommand}'s tree that holds the parsed values. */
  public Object command() {
    return spec.userObject();
  }

  private OptionSpec spec(String name) {
    OptionSpec o = spec.findOption(name);
    if (o == null) {
      throw new IllegalArgumentException(
          "'" + command + "' declares no option " + name + " in MlopsCommand");
    }
    return o;
  }

  /**
   * The option's value as text (its default when not given and it has one), or empty. Paths and
   * locations are the resolved ones (absolute); typed values are printed with {@code toString()},
   * so read durations, numbers and the shared options with their typed accessors.
   *
   * @throws IllegalArgumentException when the command declares no such option (a programming error)
   */
  public Optional<String> option(String name) {
    Object v = spec(name).getValue();
    if (v == null || v instanceof Boolean) {
      return Optional.empty();
    }
    return Optional.of(String.valueOf(v));
  }

  /**
   * A repeatable option's values in the order given ({@code --spark-conf a=1 --spark-conf b=2}), or
   * an empty list.
   *
   * @throws IllegalArgumentException when the command declares no such option (a programming error)
   */
  public List<String> values(String name) {
    Object v = spec(name).getValue();
    if (v == null) {
      return List.of();
    }
    return ((List<?>) v).stream().map(String::valueOf).toList();
  }

  /**
   * The option's value, or a {@link UsageException} naming it ({@code missing --model <name>.}).
   * Options that are always needed are declared required in {@link MlopsCommand} and checked while
   * parsing; this is for options needed only in some combinations.
   */
  public String required(String name, String what) {
    return option(name)
        .orElseThrow(() -> new UsageException(command, "missing " + name + " <" + what + ">."));
  }

  /** A whole number option ({@code --parallelism 2}), checked to be at least 1 while parsing. */
  public Optional<Integer> positiveInt(String name) {
    return Optional.ofNullable((Integer) spec(name).getValue());
  }

  /** A duration option ({@code 10s}, {@code 5m}, {@code 1h}, {@code 7d}), checked while parsing. */
  public Optional<Duration> duration(String name) {
    return Optional.ofNullable((Duration) spec(name).getValue());
  }

  /** Whether a flag ({@code --once}) was given. */
  public boolean flag(String name) {
    return Boolean.TRUE.equals(spec(name).getValue());
  }

  /** {@code --spark-ui}: whether the command has the option and it was given. */
  public boolean sparkUi() {
    return spec.findOption("--spark-ui") != null && flag("--spark-ui");
  }

  /** The positional parameters as typed, e.g. the entity key of {@code online-store get}. */
  public List<String> positionals() {
    return parsed.matchedPositionals().stream().flatMap(p -> p.stringValues().stream()).toList();
  }

  /** {@code --project}: the absolute project directory. */
  public Path project() {
    return Path.of(required("--project", "dir"));
  }

  /**
   * {@code --warehouse}: an absolute local path or a URI as written; {@code ./warehouse} if left
   * out.
   */
  public String warehouse() {
    return option("--warehouse").orElse(SharedOptions.location(SharedOptions.DEFAULT_WAREHOUSE));
  }

  /** {@code --online-store}, a relative embedded file made absolute; empty when left out. */
  public Optional<OnlineStoreConfig> onlineStore() {
    return Optional.ofNullable((OnlineStoreConfig) spec(OnlineStoreConfig.OPTION).getValue());
  }

  /** {@code --as-of}, a date (its start, UTC) or an instant; empty when left out. */
  public Optional<Instant> asOf() {
    return Optional.ofNullable((Instant) spec("--as-of").getValue());
  }

  /** {@code --flink-conf}: the absolute directory or file (it exists); empty when left out. */
  public Optional<Path> flinkConf() {
    return Optional.ofNullable((Path) spec("--flink-conf").getValue());
  }

  /**
   * A command line that cannot be run, found by the implementation (e.g. an unknown source): exit
   * 2, one line naming the command's help.
   */
  public static final class UsageException extends LakeOpsException {
    public final String command;

    public UsageException(String command, String message) {
      super(message);
      this.command = command;
    }
  }
}
