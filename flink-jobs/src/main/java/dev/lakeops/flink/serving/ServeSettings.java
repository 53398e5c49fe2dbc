package dev.lakeops.flink.serving;

import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.io.OptionChecks;
import java.time.Duration;

/**
 * How a serving job runs: the model, its warehouse, where the events come from, where predictions
 * go, and its checkpoint and poll intervals. Built and checked by {@link #builder()}; the tables
 * and directories it names come from {@link Warehouse}.
 */
public final class ServeSettings {
  private static final String NAME = "ServeSettings";

  /** How often the registry is polled for a new production version unless set: 10 s. */
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(10);

  /** How often state is checkpointed (and the sinks commit) unless set: 5 s. */
  public static final Duration DEFAULT_CHECKPOINT = Duration.ofSeconds(5);

  /** How often a watched input directory is listed for new files unless set: 1 s. */
  public static final Duration DEFAULT_DISCOVERY = Duration.ofSeconds(1);

  private final String model;
  private final Warehouse warehouse;
  private final String inputDir;
  private final String kafkaBootstrap;
  private final String inputTopic;
  private final String outputTopic;
  private final Duration pollInterval;
  private final Duration discoveryInterval;
  private final boolean once;
  private final Duration checkpointInterval;
  private final int parallelism;

  private ServeSettings(Builder b) {
    this.model = b.model;
    this.warehouse = b.warehouse;
    this.inputDir = b.inputDir;
    this.kafkaBootstrap = b.kafkaBootstrap;
    this.inputTopic = b.inputTopic;
    this.outputTopic = b.outputTopic;
    this.pollInterval = b.pollInterval;
    this.discoveryInterval = b.discoveryInterval;
    this.once = b.once;
    this.checkpointInterval = b.checkpointInterval;
    this.parallelism = b.parallelism;
  }

  /** A builder with the defaults ({@link #DEFAULT_POLL}, {@link #DEFAULT_CHECKPOINT}, ...). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings (to change some of them). */
  public Builder toBuilder() {
    Builder b =
        new Builder()
            .model(model)
            .warehouse(warehouse)
            .kafkaBootstrap(kafkaBootstrap)
            .outputTopic(outputTopic)
            .pollInterval(pollInterval)
            .discoveryInterval(discoveryInterval)
            .once(once)
            .checkpointInterval(checkpointInterval)
            .parallelism(parallelism);
    b.inputDir = inputDir;
    b.inputTopic = inputTopic;
    return b;
  }

  /** The model served (a model of {@code models.yaml}). */
  public String model() {
    return model;
  }

  /** The warehouse the registry is read from and the logs are written to. */
  public Warehouse warehouse() {
    return warehouse;
  }

  /** The warehouse root (a local path or a Hadoop URI). */
  public String warehouseRoot() {
    return warehouse.root();
  }

  /** The project's database under the warehouse root. */
  public String database() {
    return warehouse.database();
  }

  /** The watched directory of JSON-lines files, or null when reading a Kafka topic. */
  public String inputDir() {
    return inputDir;
  }

  /** The Kafka bootstrap servers, or null when no topic is read or written. */
  public String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  /** The input topic, or null when reading a directory. */
  public String inputTopic() {
    return inputTopic;
  }

  /** The output topic (exactly-once transactions), or null for none. */
  public String outputTopic() {
    return outputTopic;
  }

  /** How often the registry is polled for a new production version. */
  public Duration pollInterval() {
    return pollInterval;
  }

  /** How often a watched input directory is listed for new files. */
  public Duration discoveryInterval() {
    return discoveryInterval;
  }

  /** Whether the job reads what is there now (the files present, a topic to its end) and stops. */
  public boolean once() {
    return once;
  }

  /** How often state is checkpointed and the sinks commit. */
  public Duration checkpointInterval() {
    return checkpointInterval;
  }

  /** The job's parallelism, or 0 for the environment's default. */
  public int parallelism() {
    return parallelism;
  }

  /** The prediction log's location: {@link Warehouse#predictions(String)}. */
  public String predictionLog() {
    return warehouse.predictions(model).path();
  }

  /** The dead letter's location: {@link Warehouse#servingDeadLetter(String)}. */
  public String deadLetterLog() {
    return warehouse.servingDeadLetter(model).path();
  }

  /**
   * Where a job that runs until cancelled keeps its retained checkpoints ({@code <job
   * id>/chk-<n>}): {@link Warehouse#servingCheckpoints(String)}.
   */
  public String checkpointDir() {
    return warehouse.servingCheckpoints(model);
  }

  /** The same settings with another parallelism. */
  public ServeSettings withParallelism(int p) {
    return toBuilder().parallelism(p).build();
  }

