package dev.lakeops.common.pipeline;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pipeline of {@code pipelines.yaml}: a DAG of tasks, validated by the loader (no cycle, every
 * dependency a task of the pipeline, every name it references in the project).
 *
 * @param name the pipeline's name
 * @param description free text, or null
 * @param maxParallel at most this many of its tasks run at once (at least 1)
 * @param tasks its tasks by name, in file order
 */
public record Pipeline(
    String name, String description, int maxParallel, Map<String, PipelineTask> tasks)
    implements Serializable {
  /** How many tasks run at once when {@code max_parallel} is not given. */
  public static final int DEFAULT_MAX_PARALLEL = 2;

  public Pipeline {
    Objects.requireNonNull(name, "name");
    tasks = Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
    if (maxParallel < 1) {
      throw new IllegalArgumentException("maxParallel must be at least 1, got " + maxParallel);
    }
  }

  /** The task graph. */
  public Dag dag() {
    Map<String, List<String>> deps = new LinkedHashMap<>();
    tasks.forEach((n, t) -> deps.put(n, t.dependsOn()));
    return new Dag(deps);
  }

  /** The task called {@code name}. */
  public PipelineTask task(String name) {
    PipelineTask t = tasks.get(name);
    if (t == null) {
      throw new IllegalArgumentException("pipeline '" + this.name + "' has no task '" + name + "'");
    }
    return t;
  }
}
