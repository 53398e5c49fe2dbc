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
    String error) {}
