package dev.lakeops.common.events;

import dev.lakeops.common.config.EventTime;
import dev.lakeops.common.config.SourceConfig;
import java.util.Optional;

/**
 * The one warning both engines give when event times are probably misread: every time of a batch (a
 * Spark run's rows; the Flink job's first such event) is before 1971-01-01T00:00Z, or more than a
 * year after the processing time. Both are what a numeric event time read in the wrong unit gives
 * (epoch seconds read as milliseconds fall in January 1970; microseconds read as milliseconds land
 * tens of thousands of years ahead), and what a wrong {@code format} or {@code row_index.start}
 * gives. For a numeric event time the warning names the unit that would put the times in the
 * plausible range, if one does. Rows are not refused for it (old data can be real): it is a
 * warning.
 */
public final class EventTimePlausibility {
  private EventTimePlausibility() {}

  /** The earliest plausible event time: 1971-01-01T00:00Z, in epoch microseconds. */
  public static final long EARLIEST_MICROS = 31_536_000L * 1_000_000L;

  /** How far after the processing time an event time is still plausible: a year (365 days). */
  public static final long AHEAD_MICROS = 365L * 86_400L * 1_000_000L;

  /**
   * The warning for a batch of {@code source}'s event times, or empty when they are plausible (a
   * dimension source's valid-from times are never questioned: rows valid always start in 1900).
   *
   * @param minMicros the batch's earliest event time, epoch µs
   * @param maxMicros its latest, epoch µs
   * @param nowMicros the processing time, epoch µs
   */
  public static Optional<String> check(
      SourceConfig source, long minMicros, long maxMicros, long nowMicros) {
    if (source.dimension()) {
      return Optional.empty();
    }
    boolean old = maxMicros < EARLIEST_MICROS;
    boolean ahead = minMicros > nowMicros + AHEAD_MICROS;
    if (!old && !ahead) {
      return Optional.empty();
    }
    StringBuilder w =
        new StringBuilder("source '")
            .append(source.name())
            .append("': every event time ")
            .append(old ? "is before 1971" : "is more than a year ahead of now")
            .append(" (")
            .append(text(minMicros))
            .append(" to ")
            .append(text(maxMicros))
            .append(")");
    EpochUnit unit = unit(source.eventTime());
    if (unit == null) {
      return Optional.of(
          w.append(": check the event_time ")
              .append(source.eventTime() instanceof EventTime.FromRowIndex ? "row_index" : "format")
              .append(" in sources.yaml.")
              .toString());
    }
    w.append(", read as epoch ").append(unit.key());
    for (EpochUnit u : EpochUnit.values()) {
      if (u == unit) {
        continue;
      }
      Long lo = u.toMicros(unit.fromMicros(minMicros));
      Long hi = u.toMicros(unit.fromMicros(maxMicros));
      if (lo != null && hi != null && lo >= EARLIEST_MICROS && hi <= nowMicros + AHEAD_MICROS) {
        return Optional.of(
            w.append("; as epoch ")
                .append(u.key())
                .append(" they would be ")
                .append(text(lo))
                .append(" to ")
                .append(text(hi))
                .append(": if that is right, set 'unit: ")
                .append(u.key())
                .append("' in the source's event_time in sources.yaml, then run 'features")
                .append(
                    " --full-refresh' (rows already ingested keep the times they were read with).")
                .toString());
      }
    }
    return Optional.of(w.append(": check the event_time unit in sources.yaml.").toString());
  }

  private static EpochUnit unit(EventTime t) {
    if (t instanceof EventTime.FromColumn c) {
      return c.unit();
    }
    return t instanceof EventTime.FromExpression e ? e.unit() : null;
  }

  private static String text(long micros) {
    return EventTimes.format(micros);
  }
}
