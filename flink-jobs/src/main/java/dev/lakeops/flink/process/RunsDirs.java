package dev.lakeops.flink.process;

import dev.lakeops.common.warehouse.Warehouse;
import java.nio.file.Path;

/**
 * Where the processes a command starts keep their pid, exit code and log: a local directory, under
 * the warehouse when it is local ({@code <warehouse>/<database>/_lakeops/<name>}), else under the
 * working directory ({@code ./<name>/<database>}).
 */
public final class RunsDirs {
  private RunsDirs() {}

  /** The directory {@code name} (e.g. {@code scheduler_runs}) of the warehouse's database. */
  public static Path of(Warehouse wh, String name) {
    String root = wh.root();
    if (root.startsWith("/") || root.startsWith("file:")) {
      String local = root.startsWith("file:") ? java.net.URI.create(root).getPath() : root;
      return Path.of(local, wh.database(), "_lakeops", name);
    }
    return Path.of(name, wh.database()).toAbsolutePath();
  }
}
