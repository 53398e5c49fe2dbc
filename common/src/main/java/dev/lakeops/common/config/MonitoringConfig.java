package dev.lakeops.common.config;

import dev.lakeops.common.monitoring.Statistic;
import dev.lakeops.common.monitoring.WindowStatistic;
import java.io.Serializable;
import java.time.Duration;
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

  /** The {@code feature} of a rule that matches every model input and the prediction. */
  public static final String ANY_FEATURE = "any";

  /** The {@code feature} of a rule on the prediction column. */
  public static final String PREDICTION = "prediction";

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
   * One monitored model.
   *
   * @param model the model of {@code models.yaml}
   * @param windowSize the event-time window's length
   * @param windowSlide how far consecutive windows start apart; equal to {@code windowSize} for
   *     tumbling windows (the default)
   * @param labels where the delayed labels come from, or null when the model gets none (then no
   *     performance statistic is computed)
   * @param rules the trigger rules, in file order; names are unique within the model
   */
  public record ModelMonitoring(
      String model, Duration windowSize, Duration windowSlide, Labels labels, List<Rule> rules)
      implements Serializable {
    public ModelMonitoring {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(windowSize, "windowSize");
      windowSlide = windowSlide == null ? windowSize : windowSlide;
      rules = List.copyOf(rules == null ? List.of() : rules);
    }

    /** The rule named {@code name}, or empty. */
    public Optional<Rule> rule(String name) {
      return rules.stream().filter(r -> r.name().equals(name)).findFirst();
    }
  }

  /**
   * The delayed label stream of a model: a directory of CSV files followed as it grows, or a Kafka
   * topic (exactly one of {@code path} and {@code kafkaTopic} is set).
   *
   * @param path the directory, resolved against the project directory; null for Kafka
   * @param kafkaTopic the topic; null for files
   * @param kafkaBootstrap the brokers ({@code host:port,...}); null for files
   * @param eventIdColumn the column holding the prediction's {@code event_id} a label answers
   * @param labelColumn the column holding the label
   * @param ttl how long a prediction waits for its label before it expires (and is counted)
   */
  public record Labels(
      String path,
      String kafkaTopic,
      String kafkaBootstrap,
      String eventIdColumn,
      String labelColumn,
      Duration ttl)
      implements Serializable {}

  /**
   * A trigger rule: the statistic breaches its threshold (on the side {@link
   * Statistic#breachedAbove()} names) in {@code consecutive} windows in a row; then the rule is
   * silent for {@code cooldown} of event time.
   *
   * @param name the rule's name, unique within its model; it names the trigger's {@code rule}
   * @param statistic the statistic watched
   * @param feature {@link #ANY_FEATURE}, {@link #PREDICTION} or a model input for a drift
   *     statistic; null for a performance statistic
   * @param threshold the threshold, in the statistic's unit
   * @param consecutive windows in a row that must breach (at least 1)
   * @param cooldown event time after a trigger during which the rule raises none; zero for none
   */
  public record Rule(
      String name,
      Statistic statistic,
      String feature,
      double threshold,
      int consecutive,
      Duration cooldown)
      implements Serializable {
    public Rule {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(statistic, "statistic");
      if (consecutive < 1) {
        throw new IllegalArgumentException("consecutive must be at least 1: " + consecutive);
      }
      cooldown = cooldown == null ? Duration.ZERO : cooldown;
    }

    /**
     * Whether this rule watches {@code s}: the same statistic and, for drift statistics, the same
     * feature (any feature for {@link #ANY_FEATURE}).
     */
    public boolean watches(WindowStatistic s) {
      if (s.statistic() != statistic) {
        return false;
      }
      if (feature == null || feature.equals(ANY_FEATURE)) {
        return true;
      }
      return feature.equals(s.feature());
    }

    /** Whether {@code value} breaches this rule's threshold; NaN never does. */
    public boolean breaches(double value) {
      return statistic.breaches(value, threshold);
    }
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
