package dev.lakeops.common.config;

import java.io.Serializable;
import java.util.List;

/**
 * A business entity that features describe, e.g. a customer, or a pair such as a store and a
 * product.
 *
 * @param key the name of the key column in every feature table, events table and training set of
 *     this entity; it holds the key's canonical text ({@code dev.lakeops.common.events.EntityKeys})
 * @param joinKeys for a composite entity ({@code join_keys:} in {@code entities.yaml}), the names
 *     of its parts, in order (at least two); the key column then holds the parts' canonical texts
 *     as a JSON array, e.g. {@code ["S1","7"]}. Empty for a simple entity; never null
 */
public record EntityConfig(String name, String key, List<String> joinKeys, String description)
    implements Serializable {

  public EntityConfig {
    joinKeys = joinKeys == null ? List.of() : List.copyOf(joinKeys);
  }

  /** A simple (one-part) entity. */
  public EntityConfig(String name, String key, String description) {
    this(name, key, List.of(), description);
  }

  /** True when the key has several parts ({@link #joinKeys}). */
  public boolean composite() {
    return !joinKeys.isEmpty();
  }

  /**
   * The names of the key's parts: the join keys of a composite entity, else the key column alone. A
   * source's default key expressions are the columns of these names.
   */
  public List<String> parts() {
    return composite() ? joinKeys : List.of(key);
  }
}
