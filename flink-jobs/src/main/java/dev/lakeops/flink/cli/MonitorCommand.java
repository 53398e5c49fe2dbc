package dev.lakeops.flink.cli;

import dev.lakeops.common.cli.CliArgs;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.ConfigProblem;
import dev.lakeops.common.features.Durations;
import dev.lakeops.common.monitoring.ModelMonitoring;
import dev.lakeops.flink.FlinkErrors;
import dev.lakeops.flink.monitoring.MonitorJob;
import dev.lakeops.flink.monitoring.MonitorSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code mlops monitor}: the monitoring job ({@link MonitorJob}) of a served model. The options are
 * declared and documented in {@link dev.lakeops.common.cli.MlopsCommand.Monitor} (common); this
 * class maps them onto {@link MonitorSettings} (whose builder checks them) and runs the job. Exit
 * codes: 0 done (with {@code --once}; otherwise the job runs until cancelled), 1 the job failed, 2
 * the command line or configuration is wrong.
 */
public final class MonitorCommand {
  /** Flink's Prometheus reporter, switched on by {@code --prometheus-port}. */
  static final String PROMETHEUS_FACTORY =
      "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

  private final PrintStream out;

  public MonitorCommand(PrintStream out) {
    this.out = out;
  }

  /**
   * A checked command line.
   *
   * @param flinkConf Flink settings over the job's defaults ({@code --flink-conf}'s, then the
   *     Prometheus reporter's)
   */
  record Parsed(MonitorSettings settings, Map<String, String> flinkConf) {}

  Parsed parse(CliArgs a) throws IOException {
    String model = a.required("--model", "name");
    ProjectConfig project = ProjectLoader.load(a.project());
    if (!project.models().containsKey(model)) {
      throw FlinkErrors.unknownModel(project, model);
    }
    String labels = a.option("--labels").orElse(null);
    if (labels != null && !labels.contains("://") && !Files.isDirectory(Path.of(labels))) {
      throw FlinkErrors.noSuchDirectory(a.command, "label directory", labels);
    }
    Optional<ModelMonitoring> conf = project.monitoring().model(model);
    Optional<ModelMonitoring.Labels> confLabels = conf.map(ModelMonitoring::labels);
    String confLabelDir =
        confLabels.map(ModelMonitoring.Labels::path).map(p -> resolve(project, p)).orElse(null);
    boolean labelsOnCommandLine = labels != null || a.option("--label-topic").isPresent();
    if (!labelsOnCommandLine
        && confLabelDir != null
        && !confLabelDir.contains("://")
        && !Files.isDirectory(Path.of(confLabelDir))) {
      throw FlinkErrors.noLabelDirectory(project.monitoring().file(), model, confLabelDir);
    }
    // monitoring.yaml's entry for the model gives the defaults; the command line overrides them
    var b =
        MonitorSettings.builder()
            .source(
                conf.isPresent()
                    ? "the command line and " + project.monitoring().file()
                    : "the command line")
            .model(model)
            .monitoring(project.monitoring())
            .warehouse(a.warehouse(), project.database())
            .window(
                a.duration("--window").or(() -> conf.map(ModelMonitoring::windowSize)).orElse(null),
                a.duration("--slide").or(() -> conf.map(ModelMonitoring::windowSlide)).orElse(null))
            .labelTtl(
                a.duration("--label-ttl")
                    .or(() -> confLabels.map(ModelMonitoring.Labels::ttl))
                    .orElse(null))
            .labelDir(labelsOnCommandLine ? labels : confLabelDir)
            .labelTopic(
                labelsOnCommandLine
                    ? a.option("--label-topic").orElse(null)
                    : confLabels.map(ModelMonitoring.Labels::kafkaTopic).orElse(null))
            .labelColumns(
                a.option("--label-event-id")
                    .or(() -> confLabels.map(ModelMonitoring.Labels::eventIdColumn))
                    .orElse("event_id"),
                a.option("--label-column")
                    .or(() -> confLabels.map(ModelMonitoring.Labels::labelColumn))
                    .orElse("label"))
            .predictionTopic(a.option("--prediction-topic").orElse(null))
            .kafkaBootstrap(
                a.option("--kafka-bootstrap")
                    .or(() -> confLabels.map(ModelMonitoring.Labels::kafkaBootstrap))
                    .orElse(null))
            .once(a.flag("--once"))
            .parallelism(a.positiveInt("--parallelism").orElse(0));
    a.duration("--max-out-of-orderness").ifPresent(b::maxOutOfOrderness);
    a.duration("--checkpoint-interval").ifPresent(b::checkpointInterval);
    Map<String, String> flinkConf = new LinkedHashMap<>();
    if (a.flinkConf().isPresent()) {
      flinkConf.putAll(FlinkCli.flinkConf(a.command, a.flinkConf().get()));
    }
    a.option("--prometheus-port")
        .ifPresent(
            port -> {
              if (!port.matches("\\d{1,5}(-\\d{1,5})?")) {
                throw FlinkErrors.badPrometheusPort(a.command, port);
              }
              flinkConf.put("metrics.reporter.prom.factory.class", PROMETHEUS_FACTORY);
              flinkConf.put("metrics.reporter.prom.port", port);
            });
    MonitorSettings settings;
    try {
      settings = b.build();
    } catch (ConfigException e) { // name the options, not monitoring.yaml's fields
      throw FlinkErrors.invalidOptions(
          e.problems().stream()
              .map(
                  q ->
                      new ConfigProblem(
                          q.file(),
                          OPTIONS.getOrDefault(q.field(), q.field()),
                          q.line(),
                          q.problem(),
                          q.fix()))
              .toList());
    }
    StartingPoint.resolve(a, settings.checkpointDir(), out)
        .ifPresent(path -> flinkConf.put(StartingPoint.STATE_RECOVERY_PATH, path));
    return new Parsed(settings, flinkConf);
  }

