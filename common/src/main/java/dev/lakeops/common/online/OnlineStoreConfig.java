package dev.lakeops.common.online;

/**
 * Which online store a project uses: {@code online_store:} in {@code project.yaml}.
 *
 * <pre>
 * online_store: {type: embedded}                       # the default; a file under the warehouse
 * online_store: {type: embedded, path: /data/online.db}
 * online_store: {type: redis, host: 127.0.0.1, port: 6379}
 * </pre>
 */
public sealed interface OnlineStoreConfig {

  /**
   * The embedded store: one file, readable by other processes while a job writes.
   *
   * @param path the file, or {@code null} for the default {@code
   *     <warehouse>/<database>/_online/features.db}
   */
  record Embedded(String path) implements OnlineStoreConfig {}

  /**
   * A Redis server.
   *
   * @param keyPrefix prepended to every key, so projects can share one server
   */
  record Redis(String host, int port, String keyPrefix) implements OnlineStoreConfig {}

  static OnlineStoreConfig embeddedDefault() {
    return new Embedded(null);
  }
}
