package dev.lakeops.flink.monitoring;

import java.io.Serializable;

/**
 * A delayed label: the true value of the prediction made for an event.
 *
 * @param eventId the event id of the prediction it belongs to (the prediction log's {@code
 *     event_id})
 * @param label the true class index (classification) or value (regression)
 * @param origin where it was read: {@code <file>:<line>} or {@code <topic>-<partition>@<offset>}
 */
public record Label(String eventId, double label, String origin) implements Serializable {}
