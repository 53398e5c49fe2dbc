package dev.lakeops.flink.scheduler;

import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.flink.delta.KernelTables;
import io.delta.kernel.Snapshot;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The retraining scheduler's durable state, a Delta table ({@code <db>.lakeops_scheduler}, at
 * {@code <warehouse>/<db>/_lakeops/scheduler}) written with Delta Kernel: an append-only log of
 * each trigger's status changes. A trigger's status is its entry with the highest {@code seq}.
 *
 * <p>Statuses: {@code pending} (seen, not started), {@code running} (written before its process
 * starts), {@code succeeded} / {@code failed} (written after it ends, with the exit code), and
 * {@code skipped} (a feature view's Delta version the scheduler saw on its first look: the baseline
 * that later versions are new against; never run). Each append is one Delta commit with the
 * transaction id {@code (lakeops-scheduler, seq)}: a second scheduler appending the same seq loses
 * the commit and stops ({@link ConcurrentSchedulerException}).
 */
final class SchedulerTable {
  static final String APP_ID = "lakeops-scheduler";

  /** A trigger's status. */
  enum Status {
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED,
    SKIPPED;

    String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    boolean finished() {
      return this == SUCCEEDED || this == FAILED || this == SKIPPED;
    }
  }

  /**
   * One entry of the log.
   *
   * @param seq the entry's position in the log (1, 2, ...)
   * @param triggerId the trigger
   * @param model the model to retrain
   * @param reason the trigger's reason ({@code drift}, {@code performance}, {@code schedule},
   *     {@code new_features})
   * @param cause for {@code new_features}: {@code view@version}; otherwise null
   * @param status the status from this entry on
   * @param exitCode the run process's exit code once it ended (null before, and when it is unknown:
   *     the process was gone on a restart without leaving its exit code)
   * @param startedAtMillis when the run started, epoch ms; null before
   * @param endedAtMillis when it ended, epoch ms; null before
   * @param logPath the run's output (stdout and stderr); null before it starts
   * @param message why, for failures the scheduler decided itself; else null
   * @param recordedAtMillis when this entry was written, epoch ms
   */
  record Entry(
      long seq,
      String triggerId,
      String model,
      String reason,
      String cause,
      Status status,
      Integer exitCode,
      Long startedAtMillis,
      Long endedAtMillis,
      String logPath,
      String message,
      long recordedAtMillis) {

    Entry with(Status s, Integer exit, Long started, Long ended, String log, String msg, long now) {
      return new Entry(0, triggerId, model, reason, cause, s, exit, started, ended, log, msg, now);
    }
  }

  /** Another scheduler appended to the table meanwhile. */
  static final class ConcurrentSchedulerException extends LakeOpsException {
    ConcurrentSchedulerException(String path) {
      super(
          "another scheduler wrote "
              + path
              + " at the same time; run one scheduler per warehouse and database.");
    }
  }

  private final KernelTables tables;
  private final String path;
  private final Map<String, Entry> latest = new LinkedHashMap<>();
  private final List<Entry> log = new ArrayList<>();
  private long lastSeq;

  SchedulerTable(KernelTables tables, String path) {
    this.tables = tables;
    this.path = path;
    tables.createIfMissing(path, schema());
    reload();
  }

  static StructType schema() {
    return new StructType()
        .add("seq", LongType.LONG, false)
        .add("trigger_id", StringType.STRING, false)
        .add("model", StringType.STRING, false)
        .add("reason", StringType.STRING, false)
        .add("cause", StringType.STRING, true)
        .add("status", StringType.STRING, false)
        .add("exit_code", IntegerType.INTEGER, true)
        .add("started_at", TimestampType.TIMESTAMP, true)
        .add("ended_at", TimestampType.TIMESTAMP, true)
        .add("log_path", StringType.STRING, true)
        .add("message", StringType.STRING, true)
        .add("recorded_at", TimestampType.TIMESTAMP, false);
  }

  String path() {
    return path;
  }

  /** Re-reads the table (what other processes wrote is seen after this). */
  void reload() {
    latest.clear();
    log.clear();
    List<Entry> entries = new ArrayList<>();
    for (Map<String, Object> r : tables.readAll(path)) {
      entries.add(
          new Entry(
              (Long) r.get("seq"),
              (String) r.get("trigger_id"),
              (String) r.get("model"),
              (String) r.get("reason"),
              (String) r.get("cause"),
              Status.valueOf(((String) r.get("status")).toUpperCase(java.util.Locale.ROOT)),
              (Integer) r.get("exit_code"),
              millis(r.get("started_at")),
              millis(r.get("ended_at")),
              (String) r.get("log_path"),
              (String) r.get("message"),
              millis(r.get("recorded_at"))));
    }
    entries.sort(Comparator.comparingLong(Entry::seq));
    for (Entry e : entries) {
      log.add(e);
      latest.put(e.triggerId(), e);
    }
    lastSeq = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).seq();
  }

  /** The trigger's latest entry, or empty when the scheduler never saw it. */
  Optional<Entry> latest(String triggerId) {
    return Optional.ofNullable(latest.get(triggerId));
  }

  /** The latest entry of every trigger, in order of first sight. */
  List<Entry> all() {
    return List.copyOf(latest.values());
  }

  /** Every entry, in log order. */
  List<Entry> log() {
    return List.copyOf(log);
  }

  /**
   * Appends {@code e} as the next entry (its seq is assigned) in one Delta commit.
   *
   * @return the entry as written
   * @throws ConcurrentSchedulerException when another writer took that seq
   */
  Entry append(Entry e) {
    long seq = lastSeq + 1;
    Entry written =
        new Entry(
            seq,
            e.triggerId(),
            e.model(),
            e.reason(),
            e.cause(),
            e.status(),
            e.exitCode(),
            e.startedAtMillis(),
            e.endedAtMillis(),
            e.logPath(),
            e.message(),
            e.recordedAtMillis());
    Object[] row = {
      seq,
      written.triggerId(),
      written.model(),
      written.reason(),
      written.cause(),
      written.status().key(),
      written.exitCode(),
      micros(written.startedAtMillis()),
      micros(written.endedAtMillis()),
      written.logPath(),
      written.message(),
      written.recordedAtMillis() * 1000
    };
    StructType schema = schema();
    List<Object[]> rows = new ArrayList<>();
    rows.add(row);
    var files = tables.writeFiles(path, schema, rows);
    if (!tables.commitOnce(path, APP_ID, seq, files)) {
      throw new ConcurrentSchedulerException(path);
    }
    lastSeq = seq;
    log.add(written);
    latest.put(written.triggerId(), written);
    return written;
  }

  /** The Delta version of the table at {@code path}, or empty when there is none. */
  static Optional<Long> version(KernelTables tables, String path) {
    return tables.snapshot(path).map(Snapshot::getVersion);
  }

  private static Long millis(Object micros) {
    return micros == null ? null : Math.floorDiv(((Number) micros).longValue(), 1000L);
  }

  private static Long micros(Long millis) {
    return millis == null ? null : millis * 1000;
  }
}