  /** A path of monitoring.yaml: a relative one is relative to the project directory. */
  private static String resolve(ProjectConfig project, String path) {
    return path.contains("://") ? path : project.dir().resolve(path).normalize().toString();
  }

  /** The options that set {@link MonitorSettings}' fields (as its errors name them). */
  static final Map<String, String> OPTIONS =
      Map.of(
          "window.size", "--window",
          "window.slide", "--slide",
          "labels.ttl", "--label-ttl",
          "labels", "--labels/--label-topic",
          "kafka.bootstrap", "--kafka-bootstrap",
          "max_out_of_orderness", "--max-out-of-orderness",
          "checkpoint_interval", "--checkpoint-interval",
          "labels.event_id", "--label-event-id",
          "labels.label", "--label-column");

  /** Runs the parsed command line. */
  int execute(CliArgs a) throws Exception {
    Parsed p = parse(a);
    MonitorSettings s = p.settings();
    Configuration conf = MonitorJob.flinkConfig(s);
    conf.addAll(Configuration.fromMap(p.flinkConf()));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    MonitorSummary.count(MonitorJob.build(env, s));
    out.printf(
        "monitoring model %s: %s windows%s, labels wait %s%n",
        s.model(),
        Durations.format(s.windowSize()),
        s.windowSlide().equals(s.windowSize())
            ? ""
            : " sliding by " + Durations.format(s.windowSlide()),
        Durations.format(s.labelTtl()));
    out.printf(
        "  predictions  <- %s%n",
        s.predictionTopic() != null ? "topic " + s.predictionTopic() : s.predictionLog());
    out.printf(
        "  labels       <- %s%n", s.labelDir() != null ? s.labelDir() : "topic " + s.labelTopic());
    out.printf("  drift        -> %s%n", s.warehouse().drift(s.model()).name());
    out.printf("  performance  -> %s%n", s.warehouse().performance(s.model()).name());
    out.printf("  dead letters -> %s%n", s.deadLetterDir());
    if (p.flinkConf().containsKey("metrics.reporter.prom.port")) {
      out.printf(
          "  metrics      -> http://<host>:%s/metrics%n",
          p.flinkConf().get("metrics.reporter.prom.port"));
    }
    JobExecutionResult result = env.execute("lakeops-monitor-" + s.model());
    out.print(MonitorSummary.of(result).lines(result.getNetRuntime()));
    return 0;
  }
}
