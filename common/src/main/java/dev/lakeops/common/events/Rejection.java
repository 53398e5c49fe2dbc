package dev.lakeops.common.events;

/**
 * A record that failed validation, for the dead letter: the first rule it broke, every reason
 * (joined with "; ", as the offline quarantine does), the raw record and where it came from.
 *
 * @param rule {@code header}, {@code malformed}, {@code type}, {@code not_null}, {@code range},
 *     {@code allowed_values}, {@code entity_key}, {@code event_time}, {@code future_time} (see
 *     {@link SourceDecoder}), or {@code late} (behind the watermark, streaming only)
 */
public record Rejection(String source, String rule, String reason, String raw, String origin)
    implements Decoded {}
