package dev.lakeops.common.online;

import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.Errors;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Opens a project's online store from its configuration. */
public final class OnlineStores {
  /** The embedded store's file under the warehouse: {@code <warehouse>/<database>/...}. */
  public static final String DEFAULT_EMBEDDED_FILE = "_online/features.db";

  private OnlineStores() {}

  /**
   * Opens the store: TTLs and feature order from the project's feature views; the embedded file
   * defaults to {@code <warehouse>/<database>/_online/features.db}.
   *
   * @param config the store ({@code project.onlineStore()} or a command-line override)
   * @param warehouseRoot the warehouse root (a local path or {@code file:} URI for the default
   *     embedded file)
   * @throws ConfigException when the embedded store has no local path to live at
   */
  public static OnlineStore open(
      OnlineStoreConfig config, String warehouseRoot, ProjectConfig project) {
    return spec(config, warehouseRoot, project).open();
  }

  /** The serializable form of {@link #open}: resolve once on the driver, open in each task. */
  public static OnlineStoreSpec spec(
      OnlineStoreConfig config, String warehouseRoot, ProjectConfig project) {
    Map<String, OnlineView> views = new LinkedHashMap<>();
    for (FeatureViewConfig v : project.featureViews().values()) {
      views.put(v.name(), OnlineView.of(v));
    }
    OnlineStoreConfig resolved = config == null ? OnlineStoreConfig.embeddedDefault() : config;
    if (resolved instanceof OnlineStoreConfig.Embedded e) {
      resolved = new OnlineStoreConfig.Embedded(embeddedFile(e, warehouseRoot, project).toString());
    }
    return new OnlineStoreSpec(resolved, views);
  }

  /** The embedded store's file: the configured path (relative to the project), or the default. */
  static Path embeddedFile(
      OnlineStoreConfig.Embedded e, String warehouseRoot, ProjectConfig project) {
    if (e.path() != null) {
      Path p = localPath(e.path());
      if (p == null) {
        throw Errors.embeddedStoreNotLocal(
            project.dir().resolve(ProjectLoader.PROJECT).toString(), e.path());
      }
      return p.isAbsolute() ? p : project.dir().resolve(p).toAbsolutePath().normalize();
    }
    Path root = warehouseRoot == null ? null : localPath(warehouseRoot);
    if (root == null) {
      throw Errors.embeddedStoreWarehouseNotLocal(
          project.dir().resolve(ProjectLoader.PROJECT).toString(),
          ProjectLoader.PROJECT,
          warehouseRoot);
    }
    return root.resolve(project.database())
        .resolve(DEFAULT_EMBEDDED_FILE)
        .toAbsolutePath()
        .normalize();
  }

  /** A local path for a plain path or a {@code file:} URI; null for any other URI. */
  static Path localPath(String s) {
    if (s.startsWith("file:")) {
      String path = URI.create(s).getPath();
      return Path.of(path == null ? s.substring("file:".length()) : path);
    }
    if (s.contains("://") || s.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*")) {
      return null;
    }
    return Path.of(s);
  }
}
