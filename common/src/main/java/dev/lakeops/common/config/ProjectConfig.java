package dev.lakeops.common.config;

import dev.lakeops.common.online.OnlineStoreConfig;
import dev.lakeops.common.pipeline.PipelinesConfig;
import dev.lakeops.common.training.ModelSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A validated project: every name it references exists and every expression type-checks. Built only
 * by {@link ProjectLoader}.
 *
 * @param database the catalog database the offline tables are registered in
 * @param models the models of {@code models.yaml}, checked against their training sets
 * @param onlineStore the online store of {@code project.yaml} ({@code online_store:}), embedded by
 *     default
 * @param monitoring the monitored models and the retraining scheduler of {@code monitoring.yaml};
 *     {@link MonitoringConfig#none()} when the project has no such file
 * @param pipelines the pipelines of {@code pipelines.yaml}; {@link PipelinesConfig#none()} when the
 *     project has no such file
 */
public record ProjectConfig(
    Path dir,
    String name,
    String database,
    Map<String, EntityConfig> entities,
    Map<String, SourceConfig> sources,
    Map<String, FeatureViewConfig> featureViews,
    Map<String, LabelConfig> labels,
    Map<String, TrainingSetConfig> trainingSets,
    Map<String, ModelSpec> models,
    OnlineStoreConfig onlineStore,
    MonitoringConfig monitoring,
    PipelinesConfig pipelines) {

  public ProjectConfig {
    pipelines = pipelines == null ? PipelinesConfig.none() : pipelines;
  }

  /** A project without {@code pipelines.yaml} (the components before pipelines existed). */
  public ProjectConfig(
      Path dir,
      String name,
      String database,
      Map<String, EntityConfig> entities,
      Map<String, SourceConfig> sources,
      Map<String, FeatureViewConfig> featureViews,
      Map<String, LabelConfig> labels,
      Map<String, TrainingSetConfig> trainingSets,
      Map<String, ModelSpec> models,
      OnlineStoreConfig onlineStore,
      MonitoringConfig monitoring) {
    this(
        dir,
        name,
        database,
        entities,
        sources,
        featureViews,
        labels,
        trainingSets,
        models,
        onlineStore,
        monitoring,
        PipelinesConfig.none());
  }

  public List<FeatureViewConfig> viewsOf(String source) {
    return featureViews.values().stream().filter(v -> v.source().equals(source)).toList();
  }

  /** Resolves a source path: absolute paths and URIs stay, others are relative to the project. */
  public String resolvePath(String path) {
    if (path.contains("://") || path.startsWith("/") || path.matches("^[a-zA-Z]+:.*")) {
      return path;
    }
    return dir.resolve(path).toAbsolutePath().normalize().toString();
  }
}
