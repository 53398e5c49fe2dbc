package dev.lakeops.common.config;

/**
 * A business entity that features describe, e.g. a customer.
 *
 * @param key the name of the key column in every feature table of this entity; keys are text
 */
public record EntityConfig(String name, String key, String description) {}
