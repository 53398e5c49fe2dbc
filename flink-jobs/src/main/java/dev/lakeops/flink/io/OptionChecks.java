package dev.lakeops.flink.io;

import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.ConfigProblem;
import dev.lakeops.flink.FlinkErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks the jobs' option builders run in {@code build()}, collected as the monitoring job's
 * {@code MonitorSettings} collects its own: every problem is kept (not only the first), each names
 * the options type (or the source given to the builder), the option, what was expected and what was
 * given, and {@link #throwIfAny()} throws them together as one {@link ConfigException} built by
 * {@link FlinkErrors#invalidOptions} (exit 2 on the command line), e.g. {@code ServeSettings at
 * 'checkpointInterval': expected at least 10 ms (Flink's minimum), got 9 ms.}
 */
public final class OptionChecks {
  /** Flink's smallest checkpoint interval ({@code CheckpointConfig}'s minimum, 10 ms). */
  public static final Duration MIN_CHECKPOINT_INTERVAL = Duration.ofMillis(10);

  private final String source;
  private final List<ConfigProblem> problems = new ArrayList<>();

  /**
   * @param source what is checked, named in each problem: the options type ({@code ServeSettings})
   *     or where the values came from
   */
  public OptionChecks(String source) {
    this.source = source;
  }

  /**
   * Notes {@code option} as missing unless it is given (not null, and not blank for a string).
   *
   * @param what what the option is, for the message
   * @return whether it is given
   */
  public boolean required(String option, Object value, String what) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      problems.add(FlinkErrors.missingOption(source, option, what));
      return false;
    }
    return true;
  }

  /** Notes {@code option} as out of range when {@code value < min}. */
  public void atLeast(String option, int value, int min, String what) {
    if (value < min) {
      problems.add(FlinkErrors.optionBelow(source, option, min + "", value + "", what));
    }
  }

  /** Notes {@code option} as missing, or as out of range when it is shorter than {@code min}. */
  public void atLeast(String option, Duration value, Duration min, String what) {
    if (required(option, value, what) && value.compareTo(min) < 0) {
      problems.add(
          FlinkErrors.optionBelow(
              source, option, min.toMillis() + " ms", value.toMillis() + " ms", what));
    }
  }

  /** Notes another problem of {@code option}: what is wrong and the fix. */
  public void problem(String option, String problem, String fix) {
    problems.add(new ConfigProblem(source, option, 0, problem, fix));
  }

  /**
   * Throws the problems noted, if any.
   *
   * @throws ConfigException listing every problem ({@link FlinkErrors#invalidOptions})
   */
  public void throwIfAny() {
    if (!problems.isEmpty()) {
      throw FlinkErrors.invalidOptions(problems);
    }
  }

  /**
   * A local path made a {@code file://} URI (absolute), a URI as it is: Flink's checkpoint storage
   * wants a scheme.
   */
  public static String uri(String path) {
    if (path.contains("://") || path.startsWith("file:")) {
      return path;
    }
    return "file://" + java.nio.file.Path.of(path).toAbsolutePath().normalize();
  }
}
