package dev.lakeops.common.config;

import dev.lakeops.common.expr.Expr;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The target of a training set, from the rows of a source.
 *
 * <p>Either {@code value} (an expression on the row, e.g. {@code class == 'UP'}) or {@code
 * nextEventWithin} (true when the entity has another event within that horizon after the row; rows
 * whose horizon reaches past the end of the data are left out, as their label is unknown).
 *
 * <p>A {@code value} label gives one training row per source row by default, with a {@code
 * label_id} for audits, also when several rows of one entity share an event time (the ratings of
 * several items by one user at one second): nothing is merged silently. With {@code reduce}, the
 * rows of one entity and event time become one, their values reduced as it says, and the number of
 * rows reduced away is reported. A {@code nextEventWithin} label is one row per entity and distinct
 * event time by its definition.
 *
 * @param ahead for {@code value} labels, or null: the label of an event at time t is attached to
 *     time t - ahead, so the features joined to it are those known that much earlier and the model
 *     learns to forecast (e.g. the next half-hour's price direction)
 * @param reduce how rows of one entity and event time become one, or null to keep every row
 * @param entities every entity whose key the label's rows carry (the source's {@code entities}),
 *     {@code entity} first; a training set joins views of any of them, each on its own key
 */
public record LabelConfig(
    String name,
    String source,
    String entity,
    Expr value,
    Duration ahead,
    Duration nextEventWithin,
    Reduction reduce,
    List<String> entities) {

  public LabelConfig {
    entities = entities == null || entities.isEmpty() ? List.of(entity) : List.copyOf(entities);
  }

  /** A label whose rows carry the key of their one entity. */
  public LabelConfig(
      String name,
      String source,
      String entity,
      Expr value,
      Duration ahead,
      Duration nextEventWithin,
      Reduction reduce) {
    this(name, source, entity, value, ahead, nextEventWithin, reduce, null);
  }

  /** A label without a reduction: one training row per source row. */
  public LabelConfig(
      String name,
      String source,
      String entity,
      Expr value,
      Duration ahead,
      Duration nextEventWithin) {
    this(name, source, entity, value, ahead, nextEventWithin, null, null);
  }

  /** How the label values of one entity and event time are reduced to one. */
  public enum Reduction {
    /** The greatest value (for text, the greatest in Spark's order: by UTF-8 bytes). */
    MAX,
    /** The smallest value. */
    MIN,
    /** The mean of the values (numeric labels only). */
    MEAN;

    /** How it is written in {@code labels.yaml}. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The reduction written {@code key}, if any. */
    public static Optional<Reduction> of(String key) {
      return Arrays.stream(values()).filter(r -> r.key().equals(key)).findFirst();
    }

    /** Every key, in order. */
    public static List<String> keys() {
      return Arrays.stream(values()).map(Reduction::key).toList();
    }
  }
}
