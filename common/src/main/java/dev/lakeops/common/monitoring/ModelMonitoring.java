package dev.lakeops.common.monitoring;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One monitored model of {@code monitoring.yaml} ({@link
 * dev.lakeops.common.config.MonitoringConfig} holds them, {@code MonitoringLoader} validates them):
 * its windows, labels and trigger rules. Serializable, for Flink operators.
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
  /** The {@code feature} of a rule that matches every model input and the prediction. */
  public static final String ANY_FEATURE = "any";

  /** The {@code feature} of a rule on the prediction column. */
  public static final String PREDICTION = "prediction";

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

  /**
   * The delayed label stream of a model: a directory of CSV files followed as it grows, or a Kafka
   * topic (exactly one of {@code path} and {@code kafkaTopic} is set).
   *
   * @param path the directory as written (a relative one is relative to the project directory, as
   *     the sources' paths are); null for Kafka
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
   * @param feature {@link ModelMonitoring#ANY_FEATURE}, {@link ModelMonitoring#PREDICTION} or a
   *     model input for a drift statistic; null for a performance statistic
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
     * feature (any feature for {@link ModelMonitoring#ANY_FEATURE}).
     */
    public boolean watches(WindowStatistic s) {
      if (s.statistic() != statistic) {
        return false;
      }
      if (feature == null || feature.equals(ModelMonitoring.ANY_FEATURE)) {
        return true;
      }
      return feature.equals(s.feature());
    }

    /** Whether {@code value} breaches this rule's threshold; NaN never does. */
    public boolean breaches(double value) {
      return statistic.breaches(value, threshold);
    }
  }
}
