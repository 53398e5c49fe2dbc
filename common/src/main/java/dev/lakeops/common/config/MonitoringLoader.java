package dev.lakeops.common.config;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import dev.lakeops.common.config.MonitoringConfig.Scheduler;
import dev.lakeops.common.features.Durations;
import dev.lakeops.common.monitoring.ModelMonitoring;
import dev.lakeops.common.monitoring.ModelMonitoring.Labels;
import dev.lakeops.common.monitoring.ModelMonitoring.Rule;
import dev.lakeops.common.monitoring.Statistic;
import dev.lakeops.common.training.ModelSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds and validates {@code monitoring.yaml} (see {@link MonitoringConfig}), beside {@link
 * ProjectLoader}, which calls it so that {@code mlops validate} lists its problems with the other
 * files'. Checked at load: every model is a model of {@code models.yaml}; a rule's statistic is a
 * {@link Statistic#key()}; its {@code feature} is {@code any}, {@code prediction} or one of the
 * model's inputs ({@link ModelSpec#features()}), and is given for drift statistics only; durations
 * are of the project's form ({@link Durations}); the cron expression is valid Unix cron.
 */
final class MonitoringLoader {
  private static final CronParser CRON =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final Map<String, ModelSpec> models;
  private final boolean upstreamProblems;

  /**
   * @param models the models of {@code models.yaml}
   * @param upstreamProblems whether the other files had problems: then models may be missing, and
   *     references to them are not checked (one mistake is reported once)
   */
  MonitoringLoader(Map<String, ModelSpec> models, boolean upstreamProblems) {
    this.models = models;
    this.upstreamProblems = upstreamProblems;
  }

  /** The file's configuration, or {@link MonitoringConfig#none()} when the file is absent. */
  MonitoringConfig load(ConfigNode root) {
    if (!root.isPresent()) {
      return MonitoringConfig.none();
    }
    root.checkKeys(List.of("models", "scheduler"));
    Map<String, ModelMonitoring> out = new LinkedHashMap<>();
    ConfigNode modelsNode = root.get("models");
    if (modelsNode.isPresent() && !modelsNode.isMapping()) {
      modelsNode.problem(
          "expected a mapping of model names to their monitoring.",
          "write 'models:' then '  <model of models.yaml>: {window: ..., rules: [...]}'.");
    }
    for (String name : modelsNode.keys()) {
      ModelMonitoring m = model(name, modelsNode.get(name));
      if (m != null) {
        out.put(name, m);
      }
    }
    return new MonitoringConfig(root.file(), out, scheduler(root.get("scheduler")));
  }

  private ModelMonitoring model(String name, ConfigNode n) {
    ModelSpec spec = models.get(name);
    if (spec == null && !upstreamProblems) {
      n.problem(
          "unknown model '" + name + "'; models.yaml has " + models.keySet() + ".",
          "name a model of models.yaml, or add the model there first.");
    }
    n.checkKeys(List.of("window", "labels", "rules"));
    ConfigNode w = n.get("window");
    Duration size = null;
    Duration slide = null;
    if (!w.isPresent()) {
      n.problemAt(
          "window",
          "missing required field: the event-time window the statistics are computed over.",
          "add 'window: {size: 1d}' (slide defaults to size: tumbling windows).");
    } else {
      w.checkKeys(List.of("size", "slide"));
      size =
          w.get("size")
              .requiredText("the window's length")
              .flatMap(t -> duration(w.get("size"), t))
              .orElse(null);
      slide = w.get("slide").text().flatMap(t -> duration(w.get("slide"), t)).orElse(null);
      if (size != null && slide != null && slide.compareTo(size) > 0) {
        w.get("slide")
            .problem(
                "the slide ("
                    + Durations.format(slide)
                    + ") is longer than the window ("
                    + Durations.format(size)
                    + "): events between windows would never be looked at.",
                "make slide at most size (equal for tumbling windows).");
      }
    }
    Labels labels = labels(n.get("labels"));
    List<Rule> rules = new ArrayList<>();
    for (ConfigNode r : n.get("rules").list()) {
      Rule rule = rule(r, spec);
      if (rule == null) {
        continue;
      }
      if (rules.stream().anyMatch(x -> x.name().equals(rule.name()))) {
        r.get("name")
            .problem(
                "the rule name '" + rule.name() + "' is used twice for model '" + name + "'.",
                "give each rule of a model its own name (it names the trigger).");
      } else {
        rules.add(rule);
      }
    }
    if (spec == null || size == null) {
      return null;
    }
    return new ModelMonitoring(name, size, slide, labels, rules);
  }

  private Labels labels(ConfigNode n) {
    if (!n.isPresent()) {
      return null;
    }
    n.checkKeys(List.of("path", "kafka", "event_id", "label", "ttl"));
    ConfigNode kafka = n.get("kafka");
    Optional<String> path = n.get("path").text();
    String topic = null;
    String bootstrap = null;
    if (kafka.isPresent()) {
      kafka.checkKeys(List.of("topic", "bootstrap"));
      topic = kafka.get("topic").requiredText("the label topic").orElse(null);
      bootstrap = kafka.get("bootstrap").requiredText("the Kafka brokers, host:port").orElse(null);
    }
    if (path.isPresent() == kafka.isPresent()) {
      n.problem(
          "expected exactly one of 'path' (a directory of CSV label files) and 'kafka' (a topic),"
              + " got "
              + (path.isPresent() ? "both." : "neither."),
          "write 'path: data/<dir>' or 'kafka: {topic: <topic>, bootstrap: host:port}'.");
    }
    Duration ttl =
        n.get("ttl")
            .requiredText("how long a prediction waits for its label, e.g. 7d")
            .flatMap(t -> duration(n.get("ttl"), t))
            .orElse(null);
    return new Labels(
        path.orElse(null),
        topic,
        bootstrap,
        n.get("event_id").textOr("event_id"),
        n.get("label").textOr("label"),
        ttl);
  }

  private Rule rule(ConfigNode n, ModelSpec spec) {
    n.checkKeys(List.of("name", "statistic", "feature", "threshold", "consecutive", "cooldown"));
    Optional<String> name = n.get("name").requiredText("the rule's name");
    if (name.isPresent() && !ProjectLoader.NAME.matcher(name.get()).matches()) {
      n.get("name")
          .problem("'" + name.get() + "' is not a valid rule name.", ProjectLoader.NAME_FIX);
      name = Optional.empty();
    }
    ConfigNode statNode = n.get("statistic");
    Optional<Statistic> statistic =
        statNode
            .requiredText("the statistic watched")
            .flatMap(
                k -> {
                  Optional<Statistic> s = Statistic.byKey(k);
                  if (s.isEmpty()) {
                    statNode.problem(
                        "unknown statistic '"
                            + k
                            + "'; expected one of the drift statistics ("
                            + Statistic.keys(Statistic.Kind.DRIFT)
                            + ") or the performance statistics ("
                            + Statistic.keys(Statistic.Kind.PERFORMANCE)
                            + ").",
                        "use one of the statistics listed.");
                  }
                  return s;
                });
    ConfigNode featureNode = n.get("feature");
    Optional<String> feature = featureNode.text();
    String boundFeature = null;
    if (statistic.isPresent() && statistic.get().kind() == Statistic.Kind.PERFORMANCE) {
      if (feature.isPresent()) {
        featureNode.problem(
            "'"
                + statistic.get().key()
                + "' is a performance statistic (of the predictions against their labels): it has"
                + " no feature.",
            "remove 'feature:' from this rule (it is for drift statistics only).");
      }
    } else {
      boundFeature = feature.orElse(ModelMonitoring.ANY_FEATURE);
      if (spec != null
          && !boundFeature.equals(ModelMonitoring.ANY_FEATURE)
          && !boundFeature.equals(ModelMonitoring.PREDICTION)
          && !spec.features().contains(boundFeature)) {
        featureNode.problem(
            "unknown feature '"
                + boundFeature
                + "'; expected 'any', 'prediction' or one of model '"
                + spec.name()
                + "''s inputs "
                + spec.features()
                + ".",
            "name an input of the model in models.yaml, or write 'feature: any'.");
        boundFeature = null;
        statistic = Optional.empty();
      }
    }
    Optional<Double> threshold = Optional.empty();
    if (n.get("threshold").isPresent()) {
      threshold = n.get("threshold").number();
    } else {
      n.get("threshold").requiredText("the threshold, in the statistic's unit");
    }
    if (threshold.isPresent() && !Double.isFinite(threshold.get())) {
      n.get("threshold").problem("expected a finite number.", "write a number such as 0.2.");
      threshold = Optional.empty();
    }
    int consecutive = 1;
    Optional<Double> c = n.get("consecutive").number();
    if (c.isPresent()) {
      if (c.get() != Math.rint(c.get()) || c.get() < 1 || c.get() > 10_000) {
        n.get("consecutive")
            .problem(
                "expected a whole number of windows from 1 to 10000, got " + c.get() + ".",
                "write e.g. consecutive: 2 (1, the default, triggers on the first breach).");
      } else {
        consecutive = c.get().intValue();
      }
    }
    Duration cooldown = Duration.ZERO;
    Optional<String> cd = n.get("cooldown").text();
    if (cd.isPresent() && !cd.get().equals("0")) {
      cooldown = duration(n.get("cooldown"), cd.get()).orElse(Duration.ZERO);
    }
    if (name.isEmpty() || statistic.isEmpty() || threshold.isEmpty()) {
      return null;
    }
    return new Rule(
        name.get(), statistic.get(), boundFeature, threshold.get(), consecutive, cooldown);
  }

  private Scheduler scheduler(ConfigNode n) {
    if (!n.isPresent()) {
      return Scheduler.DEFAULT;
    }
    n.checkKeys(List.of("retrain", "cron", "on_new_features"));
    List<String> retrain = n.get("retrain").textList();
    if (n.get("retrain").isPresent() && retrain.isEmpty()) {
      n.get("retrain")
          .problem(
              "expected the command as a list of its words.",
              "write e.g. retrain: [submit/mlops, train, --project, \"{project}\", --model,"
                  + " \"{model}\"], or remove it for the default.");
    }
    String cron = n.get("cron").text().orElse(null);
    if (cron != null) {
      try {
        CRON.parse(cron).validate();
      } catch (IllegalArgumentException e) {
        n.get("cron")
            .problem(
                "not a valid cron expression '" + cron + "': " + e.getMessage(),
                "write five fields (minute hour day-of-month month day-of-week, UTC), e.g."
                    + " \"0 3 * * *\" for 03:00 every day.");
        cron = null;
      }
    }
    boolean onNew = n.get("on_new_features").bool().orElse(false);
    return new Scheduler(retrain, cron, onNew);
  }

  private static Optional<Duration> duration(ConfigNode n, String text) {
    Optional<Duration> d = Durations.parse(text);
    if (d.isEmpty()) {
      n.problem(
          "expected a duration, got '" + text + "'.", "write " + Durations.ACCEPTED_FORMS + ".");
    }
    return d;
  }
}
