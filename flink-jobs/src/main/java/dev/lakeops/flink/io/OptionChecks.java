package dev.lakeops.flink.io;

import java.time.Duration;

/**
 * The checks the jobs' option builders run in {@code build()}: each failure is an {@link
 * IllegalArgumentException} whose message names the options type, the option, what was expected and
 * what was given, e.g. {@code "ServeSettings.checkpointInterval must be at least 10 ms (Flink's
 * minimum), got 1 ms"}.
 */
public final class OptionChecks {
  /** Flink's smallest checkpoint interval ({@code CheckpointConfig}'s minimum, 10 ms). */
  public static final Duration MIN_CHECKPOINT_INTERVAL = Duration.ofMillis(10);

  private OptionChecks() {}

  /**
   * {@code value}, when it is given (not null, and not blank for a string).
   *
   * @param what what the option is, for the message
   * @throws IllegalArgumentException naming {@code owner.option} when it is missing
   */
  public static <T> T required(String owner, String option, T value, String what) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      throw new IllegalArgumentException(
          owner + "." + option + " is required (" + what + ") but was not given");
    }
    return value;
  }

  /**
   * {@code value} when it is at least {@code min}.
   *
   * @throws IllegalArgumentException naming {@code owner.option}, the minimum and the value
   */
  public static int atLeast(String owner, String option, int value, int min, String what) {
    if (value < min) {
      throw new IllegalArgumentException(
          owner + "." + option + " must be at least " + min + " (" + what + "), got " + value);
    }
    return value;
  }

  /**
   * {@code value} when it is given and at least {@code min}.
   *
   * @throws IllegalArgumentException naming {@code owner.option}, the minimum and the value
   */
  public static Duration atLeast(
      String owner, String option, Duration value, Duration min, String what) {
    required(owner, option, value, what);
    if (value.compareTo(min) < 0) {
      throw new IllegalArgumentException(
          owner
              + "."
              + option
              + " must be at least "
              + min.toMillis()
              + " ms ("
              + what
              + "), got "
              + value.toMillis()
              + " ms");
    }
    return value;
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
