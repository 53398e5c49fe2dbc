package dev.lakeops.flink.monitoring;

import dev.lakeops.common.config.MonitoringConfig;
import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.ConfigProblem;
import dev.lakeops.common.features.Durations;
import dev.lakeops.common.warehouse.Warehouse;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a monitoring job ({@code mlops monitor}) runs: the model, its event-time windows, the label
 * stream and its TTL, the prediction stream, the warehouse the tables go to, and the watermark's
 * bound. Built with {@link #builder()}, which checks everything at once and throws one {@link
 * ConfigException} naming the source (the command line, or {@code monitoring.yaml}), each field
 * (the names of {@code monitoring.yaml}: {@code window.size}, {@code labels.ttl}, ...), what was
 * expected and the fix.
 *
 * <p>Windows are event-time, by the prediction's event time; a tumbling window has slide = size.
 * Durations are whole milliseconds.
 */
public final class MonitorSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The default bound on how far a prediction may come behind the latest one (5 s). */
  public static final Duration DEFAULT_OUT_OF_ORDERNESS = Duration.ofSeconds(5);

  /** The default checkpoint (and table commit) interval (5 s). */
  public static final Duration DEFAULT_CHECKPOINT = Duration.ofSeconds(5);

  /** How often the prediction log and the label directory are looked at for new data (1 s). */
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(1);

  private final String model;
  private final String warehouseRoot;
  private final String database;
  private final Duration windowSize;
  private final Duration windowSlide;
  private final Duration labelTtl;
  private final String labelDir;
  private final String labelTopic;
  private final String eventIdColumn;
  private final String labelColumn;
  private final String predictionLog;
  private final String predictionTopic;
  private final String kafkaBootstrap;
  private final Duration maxOutOfOrderness;
  private final Duration checkpointInterval;
  private final Duration pollInterval;
  private final boolean once;
  private final int parallelism;
  private final MonitoringConfig monitoring;
  private final boolean computeStatistics;

  private MonitorSettings(Builder b) {
    this.model = b.model;
    this.warehouseRoot = trim(b.warehouseRoot);
    this.database = b.database;
    this.windowSize = b.windowSize;
    this.windowSlide = b.windowSlide == null ? b.windowSize : b.windowSlide;
    this.labelTtl = b.labelTtl;
    this.labelDir = b.labelDir;
    this.labelTopic = b.labelTopic;
    this.eventIdColumn = b.eventIdColumn;
    this.labelColumn = b.labelColumn;
    this.predictionTopic = b.predictionTopic;
    this.predictionLog =
        b.predictionLog != null || b.predictionTopic != null
            ? b.predictionLog
            : new Warehouse(warehouseRoot, database).predictions(model).path();
    this.kafkaBootstrap = b.kafkaBootstrap;
    this.maxOutOfOrderness = b.maxOutOfOrderness;
    this.checkpointInterval = b.checkpointInterval;
    this.pollInterval = b.pollInterval;
    this.once = b.once;
    this.parallelism = b.parallelism;
    this.monitoring = b.monitoring;
    this.computeStatistics = b.computeStatistics;
  }

  /**
   * Whether the job computes its statistics (true, the default; always true for {@code mlops
   * monitor}). False only for the monitoring benchmark's baseline ({@code submit/bench monitor}):
   * the job still reads and decodes the predictions and labels, assigns event time, filters late
   * predictions, joins labels by event id (keyed state with the TTL), keys the predictions by model
   * version into the same event-time windows and the outcomes by model, but the drift windows only
   * count their rows (no {@code FeatureWindow} summaries, no {@code DriftStatistics}) and the
   * outcomes are only counted (no performance windows or accumulators), so no statistic reaches the
   * rule stage, the gauges or the tables. The throughput ratio of the two isolates what the
   * statistics cost.
   */
  public boolean computeStatistics() {
    return computeStatistics;
  }

  /**
   * The project's {@code monitoring.yaml}, whose rules for {@link #model()} mark the statistics and
   * raise triggers; {@link MonitoringConfig#none()} when the project has none (no statistic is then
   * checked).
   */
  public MonitoringConfig monitoring() {
    return monitoring;
  }

  private static String trim(String root) {
    return root != null && root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The registry model name. */
  public String model() {
    return model;
  }

  public String warehouseRoot() {
    return warehouseRoot;
  }

  public String database() {
    return database;
  }

  /** The warehouse layout of the output tables. */
  public Warehouse warehouse() {
    return new Warehouse(warehouseRoot, database);
  }

  /** The event-time window's length. */
  public Duration windowSize() {
    return windowSize;
  }

  /** How far consecutive windows start apart; equal to {@link #windowSize()} when tumbling. */
  public Duration windowSlide() {
    return windowSlide;
  }

  /**
   * How long (event time of the prediction stream) a prediction waits for its label, and a label
   * for its prediction, before the prediction is counted expired or the label unmatched.
   */
  public Duration labelTtl() {
    return labelTtl;
  }

  /** The directory of CSV label files followed as it grows, or null when labels come from Kafka. */
  public String labelDir() {
    return labelDir;
  }

  /** The label topic (JSON objects), or null when labels come from files. */
  public String labelTopic() {
    return labelTopic;
  }

  /** The label column that holds the prediction's event id. */
  public String eventIdColumn() {
    return eventIdColumn;
  }

  /** The label column that holds the true value (a class index, or a number for regression). */
  public String labelColumn() {
    return labelColumn;
  }

  /** The Delta prediction log followed as it grows, or null when predictions come from Kafka. */
  public String predictionLog() {
    return predictionLog;
  }

  /** The serving job's output topic (its JSON), or null when the Delta log is read. */
  public String predictionTopic() {
    return predictionTopic;
  }

  /** The Kafka brokers, for a label or prediction topic; null without one. */
  public String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  /** How far a prediction's event time may be behind the latest seen and still count. */
  public Duration maxOutOfOrderness() {
    return maxOutOfOrderness;
  }

  public Duration checkpointInterval() {
    return checkpointInterval;
  }

  /** How often the prediction log and the label directory are polled. */
  public Duration pollInterval() {
    return pollInterval;
  }

  /** Read what is there now (files and log versions present, topics to their end) and stop. */
  public boolean once() {
    return once;
  }

  /** The job's parallelism, or 0 for the environment's. */
  public int parallelism() {
    return parallelism;
  }

  /** Where malformed label lines go: {@code <warehouse>/<db>/dead_letter/monitor_<model>}. */
  public String deadLetterDir() {
    return new Warehouse(warehouseRoot, database).monitoringDeadLetter(model);
  }

  /** {@code <warehouse>/<db>/_checkpoints/monitor_<model>}. */
  public String checkpointDir() {
    return new Warehouse(warehouseRoot, database).monitoringCheckpoints(model);
  }

  /** The same settings with another parallelism. */
  public MonitorSettings withParallelism(int p) {
    return toBuilder().parallelism(p).build();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.source = "settings";
    b.model = model;
    b.warehouseRoot = warehouseRoot;
    b.database = database;
    b.windowSize = windowSize;
    b.windowSlide = windowSlide;
    b.labelTtl = labelTtl;
    b.labelDir = labelDir;
    b.labelTopic = labelTopic;
    b.eventIdColumn = eventIdColumn;
    b.labelColumn = labelColumn;
    b.predictionLog = predictionTopic == null ? predictionLog : null;
    b.predictionTopic = predictionTopic;
    b.kafkaBootstrap = kafkaBootstrap;
    b.maxOutOfOrderness = maxOutOfOrderness;
    b.checkpointInterval = checkpointInterval;
    b.pollInterval = pollInterval;
    b.once = once;
    b.parallelism = parallelism;
    b.monitoring = monitoring;
    b.computeStatistics = computeStatistics;
    return b;
  }

  @Override
  public String toString() {
    return "MonitorSettings{model="
        + model
        + ", window="
        + Durations.format(windowSize)
        + "/"
        + Durations.format(windowSlide)
        + ", ttl="
        + Durations.format(labelTtl)
        + ", labels="
        + (labelDir != null ? labelDir : "topic " + labelTopic)
        + ", predictions="
        + (predictionTopic != null ? "topic " + predictionTopic : predictionLog)
        + "}";
  }

  /**
   * Collects the settings; {@link #build()} checks them. Field names in errors are those of {@code
   * monitoring.yaml} (see the monitoring contract), so a loader that maps the file onto this
   * builder passes its file name to {@link #source(String)} and the errors point into the file.
   */
  public static final class Builder {
    private String source = "the command line";
    private String model;
    private String warehouseRoot;
    private String database;
    private Duration windowSize;
    private Duration windowSlide;
    private Duration labelTtl;
    private String labelDir;
    private String labelTopic;
    private String eventIdColumn = "event_id";
    private String labelColumn = "label";
    private String predictionLog;
    private String predictionTopic;
    private String kafkaBootstrap;
    private Duration maxOutOfOrderness = DEFAULT_OUT_OF_ORDERNESS;
    private Duration checkpointInterval = DEFAULT_CHECKPOINT;
    private Duration pollInterval = DEFAULT_POLL;
    private boolean once;
    private int parallelism;
    private MonitoringConfig monitoring = MonitoringConfig.none();
    private boolean computeStatistics = true;

    private Builder() {}

    /**
     * False switches the statistics off, for the benchmark's baseline only (see {@link
     * MonitorSettings#computeStatistics()}); default true.
     */
    public Builder computeStatistics(boolean on) {
      this.computeStatistics = on;
      return this;
    }

    /** The project's monitoring.yaml (rules and triggers); default: none. */
    public Builder monitoring(MonitoringConfig monitoring) {
      this.monitoring = Objects.requireNonNull(monitoring);
      return this;
    }

    /** Where the settings come from, named in errors (a file, or "the command line"). */
    public Builder source(String source) {
      this.source = Objects.requireNonNull(source);
      return this;
    }

    public Builder model(String model) {
      this.model = model;
      return this;
    }

    /** The warehouse root and the project's database (the tables' location). */
    public Builder warehouse(String root, String database) {
      this.warehouseRoot = root;
      this.database = database;
      return this;
    }

    /** The window's size; the slide defaults to it (tumbling). */
    public Builder window(Duration size) {
      this.windowSize = size;
      return this;
    }

    /** A sliding window: {@code slide} positive and at most {@code size}. */
    public Builder window(Duration size, Duration slide) {
      this.windowSize = size;
      this.windowSlide = slide;
      return this;
    }

    public Builder labelTtl(Duration ttl) {
      this.labelTtl = ttl;
      return this;
    }

    /** Labels from CSV files (with a header) in {@code dir}, followed as files are added. */
    public Builder labelDir(String dir) {
      this.labelDir = dir;
      return this;
    }

    /** Labels from a Kafka topic of JSON objects (needs {@link #kafkaBootstrap}). */
    public Builder labelTopic(String topic) {
      this.labelTopic = topic;
      return this;
    }

    /** The label columns: the event id and the label (defaults {@code event_id}, {@code label}). */
    public Builder labelColumns(String eventId, String label) {
      this.eventIdColumn = eventId;
      this.labelColumn = label;
      return this;
    }

    /** A Delta prediction log other than the model's default one. */
    public Builder predictionLog(String path) {
      this.predictionLog = path;
      return this;
    }

    /** Predictions from the serving job's output topic (needs {@link #kafkaBootstrap}). */
    public Builder predictionTopic(String topic) {
      this.predictionTopic = topic;
      return this;
    }

    public Builder kafkaBootstrap(String bootstrap) {
      this.kafkaBootstrap = bootstrap;
      return this;
    }

    public Builder maxOutOfOrderness(Duration d) {
      this.maxOutOfOrderness = d;
      return this;
    }

    public Builder checkpointInterval(Duration d) {
      this.checkpointInterval = d;
      return this;
    }

    public Builder pollInterval(Duration d) {
      this.pollInterval = d;
      return this;
    }

    public Builder once(boolean once) {
      this.once = once;
      return this;
    }

    public Builder parallelism(int p) {
      this.parallelism = p;
      return this;
    }

    /**
     * Checks and builds.
     *
     * @throws ConfigException listing every problem (source, field, expected, fix)
     */
    public MonitorSettings build() {
      List<ConfigProblem> p = new ArrayList<>();
      required(p, "model", model, "name a model of models.yaml");
      required(p, "warehouse", warehouseRoot, "give the warehouse root (--warehouse)");
      required(p, "database", database, "the project's database (project.yaml)");
      positive(p, "window.size", windowSize, "e.g. 1h or 1d");
      if (windowSlide != null) {
        positive(p, "window.slide", windowSlide, "e.g. 1h; omit it for tumbling windows");
        if (windowSize != null
            && !windowSlide.isNegative()
            && !windowSlide.isZero()
            && windowSlide.compareTo(windowSize) > 0) {
          p.add(
              problem(
                  "window.slide",
                  "the slide "
                      + Durations.format(windowSlide)
                      + " is longer than the window "
                      + Durations.format(windowSize)
                      + " (rows between windows would be skipped).",
                  "give a slide at most the window's size, or omit it for tumbling windows."));
        }
      }
      positive(p, "labels.ttl", labelTtl, "how long a prediction waits for its label, e.g. 7d");
      if ((labelDir == null) == (labelTopic == null)) {
        p.add(
            problem(
                "labels",
                labelDir == null
                    ? "no label stream is given."
                    : "both a label directory and a label topic are given.",
                "give exactly one: labels.path (a directory of CSV files) or labels.kafka.topic."));
      }
      required(p, "labels.event_id", eventIdColumn, "the label column holding the event id");
      required(p, "labels.label", labelColumn, "the label column holding the true value");
      if (predictionLog != null && predictionTopic != null) {
        p.add(
            problem(
                "predictions",
                "both a prediction log and a prediction topic are given.",
                "give one: the serving job's Delta log (the default) or its output topic."));
      }
      if ((labelTopic != null || predictionTopic != null)
          && (kafkaBootstrap == null || kafkaBootstrap.isBlank())) {
        p.add(
            problem(
                "kafka.bootstrap",
                "a topic is read but no Kafka brokers are given.",
                "give the brokers (host:port), e.g. --kafka-bootstrap 127.0.0.1:9092."));
      }
      if (maxOutOfOrderness == null || maxOutOfOrderness.isNegative()) {
        p.add(
            problem(
                "max_out_of_orderness",
                "expected a duration >= 0, got " + maxOutOfOrderness + ".",
                "give e.g. 5s (0 when predictions come in event-time order)."));
      }
      positive(p, "checkpoint_interval", checkpointInterval, "e.g. 5s");
      positive(p, "poll_interval", pollInterval, "e.g. 1s");
      if (parallelism < 0) {
        p.add(problem("parallelism", "expected >= 0, got " + parallelism + ".", "give 0 or more."));
      }
      if (!p.isEmpty()) {
        throw dev.lakeops.flink.FlinkErrors.invalidOptions(p);
      }
      return new MonitorSettings(this);
    }

    private ConfigProblem problem(String field, String message, String fix) {
      return new ConfigProblem(source, field, 0, message, fix);
    }

    private void required(List<ConfigProblem> p, String field, String value, String fix) {
      if (value == null || value.isBlank()) {
        p.add(problem(field, "a value is required.", fix + "."));
      }
    }

    private void positive(List<ConfigProblem> p, String field, Duration d, String example) {
      if (d == null || d.isNegative() || d.isZero() || d.toMillis() == 0) {
        p.add(
            problem(
                field,
                "expected a positive duration of at least 1 ms, got "
                    + (d == null ? "none" : Durations.format(d))
                    + ".",
                "give " + Durations.ACCEPTED_FORMS + "; " + example + "."));
      }
    }
  }
}
