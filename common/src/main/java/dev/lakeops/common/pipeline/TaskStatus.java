package dev.lakeops.common.pipeline;

import java.util.Locale;

/**
 * A pipeline task's status in a run: what the runner's state file and the metadata store's tasks
 * table say ({@link #key()}).
 */
public enum TaskStatus {
  /** Not started yet in this run (waiting for its dependencies, or for a retry's backoff). */
  PENDING,
  /** Its process runs. */
  RUNNING,
  /** Its process ended with exit code 0. */
  SUCCEEDED,
  /** Its last attempt ended with another exit code, or could not start; no retry left. */
  FAILED,
  /** Its last attempt ran past the task's timeout and was ended; no retry left. */
  TIMED_OUT,
  /** Not run: a dependency failed and its {@code run_if} needs them all to succeed. */
  UPSTREAM_FAILED,
  /** Not run: its {@code run_if} condition does not hold (e.g. nothing failed). */
  SKIPPED;

  /** The status as written in tables and files, e.g. {@code timed_out}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TaskStatus ofKey(String key) {
    return valueOf(key.toUpperCase(Locale.ROOT));
  }

  /** Whether the task is done in this run (it will not run again unless resumed). */
  public boolean ended() {
    return this != PENDING && this != RUNNING;
  }

  /** Whether the task counts as failed for the tasks that depend on it. */
  public boolean failedForDependents() {
    return this == FAILED || this == TIMED_OUT || this == UPSTREAM_FAILED;
  }

  /** Whether {@code resume} runs the task again: it did not end, or it failed. */
  public boolean rerunOnResume() {
    return !ended() || failedForDependents();
  }
}
