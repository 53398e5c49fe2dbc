package dev.lakeops.common.warehouse;

import java.util.List;

/**
 * The columns of the metadata store's runs and tasks tables ({@link Warehouse#runs()}, {@link
 * Warehouse#tasks()}), which Spark's jobs append to ({@code RunLog}, {@code TaskLog}) and the
 * pipeline runner appends to with Delta Kernel; {@code mlops runs} reads them. Both name them from
 * here, with the keys the pipeline runner writes into their maps.
 */
public final class MetadataColumns {
  /** The run's id (string, not null); in the tasks table, the run the task belongs to. */
  public static final String RUN_ID = "run_id";

  /** Runs: the project's name (string). */
  public static final String PROJECT = "project";

  /** Runs: the command, e.g. {@code features}, {@code train}, {@code pipeline} (string). */
  public static final String COMMAND = "command";

  /** Runs: what it ran on, e.g. a source, a model or a pipeline's name (string). */
  public static final String TARGET = "target";

  /** Runs and tasks: {@code succeeded}, {@code failed}, ... (string). */
  public static final String STATUS = "status";

  /** Runs and tasks: when it started (timestamp, µs). */
  public static final String STARTED_AT = "started_at";

  /** Runs and tasks: when it ended (timestamp, µs). */
  public static final String ENDED_AT = "ended_at";

  /** Runs and tasks: ended minus started, in milliseconds (long). */
  public static final String DURATION_MS = "duration_ms";

  /** Runs: rows read (long, may be null). */
  public static final String ROWS_READ = "rows_read";

  /** Runs: rows written (long, may be null). */
  public static final String ROWS_WRITTEN = "rows_written";

  /** Runs: rows sent to the quarantine (long, may be null). */
  public static final String ROWS_QUARANTINED = "rows_quarantined";

  /**
   * Runs: input table to the Delta version read (map of string to string); tasks: the same, as
   * text.
   */
  public static final String INPUTS = "inputs";

  /**
   * Runs: output table to the Delta version written (map of string to long); tasks: outputs as text
   * (map of string to string), for a pipeline task {@link #EXIT_CODE} and {@link #LOG}.
   */
  public static final String OUTPUTS = "outputs";

  /** Runs: the code commit it ran from (string). */
  public static final String CODE_VERSION = "code_version";

  /** Runs: the hash of the project's configuration (string). */
  public static final String CONFIG_HASH = "config_hash";

  /** Runs and tasks: why it failed (string, null when it did not). */
  public static final String ERROR = "error";

  /** Runs and tasks: parameters (map of string to string). */
  public static final String PARAMS = "params";

  /** Runs and tasks: metrics (map of string to double). */
  public static final String METRICS = "metrics";

  /** Tasks: the pipeline (or the job) the task is a step of (string). */
  public static final String PIPELINE = "pipeline";

  /** Tasks: the task's name (string, not null). */
  public static final String TASK = "task";

  /** The runs table's columns in the table's order. */
  public static final List<String> RUNS =
      List.of(
          RUN_ID,
          PROJECT,
          COMMAND,
          TARGET,
          STATUS,
          STARTED_AT,
          ENDED_AT,
          DURATION_MS,
          ROWS_READ,
          ROWS_WRITTEN,
          ROWS_QUARANTINED,
          INPUTS,
          OUTPUTS,
          CODE_VERSION,
          CONFIG_HASH,
          ERROR,
          PARAMS,
          METRICS);

  /** The tasks table's columns in the table's order. */
  public static final List<String> TASKS =
      List.of(
          RUN_ID,
          PIPELINE,
          TASK,
          STATUS,
          STARTED_AT,
          ENDED_AT,
          DURATION_MS,
          PARAMS,
          METRICS,
          INPUTS,
          OUTPUTS,
          ERROR);

  /** A pipeline task's params key: the attempt's number, from 1 (0: the task did not run). */
  public static final String ATTEMPT = "attempt";

  /** A pipeline task's params key: its type, e.g. {@code train} or {@code command}. */
  public static final String TASK_TYPE = "type";

  /** A pipeline task's params key: the command it ran, its words joined by blanks. */
  public static final String ARGV = "argv";

  /** A pipeline task's and run's params key: the pipeline run it belongs to. */
  public static final String PIPELINE_RUN = "pipeline_run";

  /** A pipeline task's outputs key: its process's exit code (absent when it had none). */
  public static final String EXIT_CODE = "exit_code";

  /** A pipeline task's outputs key: the file holding its process's output. */
  public static final String LOG = "log";

  private MetadataColumns() {}
}
