package dev.lakeops.flink.io;

/**
 * One text record as read from a file or a Kafka topic, before decoding.
 *
 * @param origin where it came from: {@code <file>:<line>} (1-based) or {@code
 *     <topic>-<partition>@<offset>}
 * @param index the record's index among the non-blank lines of its file (0-based, a header
 *     included), or -1 for records without a position (Kafka)
 * @param text the record without its line end
 * @param first the first non-blank line of the record's file (its header, when the source declares
 *     one), the same for every record of the file and known again after a restore; null for records
 *     without a file (Kafka)
 */
public record RawRecord(String origin, long index, String text, String first) {

  /** A record without a file (Kafka, tests). */
  public RawRecord(String origin, long index, String text) {
    this(origin, index, text, null);
  }
}
