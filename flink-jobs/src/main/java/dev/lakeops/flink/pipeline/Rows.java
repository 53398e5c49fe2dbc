package dev.lakeops.flink.pipeline;

import static dev.lakeops.common.warehouse.MetadataColumns.*;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectFingerprint;
import dev.lakeops.common.pipeline.PipelineTask;
import dev.lakeops.flink.pipeline.RunState.Attempt;
import dev.lakeops.flink.pipeline.RunState.Invocation;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The metadata store's rows of a pipeline run: one per invocation, one per task attempt. */
final class Rows {
  /** The runs table's {@code command} of a pipeline run. */
  static final String COMMAND_PIPELINE = "pipeline";

  private Rows() {}

  /** The tasks table's row of an attempt (or of a decision not to run the task, attempt 0). */
  static Map<String, Object> task(RunState state, PipelineTask task, String name, Attempt a) {
    Map<String, Object> row = new HashMap<>();
    row.put(RUN_ID, a.invocation);
    row.put(PIPELINE, state.pipeline);
    row.put(TASK, name);
    row.put(STATUS, a.status);
    row.put(STARTED_AT, a.startedAtMillis * 1000);
    row.put(ENDED_AT, a.endedAtMillis == null ? null : a.endedAtMillis * 1000);
    row.put(DURATION_MS, a.endedAtMillis == null ? null : a.endedAtMillis - a.startedAtMillis);
    Map<String, String> params = new LinkedHashMap<>();
    params.put(TASK_TYPE, task.type().key());
    params.put(ATTEMPT, String.valueOf(a.number));
    params.put(PIPELINE_RUN, state.runId);
    if (!a.argv.isEmpty()) {
      params.put(ARGV, String.join(" ", a.argv));
    }
    row.put(PARAMS, params);
    row.put(METRICS, Map.of());
    row.put(INPUTS, Map.of());
    Map<String, String> outputs = new LinkedHashMap<>();
    if (a.exitCode != null) {
      outputs.put(EXIT_CODE, String.valueOf(a.exitCode));
    }
    if (a.log != null) {
      outputs.put(LOG, a.log);
    }
    row.put(OUTPUTS, outputs);
    row.put(ERROR, a.status.equals("succeeded") ? null : a.message);
    return row;
  }

  /** The runs table's row of one invocation ({@code run} or a {@code resume}) of a pipeline run. */
  static Map<String, Object> run(RunState state, ProjectConfig project, Invocation inv) {
    Map<String, Object> row = new HashMap<>();
    row.put(RUN_ID, inv.id);
    row.put(PROJECT, project.name());
    row.put(COMMAND, COMMAND_PIPELINE);
    row.put(TARGET, state.pipeline);
    row.put(STATUS, inv.status);
    row.put(STARTED_AT, inv.startedAtMillis * 1000);
    row.put(ENDED_AT, inv.endedAtMillis == null ? null : inv.endedAtMillis * 1000);
    row.put(
        DURATION_MS, inv.endedAtMillis == null ? null : inv.endedAtMillis - inv.startedAtMillis);
    row.put(INPUTS, Map.of());
    row.put(OUTPUTS, Map.of());
    row.put(CODE_VERSION, ProjectFingerprint.codeVersion(project.dir()));
    row.put(CONFIG_HASH, ProjectFingerprint.configHash(project.dir()));
    row.put(ERROR, inv.error);
    Map<String, String> params = new LinkedHashMap<>();
    params.put(PIPELINE_RUN, state.runId);
    params.put("invocation", inv.kind);
    row.put(PARAMS, params);
    row.put(METRICS, new LinkedHashMap<>(inv.metrics));
    return row;
  }
}
