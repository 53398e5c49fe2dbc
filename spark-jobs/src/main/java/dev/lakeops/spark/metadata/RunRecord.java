package dev.lakeops.spark.metadata;

import java.time.Instant;
import java.util.Map;

/**
 * One job run, as stored in the runs table.
 *
 * @param target what the run worked on: a source name or a training set name
 * @param status {@code succeeded}, {@code up_to_date} (nothing new to do) or {@code failed}
 * @param inputs what was read: file paths, or table names with their Delta versions
 * @param outputs table name → the Delta version the run wrote
 * @param codeVersion the git commit of the project, or null
 * @param params what the run was asked to do (e.g. model spec, training set version)
 * @param metrics what it measured (e.g. holdout metrics)
 */
public record RunRecord(
    String runId,
    String project,
    String command,
    String target,
    String status,
    Instant startedAt,
    Instant endedAt,
    long rowsRead,
    long rowsWritten,
    long rowsQuarantined,
    Map<String, String> inputs,
    Map<String, Long> outputs,
    String codeVersion,
    String configHash,
    String error,
    Map<String, String> params,
    Map<String, Double> metrics) {

  /**
   * A finished run of {@code command} on {@code target}, stamped with the project's code version
   * and configuration hash; params and metrics are empty (see {@link #with}).
   */
  public static RunRecord finished(
      dev.lakeops.common.config.ProjectConfig project,
      String runId,
      String command,
      String target,
      String status,
      Instant startedAt,
      long rowsRead,
      long rowsWritten,
      long rowsQuarantined,
      Map<String, String> inputs,
      Map<String, Long> outputs,
      String error) {
    return new RunRecord(
        runId,
        project.name(),
        command,
        target,
        status,
        startedAt,
        Instant.now(),
        rowsRead,
        rowsWritten,
        rowsQuarantined,
        inputs,
        outputs,
        dev.lakeops.common.config.ProjectFingerprint.codeVersion(project.dir()),
        dev.lakeops.common.config.ProjectFingerprint.configHash(project.dir()),
        error,
        Map.of(),
        Map.of());
  }

  /**
   * A failed run of {@code command} on {@code target} that wrote nothing: no rows, no outputs,
   * {@code error} as the reason; stamped as {@link #finished}.
   */
  public static RunRecord failed(
      dev.lakeops.common.config.ProjectConfig project,
      String runId,
      String command,
      String target,
      Instant startedAt,
      Map<String, String> inputs,
      String error) {
    return finished(
        project, runId, command, target, "failed", startedAt, 0, 0, 0, inputs, Map.of(), error);
  }

  /** The same run with params and metrics (the feature and training-set commands have none). */
  public RunRecord with(Map<String, String> params, Map<String, Double> metrics) {
    return new RunRecord(
        runId,
        project,
        command,
        target,
        status,
        startedAt,
        endedAt,
        rowsRead,
        rowsWritten,
        rowsQuarantined,
        inputs,
        outputs,
        codeVersion,
        configHash,
        error,
        params,
        metrics);
  }
}
