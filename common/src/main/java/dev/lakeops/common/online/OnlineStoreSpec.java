package dev.lakeops.common.online;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything needed to open a project's online store anywhere: the store (with the embedded file
 * resolved to an absolute path) and each feature view's TTL and feature order. Serializable, so a
 * driver builds it once ({@link OnlineStores#spec}) and every Spark task or Flink subtask opens its
 * own store from it.
 *
 * @param views per view name, its TTL and features (reads return them in declaration order)
 */
public record OnlineStoreSpec(OnlineStoreConfig config, Map<String, OnlineView> views)
    implements Serializable {

  public OnlineStoreSpec {
    views = Map.copyOf(views);
  }

  /** Opens a new store; the caller closes it. */
  public OnlineStore open() {
    if (config instanceof OnlineStoreConfig.Redis r) {
      return new RedisOnlineStore(r.host(), r.port(), r.keyPrefix(), views);
    }
    String path = ((OnlineStoreConfig.Embedded) config).path();
    if (path == null) {
      throw new IllegalArgumentException(
          "the embedded store's file is not resolved; build the spec with OnlineStores.spec");
    }
    return new SqliteOnlineStore(Path.of(path), views);
  }

  /** Where the store is, e.g. {@code embedded:/wh/db/_online/features.db}. */
  public String describe() {
    return config.describe();
  }
}
