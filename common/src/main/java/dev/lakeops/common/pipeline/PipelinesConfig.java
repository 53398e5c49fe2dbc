package dev.lakeops.common.pipeline;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A project's {@code pipelines.yaml} (next to {@code project.yaml}), validated by the project
 * loader. A project without the file has {@link #none()}.
 *
 * @param file the file it was read from, for messages; null for {@link #none()}
 * @param pipelines the pipelines by name, in file order
 */
public record PipelinesConfig(String file, Map<String, Pipeline> pipelines)
    implements Serializable {
  /** The file's name, next to {@code project.yaml}. */
  public static final String FILE = "pipelines.yaml";

  public PipelinesConfig {
    pipelines = Collections.unmodifiableMap(new LinkedHashMap<>(pipelines));
  }

  /** No {@code pipelines.yaml}. */
  public static PipelinesConfig none() {
    return new PipelinesConfig(null, Map.of());
  }

  public boolean isPresent() {
    return file != null;
  }

  /** The pipeline called {@code name}, or empty. */
  public Optional<Pipeline> pipeline(String name) {
    return Optional.ofNullable(pipelines.get(name));
  }
}
