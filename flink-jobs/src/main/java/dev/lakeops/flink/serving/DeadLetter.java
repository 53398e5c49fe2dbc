package dev.lakeops.flink.serving;

/**
 * An input the job could not score, with why.
 *
 * @param input the raw input line
 * @param eventId the event id when it could be read, else null
 * @param reason what was wrong (malformed JSON, a missing key, a wrong type, a row the model
 *     rejects)
 * @param model the model (and version, 0 when not yet known) that was serving
 */
public record DeadLetter(
    String input, String eventId, String reason, String model, int version, long atMillis) {}
