package dev.lakeops.flink.monitoring;

import java.io.Serializable;

/**
 * What became of one prediction or one label in the label join.
 *
 * @param kind labelled, expired (the prediction's label did not come within the TTL) or unmatched
 *     (the label's prediction did not come within the TTL)
 * @param modelVersion the version that made the prediction; for an unmatched label, the version of
 *     the latest prediction the join saw, or -1 when it saw none (the windowing stage then counts
 *     it against the version in service)
 * @param timeMillis the prediction's event time (epoch ms); for an unmatched label, the watermark
 *     when it arrived
 * @param prediction the predicted value (NaN for an unmatched label)
 * @param label the true value (NaN for an expired prediction)
 * @param probability the class probabilities, or null (regressors, unmatched labels)
 */
public record Outcome(
    Kind kind,
    String eventId,
    String model,
    int modelVersion,
    long timeMillis,
    double prediction,
    double label,
    double[] probability)
    implements Serializable {

  /** What became of it. */
  public enum Kind {
    LABELLED,
    EXPIRED,
    UNMATCHED
  }
}
