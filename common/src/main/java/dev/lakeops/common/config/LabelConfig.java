package dev.lakeops.common.config;

import dev.lakeops.common.expr.Expr;
import java.time.Duration;

/**
 * The target of a training set: one label row per entity and event time of the source.
 *
 * <p>Either {@code value} (an expression on the row, e.g. {@code class == 'UP'}) or {@code
 * nextEventWithin} (true when the entity has another event within that horizon after the row; rows
 * whose horizon reaches past the end of the data are left out, as their label is unknown).
 */
public record LabelConfig(
    String name, String source, String entity, Expr value, Duration nextEventWithin) {}
