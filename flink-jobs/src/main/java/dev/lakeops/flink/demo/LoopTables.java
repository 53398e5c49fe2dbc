package dev.lakeops.flink.demo;

import dev.lakeops.common.delta.KernelReader;
import dev.lakeops.common.registry.ModelState;
import dev.lakeops.common.registry.ModelVersion;
import dev.lakeops.common.registry.RegistryTableReader;
import dev.lakeops.common.warehouse.PredictionLogColumns;
import dev.lakeops.common.warehouse.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the demo reads of the loop's Delta tables (Delta Kernel, latest versions): the prediction
 * log, the serving dead letter, the monitoring job's drift table, the trigger table, the
 * scheduler's state and the registry. Every read sees what the jobs committed by then.
 */
final class LoopTables {
  /** A trigger's latest state in the scheduler's table. */
  record SchedulerEntry(
      String triggerId, String status, Integer exitCode, Long startedMicros, Long endedMicros) {
    boolean finished() {
      return status.equals("succeeded") || status.equals("failed") || status.equals("skipped");
    }
  }

  /** A trigger as the monitoring job (or the scheduler) raised it. */
  record TriggerRow(String triggerId, String rule, Integer version, long raisedMicros) {}

  private final KernelReader kernel = new KernelReader();
  private final FileTally tally = new FileTally(kernel);
  private final Warehouse wh;
  private final String model;

  LoopTables(Warehouse wh, String model) {
    this.wh = wh;
    this.model = model;
  }

  /** How many rows a table holds now (0 when it does not exist yet). */
  long count(String path, String column) {
    return tally.of(path, column).rows();
  }

  /** Predictions logged plus events dead-lettered by serving. */
  long served() {
    return count(wh.predictions(model).path(), PredictionLogColumns.EVENT_ID) + deadLettered();
  }

  /** Events serving dead-lettered. */
  long deadLettered() {
    return count(wh.servingDeadLetter(model).path(), PredictionLogColumns.DEAD_AT);
  }

  /**
   * Predictions the monitoring job dead-lettered as late, and label lines it could not read: the
   * lines of its dead-letter files (JSON lines, one per record).
   */
  long monitorDeadLettered() {
    Path dir = Path.of(wh.monitoringDeadLetter(model));
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    // Finished files only: the sink's in-progress files are hidden (a leading dot).
    try (Stream<Path> files = Files.walk(dir)) {
      long n = 0;
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (!f.getFileName().toString().startsWith(".")) {
          try (Stream<String> lines = Files.lines(f)) {
            n += lines.filter(l -> !l.isBlank()).count();
          }
        }
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir, e);
    }
  }

  /** The latest window end (epoch µs) of the drift table, or {@code Long.MIN_VALUE}. */
  long driftWindowEndMicros() {
    return tally.of(wh.drift(model).path(), "window_end").max();
  }

  /** Every trigger of the model, by id. */
  Map<String, TriggerRow> triggers() {
    Map<String, TriggerRow> out = new LinkedHashMap<>();
    for (Map<String, Object> r : kernel.readAll(wh.triggers().path())) {
      if (model.equals(r.get("model"))) {
        String id = (String) r.get("trigger_id");
        out.put(
            id,
            new TriggerRow(
                id,
                (String) r.get("rule"),
                (Integer) r.get("model_version"),
                (Long) r.get("raised_at")));
      }
    }
    return out;
  }

  /** Each trigger's latest entry in the scheduler's table, by trigger id, in first-seen order. */
  Map<String, SchedulerEntry> scheduler() {
    Map<String, Long> seq = new HashMap<>();
    Map<String, SchedulerEntry> out = new LinkedHashMap<>();
    for (Map<String, Object> r : kernel.readAll(wh.scheduler().path())) {
      if (!model.equals(r.get("model"))) {
        continue;
      }
      String id = (String) r.get("trigger_id");
      long s = (Long) r.get("seq");
      if (seq.getOrDefault(id, Long.MIN_VALUE) < s) {
        seq.put(id, s);
        out.put(
            id,
            new SchedulerEntry(
                id,
                (String) r.get("status"),
                (Integer) r.get("exit_code"),
                (Long) r.get("started_at"),
                (Long) r.get("ended_at")));
      }
    }
    return out;
  }

  /** The model's registry state (versions, stages). */
  ModelState registry() {
    return new RegistryTableReader(kernel, wh.modelVersions().path()).state(model);
  }

  /** The production version's number, or 0. */
  int production() {
    return registry().champion().map(ModelVersion::version).orElse(0);
  }

  /** The prediction log's rows (all columns). */
  List<Map<String, Object>> predictions() {
    return kernel.readAll(wh.predictions(model).path());
  }
}
