package dev.lakeops.common.pipeline;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * When a task runs, given how the tasks it depends on ended (the {@code run_if:} of {@code
 * pipelines.yaml}, named as Databricks jobs name them). A task without dependencies always runs.
 */
public enum RunIf {
  /** Every dependency succeeded (the default); a failed one marks the task upstream_failed. */
  ALL_SUCCESS("all_success"),
  /** Every dependency ended, however (a clean-up or report task). */
  ALL_DONE("all_done"),
  /**
   * Every dependency ended and at least one failed, timed out or was upstream_failed (an alert or a
   * fallback task); otherwise the task is skipped.
   */
  AT_LEAST_ONE_FAILED("at_least_one_failed");

  /** What to do with a task now. */
  public enum Decision {
    /** Start it. */
    RUN,
    /** Not yet: a dependency has not ended. */
    WAIT,
    /** Never in this run: its condition cannot hold ({@link TaskStatus#SKIPPED}). */
    SKIP,
    /** Never in this run: a dependency failed ({@link TaskStatus#UPSTREAM_FAILED}). */
    UPSTREAM_FAILED
  }

  private final String key;

  RunIf(String key) {
    this.key = key;
  }

  /** The value as written in {@code pipelines.yaml}. */
  public String key() {
    return key;
  }

  /**
   * The decision for a task whose dependencies are in {@code upstream} (their current statuses).
   */
  public Decision decide(Collection<TaskStatus> upstream) {
    if (upstream.stream().anyMatch(s -> !s.ended())) {
      // all_success can decide early: one failed dependency is enough
      if (this == ALL_SUCCESS && upstream.stream().anyMatch(TaskStatus::failedForDependents)) {
        return Decision.UPSTREAM_FAILED;
      }
      return Decision.WAIT;
    }
    boolean anyFailed = upstream.stream().anyMatch(TaskStatus::failedForDependents);
    return switch (this) {
      case ALL_SUCCESS -> {
        if (anyFailed) {
          yield Decision.UPSTREAM_FAILED;
        }
        yield upstream.stream().allMatch(s -> s == TaskStatus.SUCCEEDED)
            ? Decision.RUN
            : Decision.SKIP;
      }
      case ALL_DONE -> Decision.RUN;
      case AT_LEAST_ONE_FAILED -> anyFailed ? Decision.RUN : Decision.SKIP;
    };
  }

  public static Optional<RunIf> byKey(String key) {
    return Arrays.stream(values()).filter(r -> r.key.equals(key)).findFirst();
  }

  public static List<String> keys() {
    return Arrays.stream(values()).map(RunIf::key).toList();
  }
}
