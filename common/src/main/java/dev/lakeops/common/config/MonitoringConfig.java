package dev.lakeops.common.config;

import dev.lakeops.common.monitoring.ModelMonitoring;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A project's {@code monitoring.yaml}, validated by {@link MonitoringLoader}: per model, the
 * event-time windows the monitoring job computes statistics over, where its delayed labels come
 * from, and the rules that raise retraining triggers; and the retraining scheduler's settings.
 * Serializable, so a Flink job ships it to its operators. A project without the file has {@link
 * #none()}: no model is monitored.
 *
 * @param file the file it was read from, for messages; null for {@link #none()}
 * @param models the monitored models by name (each one a model of {@code models.yaml}), in file
 *     order
 * @param scheduler the scheduler's settings ({@link Scheduler#DEFAULT} when the section is absent)
 */
public record MonitoringConfig(
    String file, Map<String, ModelMonitoring> models, Scheduler scheduler) implements Serializable {
  /** The file's name, next to {@code models.yaml}. */
  public static final String FILE = "monitoring.yaml";

  public MonitoringConfig {
    models =
        Collections.unmodifiableMap(
            new LinkedHashMap<>(Objects.requireNonNull(models, "models"))); // file order
    scheduler = scheduler == null ? Scheduler.DEFAULT : scheduler;
  }

  /** No {@code monitoring.yaml}: nothing is monitored, the scheduler has its defaults. */
  public static MonitoringConfig none() {
    return new MonitoringConfig(null, Map.of(), Scheduler.DEFAULT);
  }

  /** Whether the project has a {@code monitoring.yaml}. */
  public boolean isPresent() {
    return file != null;
  }

  /** The monitoring of {@code model}, or empty when the file does not name it. */
  public Optional<ModelMonitoring> model(String model) {
    return Optional.ofNullable(models.get(model));
  }

  /**
   * The retraining scheduler's settings ({@code scheduler:}).
   *
   * @param retrain the retraining command and its arguments, with the placeholders {@code
   *     {project}}, {@code {model}} and {@code {trigger_id}}; empty for the default ({@code
   *     submit/mlops train}, then {@code submit/mlops promote} of the version it registered)
   * @param cron a Unix cron expression (five fields, e.g. {@code 0 3 * * *}, UTC) on which every
   *     monitored model is retrained; null for none
   * @param onNewFeatures whether a new Delta version of a feature view a monitored model reads
   *     starts a retraining
   */
  public record Scheduler(List<String> retrain, String cron, boolean onNewFeatures)
      implements Serializable {
    /** No custom command, no cron, no retraining on new features. */
    public static final Scheduler DEFAULT = new Scheduler(List.of(), null, false);

    public Scheduler {
      retrain = List.copyOf(retrain == null ? List.of() : retrain);
    }
  }
}
