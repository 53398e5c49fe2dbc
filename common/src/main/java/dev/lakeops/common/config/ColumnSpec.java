package dev.lakeops.common.config;

import java.util.List;

/**
 * A declared source column with its validation rules.
 *
 * @param min inclusive lower bound for numeric columns, or null
 * @param max inclusive upper bound for numeric columns, or null
 * @param allowed the accepted values (compared as text), or empty for any
 */
public record ColumnSpec(
    String name, ColumnType type, boolean nullable, Double min, Double max, List<String> allowed) {}
