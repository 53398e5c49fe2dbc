package dev.lakeops.common.scoring;

import dev.lakeops.common.training.ModelSpec.MissingFeatures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * Which of a model's feature views had no row for a row to score, and why the model's {@code
 * serving.on_missing_features} policy ({@link MissingFeatures#deadLetters}) sends it to the dead
 * letter: one rule for streaming inference ({@code serve}: the online store had no row as of the
 * event's time) and batch inference ({@code batch-score}: the point-in-time join found none).
 */
public final class MissingViews {
  private MissingViews() {}

  /**
   * The views that were looked up and had no row, in the order of {@code views}.
   *
   * @param views the model's views in the training set's order
   * @param looked whether a view was looked up for the row (a view whose every input the row
   *     carries itself is not)
   * @param hasRow whether a looked-up view had a row for it
   * @return the missing views, empty when none (never null)
   */
  public static List<String> missing(
      Collection<String> views, Predicate<String> looked, Predicate<String> hasRow) {
    List<String> out = new ArrayList<>(0);
    for (String view : views) {
      if (looked.test(view) && !hasRow.test(view)) {
        out.add(view);
      }
    }
    return List.copyOf(out);
  }

  /**
   * Why a row missing {@code missing} of {@code looked} views goes to the dead letter, naming the
   * policy and how to change it.
   *
   * @param keyField the entity key's column, or null when the row has none
   * @param entityKey the row's entity key, or null
   * @param asOf the time the views were read as of (the event's or the label's), or null when the
   *     row has none
   * @param missing the views without a row ({@link #missing})
   * @param looked how many views were looked up
   * @param policy the model's policy
   */
  public static String reason(
      String keyField,
      String entityKey,
      Instant asOf,
      List<String> missing,
      int looked,
      MissingFeatures policy) {
    StringBuilder b = new StringBuilder("no feature row");
    if (asOf != null) {
      b.append(" as of the event time ").append(asOf);
    }
    if (keyField != null && entityKey != null) {
      b.append(" for ").append(keyField).append(" '").append(entityKey).append('\'');
    }
    return b.append(missing.size() == looked ? " in any of the views " : " in the views ")
        .append(missing)
        .append(
            " (an unknown entity, rows expired by the views' TTL, or only later rows); the model's"
                + " policy serving.on_missing_features: ")
        .append(policy.key())
        .append(
            " dead-letters it (score_and_flag in models.yaml would score it from imputed values)")
        .toString();
  }
}
