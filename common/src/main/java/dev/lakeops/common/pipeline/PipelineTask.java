package dev.lakeops.common.pipeline;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One task of a pipeline, as {@code pipelines.yaml} declares it and the loader validated it.
 *
 * @param name the task's name, unique in its pipeline (lower-case letters, digits, '_')
 * @param type what it runs
 * @param params the task's params in file order: text values, {@code true}/{@code false} as
 *     Boolean, and lists of text (a {@code command}'s {@code argv}); never null
 * @param dependsOn the tasks of the same pipeline that must end first, in file order
 * @param runIf when it runs, given how they ended
 * @param retries how many times a failed or timed-out attempt is retried (0: none)
 * @param retryBackoff the wait before the first retry; it doubles for each later one
 * @param timeout how long one attempt may run before it is ended; null for no limit
 */
public record PipelineTask(
    String name,
    TaskType type,
    Map<String, Object> params,
    List<String> dependsOn,
    RunIf runIf,
    int retries,
    Duration retryBackoff,
    Duration timeout)
    implements Serializable {
  /** The backoff when {@code retry_backoff} is not given. */
  public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(10);

  public PipelineTask {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params == null ? Map.of() : params));
    dependsOn = List.copyOf(dependsOn == null ? List.of() : dependsOn);
    runIf = runIf == null ? RunIf.ALL_SUCCESS : runIf;
    retryBackoff = retryBackoff == null ? DEFAULT_BACKOFF : retryBackoff;
  }

  /**
   * The wait before attempt {@code attempt} (1-based) of this run: none before the first, then
   * {@link #retryBackoff()} doubled for each retry after the first (10s, 20s, 40s, ...).
   */
  public Duration backoffBefore(int attempt) {
    if (attempt <= 1) {
      return Duration.ZERO;
    }
    return retryBackoff.multipliedBy(1L << Math.min(attempt - 2, 20));
  }

  /** A text param, or null. */
  public String param(String key) {
    Object v = params.get(key);
    return v == null ? null : String.valueOf(v);
  }
}
