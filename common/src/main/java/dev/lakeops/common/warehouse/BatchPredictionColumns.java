package dev.lakeops.common.warehouse;

import java.util.List;

/**
 * The columns of the batch predictions table ({@link Warehouse#batchPredictions(String)}) and of
 * its dead letter ({@link Warehouse#batchDeadLetter(String)}), the Delta tables {@code mlops
 * batch-score} writes. One scoring of one input version by one model version is the set of rows
 * with the same ({@link #MODEL}, {@link #MODEL_VERSION}, {@link #INPUT}, {@link #INPUT_VERSION}); a
 * rerun replaces that set, in both tables.
 */
public final class BatchPredictionColumns {
  /** The row's entity key (string; null when the input has no key column). */
  public static final String ENTITY_KEY = "entity_key";

  /** The row's event time (timestamp, µs; null when the input has no {@code event_time}). */
  public static final String EVENT_TIME = "event_time";

  /** The model's name (string, not null). */
  public static final String MODEL = "model";

  /** The registered version that scored the row (int, not null). */
  public static final String MODEL_VERSION = "model_version";

  /**
   * What was scored (string, not null): {@code feature_view:<view>}, {@code training_set:<name>} or
   * {@code table:<path or catalog name>}.
   */
  public static final String INPUT = "input";

  /** The Delta version of the input that was read (long, not null). */
  public static final String INPUT_VERSION = "input_version";

  /** The prediction (double, not null; a class index for classifiers). */
  public static final String PREDICTION = "prediction";

  /** The class probabilities (array of double), null for a regression. */
  public static final String PROBABILITY = "probability";

  /** The model's feature views that had no row for the input row (array of view names). */
  public static final String MISSING_VIEWS = "missing_views";

  /** The batch-score run that wrote the row (string, the run table's {@code run_id}). */
  public static final String RUN_ID = "run_id";

  /** When the row was scored (timestamp, µs; not null). */
  public static final String SCORED_AT = "scored_at";

  /** The batch predictions' columns in the table's order. */
  public static final List<String> ALL =
      List.of(
          ENTITY_KEY,
          EVENT_TIME,
          MODEL,
          MODEL_VERSION,
          INPUT,
          INPUT_VERSION,
          PREDICTION,
          PROBABILITY,
          MISSING_VIEWS,
          RUN_ID,
          SCORED_AT);

  /** Dead letter: the row's model inputs as a JSON object (string, not null). */
  public static final String DEAD_VALUES = "values";

  /** Dead letter: why the row was not scored (string, not null). */
  public static final String DEAD_REASON = "reason";

  /** The dead letter's columns in the table's order ({@link #SCORED_AT} is when it was refused). */
  public static final List<String> DEAD_LETTER =
      List.of(
          ENTITY_KEY,
          EVENT_TIME,
          MODEL,
          MODEL_VERSION,
          INPUT,
          INPUT_VERSION,
          DEAD_VALUES,
          DEAD_REASON,
          RUN_ID,
          SCORED_AT);

  private BatchPredictionColumns() {}
}