  @Override
  public String toString() {
    return NAME
        + "{model="
        + model
        + ", warehouse="
        + warehouse
        + ", input="
        + (inputDir != null ? inputDir : "topic " + inputTopic)
        + ", outputTopic="
        + outputTopic
        + ", once="
        + once
        + "}";
  }

  /**
   * Builds {@link ServeSettings}. Required: {@link #model}, {@link #warehouse} and one input
   * ({@link #inputDir} or {@link #inputTopic}); {@link #kafkaBootstrap} when a topic is read or
   * written. {@link #build()} checks them and the ranges and names the option that is wrong.
   */
  public static final class Builder {
    private String model;
    private Warehouse warehouse;
    private String inputDir;
    private String kafkaBootstrap;
    private String inputTopic;
    private String outputTopic;
    private Duration pollInterval = DEFAULT_POLL;
    private Duration discoveryInterval = DEFAULT_DISCOVERY;
    private boolean once;
    private Duration checkpointInterval = DEFAULT_CHECKPOINT;
    private int parallelism;
    private String source = NAME;

    private Builder() {}

    /** The model to serve (required): a model of {@code models.yaml} with a production version. */
    public Builder model(String model) {
      this.model = model;
      return this;
    }

    /** The warehouse holding the registry, where the logs and checkpoints go (required). */
    public Builder warehouse(Warehouse warehouse) {
      this.warehouse = warehouse;
      return this;
    }

    /** The warehouse {@code root} (a local path or a Hadoop URI) and the project's database. */
    public Builder warehouse(String root, String database) {
      return warehouse(new Warehouse(root, database));
    }

    /**
     * A directory of JSON-lines files to read, watched for new files unless {@link #once}; the
     * other input is {@link #inputTopic}.
     */
    public Builder inputDir(String dir) {
      this.inputDir = dir;
      return this;
    }

    /**
     * A Kafka topic to read (needs {@link #kafkaBootstrap}); the other input is {@link #inputDir}.
     */
    public Builder inputTopic(String topic) {
      this.inputTopic = topic;
      return this;
    }

    /** The Kafka bootstrap servers ({@code host:port,...}), for an input or output topic. */
    public Builder kafkaBootstrap(String servers) {
      this.kafkaBootstrap = servers;
      return this;
    }

    /** A topic the predictions are also written to, exactly once; null (default) for none. */
    public Builder outputTopic(String topic) {
      this.outputTopic = topic;
      return this;
    }

    /** How often the registry is polled for a new production version (default 10 s; > 0). */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = interval;
      return this;
    }

    /**
     * How often a watched input directory ({@link #inputDir}) is listed for new files (default
     * {@link ServeSettings#DEFAULT_DISCOVERY}; > 0).
     */
    public Builder discoveryInterval(Duration interval) {
      this.discoveryInterval = interval;
      return this;
    }

    /** Read what is there now (the files present, a topic to its current end) and stop. */
    public Builder once(boolean once) {
      this.once = once;
      return this;
    }

    /** How often state is checkpointed and the sinks commit (default 5 s; at least 10 ms). */
    public Builder checkpointInterval(Duration interval) {
      this.checkpointInterval = interval;
      return this;
    }

    /** The job's parallelism (at least 1), or 0 (default) for the environment's default. */
    public Builder parallelism(int parallelism) {
      this.parallelism = parallelism;
      return this;
    }

    /** Where the settings come from, named in each problem (default {@code ServeSettings}). */
    public Builder source(String source) {
      this.source = source;
      return this;
    }

    /**
     * The checked settings.
     *
     * @throws dev.lakeops.common.error.ConfigException listing every problem, each naming the
     *     option: a required one missing, both inputs or none, a topic without bootstrap servers,
     *     an interval or the parallelism out of range
     */
    public ServeSettings build() {
      OptionChecks c = new OptionChecks(source);
      c.required("model", model, "the model to serve");
      c.required("warehouse", warehouse, "the warehouse holding the registry");
      if ((inputDir == null) == (inputTopic == null)) {
        c.problem(
            "inputDir/inputTopic",
            "expected exactly one input, got " + (inputDir == null ? "neither." : "both."),
            "give a directory of JSON-lines files (--input) or a Kafka topic (--topic).");
      }
      if (inputTopic != null || outputTopic != null) {
        c.required("kafkaBootstrap", kafkaBootstrap, "the Kafka servers of the topics");
      }
      c.atLeast("pollInterval", pollInterval, Duration.ofMillis(1), "a positive interval");
      c.atLeast(
          "discoveryInterval", discoveryInterval, Duration.ofMillis(1), "a positive interval");
      c.atLeast(
          "checkpointInterval",
          checkpointInterval,
          OptionChecks.MIN_CHECKPOINT_INTERVAL,
          "Flink's minimum");
      c.atLeast("parallelism", parallelism, 0, "0 for the environment's default");
      c.throwIfAny();
      return new ServeSettings(this);
    }
  }
}
