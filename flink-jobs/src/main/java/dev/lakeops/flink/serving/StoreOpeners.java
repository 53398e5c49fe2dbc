package dev.lakeops.flink.serving;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.online.OnlineStoreConfig;
import dev.lakeops.common.online.OnlineStoreSpec;
import dev.lakeops.common.online.OnlineStores;

/** The project's online store, opened in each task. */
public final class StoreOpeners {
  private StoreOpeners() {}

  /**
   * The store of {@code config} (the project's, or a command-line override), resolved on the
   * client: the embedded file's path and each view's TTL travel with the job.
   *
   * @throws dev.lakeops.common.error.ConfigException when the embedded store has no local path
   */
  public static StoreOpener of(
      OnlineStoreConfig config, String warehouseRoot, ProjectConfig project) {
    OnlineStoreSpec spec = OnlineStores.spec(config, warehouseRoot, project);
    return spec::open;
  }
}
