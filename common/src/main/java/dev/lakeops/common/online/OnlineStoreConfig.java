package dev.lakeops.common.online;

import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.Errors;
import java.io.Serializable;

/**
 * Which online store a project uses: {@code online_store:} in {@code project.yaml}.
 *
 * <pre>
 * online_store: {type: embedded}                       # the default; a file under the warehouse
 * online_store: {type: embedded, path: /data/online.db}
 * online_store: {type: redis, host: 127.0.0.1, port: 6379}
 * </pre>
 *
 * <p>Serializable: Spark executors and Flink tasks receive it and open their own store.
 */
public sealed interface OnlineStoreConfig extends Serializable {

  /** Where a command-line override comes from, as shown in error messages. */
  String OPTION = "--online-store";

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

  /**
   * Parses a command-line override: {@code redis://host[:port][/prefix]} (port 6379 by default),
   * {@code embedded} (the default file under the warehouse) or {@code embedded:/path/to/file.db}.
   *
   * @throws ConfigException naming the option, what was expected and how to fix it
   */
  static OnlineStoreConfig parse(String uri) {
    String u = uri == null ? "" : uri.trim();
    if (u.equals("embedded")) {
      return embeddedDefault();
    }
    if (u.startsWith("embedded:")) {
      String path = u.substring("embedded:".length());
      if (path.startsWith("//")) {
        path = path.substring(2);
      }
      if (path.isBlank()) {
        throw badUri(uri, "the embedded store needs a file path after 'embedded:'.");
      }
      return new Embedded(path);
    }
    if (u.startsWith("redis://")) {
      String rest = u.substring("redis://".length());
      int slash = rest.indexOf('/');
      String hostPort = slash < 0 ? rest : rest.substring(0, slash);
      String prefix = slash < 0 ? "" : rest.substring(slash + 1);
      String host = hostPort;
      int port = 6379;
      int colon = hostPort.lastIndexOf(':');
      if (colon >= 0) {
        host = hostPort.substring(0, colon);
        try {
          port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
          port = -1;
        }
        if (port < 1 || port > 65535) {
          throw badUri(uri, "'" + hostPort.substring(colon + 1) + "' is not a TCP port (1-65535).");
        }
      }
      if (host.isBlank()) {
        throw badUri(uri, "the Redis URI names no host.");
      }
      return new Redis(host, port, prefix);
    }
    throw badUri(
        uri,
        "unsupported online store '"
            + uri
            + "'; expected redis://host:port[/prefix], embedded or embedded:/path/to/file.db.");
  }

  private static ConfigException badUri(String uri, String problem) {
    return Errors.badOnlineStoreUri(OPTION, problem);
  }

  /** A one-line description for logs and command output. */
  default String describe() {
    if (this instanceof Redis r) {
      return "redis://"
          + r.host()
          + ":"
          + r.port()
          + (r.keyPrefix().isEmpty() ? "" : "/" + r.keyPrefix());
    }
    Embedded e = (Embedded) this;
    return "embedded:"
        + (e.path() == null ? "<warehouse>/<database>/_online/features.db" : e.path());
  }
}
