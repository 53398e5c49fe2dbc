package dev.lakeops.flink.cli;

import dev.lakeops.common.cli.Human;
import dev.lakeops.flink.monitoring.MonitorJob;
import org.apache.flink.api.common.JobExecutionResult;

/**
 * The counts {@code mlops monitor} prints when its job ends ({@code --once}), as {@code serve
 * --once} prints its own: what was read, what became of it in the label join, what was written and
 * raised. Counted by Flink accumulators on branches of the job's streams ({@link JobCounts}).
 *
 * @param predictions predictions read (from the log or the topic), late ones included
 * @param labels labels read and decoded
 * @param labelled predictions joined with their label within the TTL
 * @param expired predictions whose label did not come within the TTL
 * @param unmatched labels whose prediction did not come within the TTL
 * @param statistics window statistics written to the drift and performance tables
 * @param triggers retraining triggers raised (0 without rules for the model)
 * @param deadLetters records sent to the dead letter (malformed labels or predictions, late
 *     predictions)
 */
public record MonitorSummary(
    long predictions,
    long labels,
    long labelled,
    long expired,
    long unmatched,
    long statistics,
    long triggers,
    long deadLetters) {
  static final String PREDICTIONS = "lakeops-monitor-predictions";
  static final String LABELS = "lakeops-monitor-labels";
  static final String LABELLED = "lakeops-monitor-labelled";
  static final String EXPIRED = "lakeops-monitor-expired";
  static final String UNMATCHED = "lakeops-monitor-unmatched";
  static final String STATISTICS = "lakeops-monitor-statistics";
  static final String TRIGGERS = "lakeops-monitor-triggers";
  static final String DEAD_LETTERS = "lakeops-monitor-dead-letters";

  /** Adds the counting branches to the job of {@code streams}. */
  public static void count(MonitorJob.Streams streams) {
    JobCounts.countBy(
        streams.inputs(),
        "monitor-inputs",
        in -> in.prediction() != null ? PREDICTIONS : LABELS,
        PREDICTIONS,
        LABELS);
    JobCounts.countBy(
        streams.outcomes(),
        "monitor-outcomes",
        o ->
            switch (o.kind()) {
              case LABELLED -> LABELLED;
              case EXPIRED -> EXPIRED;
              case UNMATCHED -> UNMATCHED;
            },
        LABELLED,
        EXPIRED,
        UNMATCHED);
    JobCounts.count(streams.rows(), STATISTICS);
    if (streams.triggers() != null) {
      JobCounts.count(streams.triggers(), TRIGGERS);
    }
    JobCounts.count(streams.deadLetters(), DEAD_LETTERS);
  }

  /** The counts of a finished job. */
  public static MonitorSummary of(JobExecutionResult r) {
    return new MonitorSummary(
        JobCounts.get(r, PREDICTIONS),
        JobCounts.get(r, LABELS),
        JobCounts.get(r, LABELLED),
        JobCounts.get(r, EXPIRED),
        JobCounts.get(r, UNMATCHED),
        JobCounts.get(r, STATISTICS),
        JobCounts.get(r, TRIGGERS),
        JobCounts.get(r, DEAD_LETTERS));
  }

  /**
   * The summary's lines, e.g. {@code done in 2.1 s: 120 predictions and 100 labels read} then
   * {@code label join: 95 predictions labelled, 25 expired without a label, 5 labels unmatched}
   * then {@code written: 24 window statistics, 1 trigger raised, 3 records to the dead letter}.
   *
   * @param elapsedMs the job's run time (ms)
   */
  public String lines(long elapsedMs) {
    return String.format(
        "done in %s: %s and %s read%n"
            + "  label join: %s labelled, %s expired without a label, %s unmatched%n"
            + "  written: %s, %s raised, %s to the dead letter%n",
        Human.elapsed(elapsedMs),
        Human.count(predictions, "prediction"),
        Human.count(labels, "label"),
        Human.count(labelled, "prediction"),
        expired,
        Human.count(unmatched, "label"),
        Human.count(statistics, "window statistic"),
        Human.count(triggers, "trigger"),
        Human.count(deadLetters, "record"));
  }
}
