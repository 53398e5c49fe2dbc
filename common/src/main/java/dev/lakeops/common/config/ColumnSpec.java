package dev.lakeops.common.config;

import dev.lakeops.common.types.ColumnType;
import java.io.Serializable;
import java.util.List;

/**
 * A declared source column with its validation rules.
 *
 * @param min inclusive lower bound for numeric columns, or null
 * @param max inclusive upper bound for numeric columns, or null
 * @param allowed the accepted values, or empty for any: compared as text ({@code int}, {@code
 *     long}, {@code double} and {@code boolean} values by their text, e.g. {@code 1}, {@code 1.0},
 *     {@code true}), except on {@code date} and {@code timestamp} columns, where each allowed entry
 *     is event-time text ({@code EventTimes.parseText}) and the times are compared
 */
public record ColumnSpec(
    String name, ColumnType type, boolean nullable, Double min, Double max, List<String> allowed)
    implements Serializable {
  public ColumnSpec {
    allowed = allowed == null ? List.of() : List.copyOf(allowed);
  }
}
