package dev.lakeops.flink.serving;

import java.time.Duration;

/**
 * How a serving job runs: where the events come from, where predictions go, and its checkpoint and
 * poll intervals.
 *
 * @param inputDir a directory of JSON-lines files, watched for new files (unless {@code once}); or
 *     null when reading Kafka
 * @param kafkaBootstrap the Kafka bootstrap servers, for a topic input and/or an output topic
 * @param inputTopic the input topic, or null for a directory input
 * @param outputTopic the output topic (exactly-once transactions), or null for none
 * @param once read what is there now (the files present, the topic up to its current end) and stop
 * @param parallelism the job's parallelism, or 0 for the environment's default
 */
public record ServeSettings(
    String model,
    String warehouseRoot,
    String database,
    String inputDir,
    String kafkaBootstrap,
    String inputTopic,
    String outputTopic,
    Duration pollInterval,
    boolean once,
    Duration checkpointInterval,
    int parallelism) {

  public static final Duration DEFAULT_POLL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CHECKPOINT = Duration.ofSeconds(5);

  /** How often a watched input directory is listed for new files. */
  public static final Duration DIRECTORY_SCAN = Duration.ofSeconds(1);

  public String predictionLog() {
    return PredictionLog.path(warehouseRoot, database, model);
  }

  public String deadLetterLog() {
    return PredictionLog.deadLetterPath(warehouseRoot, database, model);
  }

  /**
   * {@code <warehouse>/<database>/_checkpoints/serve_<model>}: where a job that runs until
   * cancelled keeps its retained checkpoints ({@code <job id>/chk-<n>}).
   */
  public String checkpointDir() {
    String root = warehouseRoot.endsWith("/") ? warehouseRoot : warehouseRoot + "/";
    return root + database + "/_checkpoints/serve_" + model;
  }

  public ServeSettings withParallelism(int p) {
    return new ServeSettings(
        model,
        warehouseRoot,
        database,
        inputDir,
        kafkaBootstrap,
        inputTopic,
        outputTopic,
        pollInterval,
        once,
        checkpointInterval,
        p);
  }
}
