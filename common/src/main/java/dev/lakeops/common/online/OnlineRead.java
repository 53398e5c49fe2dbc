package dev.lakeops.common.online;

import java.time.Instant;
import java.util.Optional;

/**
 * The answer of a read of one (feature view, entity key) at a time {@code t}: the row, or why there
 * is none.
 *
 * @param status what the store found
 * @param row the values at {@code t} when {@code status} is {@link Status#FOUND}, else null
 * @param rowTimeMillis the event time (epoch ms) of the entity's latest row at or before {@code t}
 *     when known ({@link Status#FOUND}, {@link Status#EXPIRED}), else null
 */
public record OnlineRead(Status status, FeatureRow row, Long rowTimeMillis) {

  /** Why a read has or has no row. */
  public enum Status {
    /** A fresh row at or before {@code t}; window features aggregated over {@code (t − w, t]}. */
    FOUND,
    /** The store holds nothing for the key in this view. */
    NO_ROW,
    /** The entity's first event is later than {@code t}: it had no row at {@code t}. */
    NONE_AT_OR_BEFORE,
    /**
     * The store keeps only the entity's recent history (the longest window of its latest event),
     * which does not reach back to {@code t}: the answer at {@code t} is unknown, so none is given
     * (never a row later than {@code t}).
     */
    NOT_REACHED,
    /** The latest row at or before {@code t} is older than the view's TTL at {@code t}. */
    EXPIRED,
    /** The row was stored with another definition of the view (or format): re-materialize. */
    STALE
  }

  static final OnlineRead NO_ROW = new OnlineRead(Status.NO_ROW, null, null);
  static final OnlineRead NONE_AT_OR_BEFORE = new OnlineRead(Status.NONE_AT_OR_BEFORE, null, null);
  static final OnlineRead NOT_REACHED = new OnlineRead(Status.NOT_REACHED, null, null);
  static final OnlineRead STALE = new OnlineRead(Status.STALE, null, null);

  /** The row, or empty. */
  public Optional<FeatureRow> toOptional() {
    return Optional.ofNullable(row);
  }

  /** Why there is no row at {@code asOfMillis}, in words (for the CLI); "found" when there is. */
  public String reason(java.time.Duration ttl, long asOfMillis) {
    Instant at = Instant.ofEpochMilli(asOfMillis);
    return switch (status) {
      case FOUND -> "found";
      case NO_ROW -> "no row";
      case NONE_AT_OR_BEFORE -> "no row at or before " + at;
      case NOT_REACHED ->
          "history does not reach back to "
              + at
              + " (the store keeps the longest window of the latest event)";
      case EXPIRED ->
          "expired (the latest row, at "
              + Instant.ofEpochMilli(rowTimeMillis)
              + ", is older than the view's ttl "
              + dev.lakeops.common.features.Durations.format(ttl) // 365d, not PT8760H
              + " at "
              + at
              + ")";
      case STALE ->
          "stored with another definition of the view; re-run 'mlops materialize' or the"
              + " online-store job";
    };
  }
}
