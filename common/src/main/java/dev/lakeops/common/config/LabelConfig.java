package dev.lakeops.common.config;

import dev.lakeops.common.expr.Expr;
import java.time.Duration;

/**
 * The target of a training set: one label row per entity and event time of the source.
 *
 * <p>Either {@code value} (an expression on the row, e.g. {@code class == 'UP'}) or {@code
 * nextEventWithin} (true when the entity has another event within that horizon after the row; rows
 * whose horizon reaches past the end of the data are left out, as their label is unknown).
 *
 * @param ahead for {@code value} labels, or null: the label of an event at time t is attached to
 *     time t - ahead, so the features joined to it are those known that much earlier and the model
 *     learns to forecast (e.g. the next half-hour's price direction)
 */
public record LabelConfig(
    String name,
    String source,
    String entity,
    Expr value,
    Duration ahead,
    Duration nextEventWithin) {}
