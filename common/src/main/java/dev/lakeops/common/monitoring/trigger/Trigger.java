package dev.lakeops.common.monitoring.trigger;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * A retraining trigger: a row of {@code <db>.lakeops_triggers} (see the monitoring contract). Rule
 * triggers come from {@link RuleEngine}; the scheduler raises {@link Reason#SCHEDULE} and {@link
 * Reason#NEW_FEATURES} ones itself.
 *
 * <p>The id is deterministic, so the same cause read twice (a breach re-read, a job restarted from
 * a checkpoint, a cron tick seen by a restarted scheduler) has the same id and the scheduler runs
 * it once: the lower-case hex SHA-256 of {@code model|version|rule|window_end_millis} for a rule,
 * {@code model|schedule|fire_time_millis} for cron, {@code model|new_features|view@version} for new
 * feature data.
 *
 * @param triggerId the deterministic id above (64 hex characters)
 * @param model the model to retrain
 * @param modelVersion the version whose window breached; null for schedule and new-feature triggers
 * @param rule the rule's name; {@code schedule} or {@code new_features} for the scheduler's own
 * @param reason why
 * @param feature the breaching feature ({@code prediction} for the prediction); null for
 *     performance statistics and the scheduler's triggers
 * @param statistic the breaching statistic's {@link dev.lakeops.common.monitoring.Statistic#key()};
 *     null for the scheduler's triggers
 * @param value the breaching value; null for the scheduler's triggers
 * @param threshold the rule's threshold; null for the scheduler's triggers
 * @param windowStartMillis the breaching window's start, epoch ms; null for the scheduler's
 * @param windowEndMillis the breaching window's end, epoch ms (exclusive); null for the scheduler's
 * @param raisedAtMillis when the trigger was raised, epoch ms (wall clock)
 * @param statistics a JSON object of the window's breached statistic values (keys {@code statistic}
 *     or {@code statistic[feature]}), or for the scheduler's triggers a JSON object naming the
 *     cause ({@code {"fire_time": ...}}, {@code {"view": ..., "version": ...}})
 */
public record Trigger(
    String triggerId,
    String model,
    Integer modelVersion,
    String rule,
    Reason reason,
    String feature,
    String statistic,
    Double value,
    Double threshold,
    Long windowStartMillis,
    Long windowEndMillis,
    long raisedAtMillis,
    String statistics)
    implements Serializable {

  /** Why a trigger was raised; {@link #key()} is the {@code reason} column. */
  public enum Reason {
    DRIFT,
    PERFORMANCE,
    SCHEDULE,
    NEW_FEATURES;

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The reason named {@code key} (as {@link #key()} writes it). */
    public static Reason of(String key) {
      return valueOf(key.toUpperCase(Locale.ROOT));
    }
  }

  public Trigger {
    Objects.requireNonNull(triggerId, "triggerId");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(reason, "reason");
  }

  /** The id of a rule's trigger: SHA-256 of {@code model|version|rule|window_end_millis}. */
  public static String ruleTriggerId(String model, int version, String rule, long windowEndMillis) {
    return sha256(model + "|" + version + "|" + rule + "|" + windowEndMillis);
  }

  /** The id of a cron trigger: SHA-256 of {@code model|schedule|fire_time_millis}. */
  public static String scheduleTriggerId(String model, long fireTimeMillis) {
    return sha256(model + "|schedule|" + fireTimeMillis);
  }

  /** The id of a new-features trigger: SHA-256 of {@code model|new_features|view@version}. */
  public static String newFeaturesTriggerId(String model, String view, long deltaVersion) {
    return sha256(model + "|new_features|" + view + "@" + deltaVersion);
  }

  /** A cron trigger for {@code model} at its fire time. */
  public static Trigger schedule(String model, long fireTimeMillis, long raisedAtMillis) {
    return own(
        scheduleTriggerId(model, fireTimeMillis),
        model,
        Reason.SCHEDULE,
        raisedAtMillis,
        "{\"fire_time\":" + fireTimeMillis + "}");
  }

  /** A trigger for a new Delta version of a feature view {@code model} reads. */
  public static Trigger newFeatures(
      String model, String view, long deltaVersion, long raisedAtMillis) {
    return own(
        newFeaturesTriggerId(model, view, deltaVersion),
        model,
        Reason.NEW_FEATURES,
        raisedAtMillis,
        "{\"view\":\"" + view + "\",\"version\":" + deltaVersion + "}");
  }

  /** A scheduler's trigger: the rule is the reason's key; no version, statistic or window. */
  private static Trigger own(
      String id, String model, Reason reason, long raisedAtMillis, String cause) {
    return new Trigger(
        id,
        model,
        null,
        reason.key(),
        reason,
        null,
        null,
        null,
        null,
        null,
        null,
        raisedAtMillis,
        cause);
  }

  static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
