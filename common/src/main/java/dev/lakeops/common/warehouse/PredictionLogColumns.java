package dev.lakeops.common.warehouse;

import java.util.List;

/**
 * The columns of the prediction log ({@link Warehouse#predictions(String)}) and of the serving dead
 * letter ({@link Warehouse#servingDeadLetter(String)}), the Delta tables streaming inference
 * ({@code mlops serve}) writes and notebooks, {@code mlops sql} and monitoring read. The output
 * topic's JSON uses the same names.
 */
public final class PredictionLogColumns {
  /** The scored event's id (string, not null): the idempotency key of a scored event. */
  public static final String EVENT_ID = "event_id";

  /** The event's entity key (string, not null). */
  public static final String ENTITY_KEY = "entity_key";

  /** The event's time (timestamp, µs; not null). */
  public static final String EVENT_TIME = "event_time";

  /** The model's name (string, not null). */
  public static final String MODEL = "model";

  /** The model version that scored the event (int, not null). */
  public static final String MODEL_VERSION = "model_version";

  /** The numeric model inputs (map of string to double; null values where a feature is missing). */
  public static final String FEATURES = "features";

  /** The text model inputs (map of string to string). */
  public static final String TEXT_FEATURES = "text_features";

  /** The prediction (double, not null). */
  public static final String PREDICTION = "prediction";

  /** The class probabilities (array of double), null for a regression. */
  public static final String PROBABILITY = "probability";

  /** When the event was scored (timestamp, µs; not null). */
  public static final String SCORED_AT = "scored_at";

  /** The feature views that had no row for the event (array of view names, may be null). */
  public static final String MISSING_VIEWS = "missing_views";

  /** The prediction log's columns in the table's order. */
  public static final List<String> ALL =
      List.of(
          EVENT_ID,
          ENTITY_KEY,
          EVENT_TIME,
          MODEL,
          MODEL_VERSION,
          FEATURES,
          TEXT_FEATURES,
          PREDICTION,
          PROBABILITY,
          SCORED_AT,
          MISSING_VIEWS);

  /** Dead letter: the input line as received (string, may be null). */
  public static final String DEAD_INPUT = "input";

  /** Dead letter: why the event could not be scored (string, not null). */
  public static final String DEAD_REASON = "reason";

  /** Dead letter: when the event was refused (timestamp, µs; not null). */
  public static final String DEAD_AT = "at";

  /**
   * The dead letter's columns in the table's order ({@link #EVENT_ID}, {@link #MODEL} and {@link
   * #MODEL_VERSION} as in the log; the event id may be null).
   */
  public static final List<String> DEAD_LETTER =
      List.of(DEAD_INPUT, EVENT_ID, DEAD_REASON, MODEL, MODEL_VERSION, DEAD_AT);

  private PredictionLogColumns() {}
}
