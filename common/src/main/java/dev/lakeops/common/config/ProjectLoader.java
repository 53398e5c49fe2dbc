package dev.lakeops.common.config;

import dev.lakeops.common.error.ConfigProblem;
import dev.lakeops.common.online.OnlineStoreConfig;
import dev.lakeops.common.pipeline.PipelinesConfig;
import dev.lakeops.common.pipeline.TaskType.Reference;
import dev.lakeops.common.training.ModelSpec;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Loads and validates a project directory: {@code project.yaml}, {@code entities.yaml}, {@code
 * sources.yaml}, {@code feature_views.yaml} and, optionally, {@code labels.yaml}, {@code
 * training_sets.yaml}, {@code models.yaml}, {@code monitoring.yaml} ({@link MonitoringLoader}) and
 * {@code pipelines.yaml} ({@link PipelinesLoader}). Every problem is reported with its file, field
 * path, line and fix, all at once, before any engine starts.
 */
public final class ProjectLoader extends SectionLoader {
  public static final String PROJECT = "project.yaml";
  public static final String ENTITIES = "entities.yaml";
  public static final String SOURCES = "sources.yaml";
  public static final String FEATURE_VIEWS = "feature_views.yaml";
  public static final String LABELS = "labels.yaml";
  public static final String TRAINING_SETS = "training_sets.yaml";
  public static final String MODELS = "models.yaml";
  public static final String MONITORING = MonitoringConfig.FILE;
  public static final String PIPELINES = PipelinesConfig.FILE;

  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  static final String NAME_FIX =
      "use lower-case letters, digits and '_', starting with a letter (it becomes a table name).";

  private final Path dir;

  private ProjectLoader(Path dir) {
    super(new Problems());
    this.dir = dir;
  }

  /**
   * Loads the project in {@code dir}.
   *
   * @throws dev.lakeops.common.error.ConfigException listing every problem found
   */
  public static ProjectConfig load(Path dir) {
    return new ProjectLoader(dir).load();
  }

  private ProjectConfig load() {
    if (!Files.isDirectory(dir)) {
      problems.add(
          new ConfigProblem(
              dir.toString(),
              "",
              0,
              "the project directory does not exist.",
              "pass --project <dir> with a directory holding "
                  + PROJECT
                  + " (see conf/examples/)."));
      problems.throwIfAny();
    }
    ConfigNode project = read(PROJECT, true);
    project.checkKeys(List.of("name", "database", "description", "online_store"));
    String name =
        checkName(project.get("name"), project.get("name").requiredText("the project name"));
    String database =
        checkName(
            project.get("database"),
            Optional.of(project.get("database").textOr(name == null ? "lakeops" : name)));

    OnlineStoreConfig onlineStore = onlineStore(project.get("online_store"));
    // Each section is loaded after those it refers to; what failed in one is remembered so that
    // references to it from the next are not reported again (one mistake, one problem).
    FeatureViewsLoader viewsLoader = new FeatureViewsLoader(problems);
    ConfigNode root = read(ENTITIES, true);
    int mark = problems.mark();
    Map<String, EntityConfig> entities = viewsLoader.entities(root);
    rememberUnloaded(root, "entities", ENTITIES, entities.keySet(), mark);
    root = read(SOURCES, true);
    mark = problems.mark();
    Map<String, SourceConfig> sources = new SourcesLoader(problems).sources(root, entities);
    rememberUnloaded(root, "sources", SOURCES, sources.keySet(), mark);
    root = read(FEATURE_VIEWS, true);
    mark = problems.mark();
    Map<String, FeatureViewConfig> views = viewsLoader.views(root, entities, sources);
    rememberUnloaded(root, "feature_views", FEATURE_VIEWS, views.keySet(), mark);
    root = read(LABELS, false);
    mark = problems.mark();
    Map<String, LabelConfig> labels = new LabelsLoader(problems).labels(root, entities, sources);
    rememberUnloaded(root, "labels", LABELS, labels.keySet(), mark);
    root = read(TRAINING_SETS, false);
    Map<String, TrainingSetConfig> sets =
        new TrainingSetsLoader(problems).trainingSets(root, labels, views);
    Map<String, ModelSpec> models =
        new ModelSpecParser(
                new ModelSpecParser.ProjectConfigView(
                    entities, views, labels, sets, !problems.isEmpty()))
            .models(read(MODELS, false));
    MonitoringConfig monitoring =
        new MonitoringLoader(models, !problems.isEmpty()).load(read(MONITORING, false));
    PipelinesConfig pipelines =
        new PipelinesLoader(
                new PipelinesLoader.Known(
                    Map.of(
                        Reference.MODEL, models.keySet(),
                        Reference.TRAINING_SET, sets.keySet(),
                        Reference.FEATURE_VIEW, views.keySet(),
                        Reference.SOURCE, sources.keySet()),
                    !problems.isEmpty()))
            .load(read(PIPELINES, false));
    problems.throwIfAny();
    return new ProjectConfig(
        dir.toAbsolutePath().normalize(),
        name,
        database,
        entities,
        sources,
        views,
        labels,
        sets,
        models,
        onlineStore,
        monitoring,
        pipelines);
  }

  private OnlineStoreConfig onlineStore(ConfigNode node) {
    if (!node.isPresent()) {
      return OnlineStoreConfig.embeddedDefault();
    }
    node.checkKeys(List.of("type", "path", "host", "port", "key_prefix"));
    Optional<String> type =
        node.get("type")
            .oneOf(node.get("type").requiredText("the store type"), Set.of("embedded", "redis"));
    if (type.isEmpty()) {
      return OnlineStoreConfig.embeddedDefault();
    }
    if (type.get().equals("embedded")) {
      return new OnlineStoreConfig.Embedded(node.get("path").text().orElse(null));
    }
    String host = node.get("host").textOr("127.0.0.1");
    double port = node.get("port").number().orElse(6379.0);
    if (port != Math.rint(port) || port < 1 || port > 65535) {
      node.get("port").problem("expected a TCP port (1-65535).", "write e.g. port: 6379.");
    }
    return new OnlineStoreConfig.Redis(host, (int) port, node.get("key_prefix").textOr(""));
  }

  private ConfigNode read(String fileName, boolean required) {
    Path file = dir.resolve(fileName);
    String shown = file.toString();
    if (!Files.exists(file)) {
      if (required) {
        problems.fileUnusable(fileName);
        problems.add(
            new ConfigProblem(
                shown,
                "",
                0,
                "the file is missing.",
                "create it; see conf/examples/elec2/" + fileName + "."));
      }
      return new ConfigNode(shown, "", null, problems);
    }
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Node node = new Yaml(new LoaderOptions()).compose(r);
      ConfigNode root = new ConfigNode(shown, "", node, problems);
      if (node != null && !root.isMapping()) {
        root.problem("expected a mapping of 'field: value' lines at the top.", null);
        problems.fileUnusable(fileName);
        return new ConfigNode(shown, "", null, problems);
      }
      return root;
    } catch (MarkedYAMLException e) {
      problems.fileUnusable(fileName);
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      problems.add(
          new ConfigProblem(
              shown,
              "",
              line,
              "not valid YAML: " + e.getProblem() + ".",
              "fix the YAML syntax on that line."));
    } catch (IOException e) {
      problems.fileUnusable(fileName);
      problems.add(
          new ConfigProblem(
              shown,
              "",
              0,
              "cannot be read: " + e.getMessage() + ".",
              "check the file's permissions."));
    }
    return new ConfigNode(shown, "", null, problems);
  }
}
