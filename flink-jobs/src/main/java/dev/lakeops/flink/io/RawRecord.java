package dev.lakeops.flink.io;

/**
 * One text record as read from a file or a Kafka topic, before decoding.
 *
 * @param origin where it came from: {@code <file>:<line>} (1-based) or {@code
 *     <topic>-<partition>@<offset>}
 * @param index the record's index among the non-blank lines of its file (0-based, a header
 *     included), or -1 for records without a position (Kafka)
 * @param text the record without its line end
 */
public record RawRecord(String origin, long index, String text) {}
