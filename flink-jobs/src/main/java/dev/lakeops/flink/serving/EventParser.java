package dev.lakeops.flink.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeops.common.events.EntityKeys;
import dev.lakeops.common.events.EventTimes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses an event, one JSON object per line:
 *
 * <pre>
 * {"event_id": "e-1", "market_id": "NSW", "event_time": "1998-04-01T10:00:00Z", "nswprice": 0.07}
 * </pre>
 *
 * {@code event_id} is text (or an integer), each entity key field (an entity's key column, or the
 * join keys of a composite entity) is text or an integral number, normalised as every reader does
 * ({@link EntityKeys}: {@code 7.0} is {@code "7"}; a composite key is its parts' JSON array),
 * {@code event_time} is event-time text in the forms every reader accepts ({@link
 * EventTimes#parseText}) or integral epoch milliseconds; every other scalar field is a request-time
 * value that overrides the online store's feature of that name.
 */
public final class EventParser {
  public static final String EVENT_ID = "event_id";
  public static final String EVENT_TIME = "event_time";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String keyField;
  private final Map<String, List<String>> keyFields;
  private final Set<String> keyParts = new HashSet<>();

  /** A parser of events with one simple entity key field. */
  public EventParser(String keyField) {
    this(keyField, Map.of(keyField, List.of(keyField)));
  }

  /**
   * @param keyField the key column of the model's entity (the event's {@code entityKey})
   * @param keyFields every key column the events carry, to the fields that make it (see {@code
   *     ServingPlan.keyFields})
   */
  public EventParser(String keyField, Map<String, List<String>> keyFields) {
    this.keyField = keyField;
    this.keyFields = new LinkedHashMap<>(keyFields);
    keyFields.values().forEach(keyParts::addAll);
  }

  public String keyField() {
    return keyField;
  }

  /** Why a line is not a valid event. */
  public static final class BadEvent extends Exception {
    private final String eventId;

    public BadEvent(String reason) {
      this(reason, null);
    }

    BadEvent(String reason, String eventId) {
      super(reason, null, false, false);
      this.eventId = eventId;
    }

    /** The event's id when the line had a readable one (so the dead letter can name it). */
    public String eventId() {
      return eventId;
    }
  }

  public ServeEvent parse(String line) throws BadEvent {
    JsonNode root;
    try {
      root = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new BadEvent("malformed JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new BadEvent(
          "malformed JSON: expected one object per line, got "
              + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase()));
    }
    String id = text(root, EVENT_ID, "the event id");
    Map<String, String> keys = new LinkedHashMap<>();
    long time;
    try {
      for (Map.Entry<String, List<String>> k : keyFields.entrySet()) {
        List<String> parts = new ArrayList<>(k.getValue().size());
        for (String field : k.getValue()) {
          parts.add(key(root, field));
        }
        keys.put(k.getKey(), parts.size() == 1 ? parts.get(0) : EntityKeys.composite(parts));
      }
      time = time(root);
    } catch (BadEvent e) {
      throw new BadEvent(e.getMessage(), id);
    }
    Map<String, Object> fields = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String name = f.getKey();
      if (name.equals(EVENT_ID) || name.equals(EVENT_TIME) || keyParts.contains(name)) {
        continue;
      }
      fields.put(name, scalar(f.getValue()));
    }
    return new ServeEvent(
        id, keys.get(keyField), time, fields, keys.size() == 1 ? null : Map.copyOf(keys));
  }

  private static String text(JsonNode root, String field, String what) throws BadEvent {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      throw new BadEvent("missing " + what + " '" + field + "'");
    }
    if (n.isTextual()) {
      if (n.asText().isEmpty()) {
        throw new BadEvent("missing " + what + " '" + field + "' (empty text)");
      }
      return n.asText();
    }
    if (n.isIntegralNumber()) {
      return n.asText();
    }
    throw new BadEvent(
        "wrong type: '" + field + "' (" + what + ") must be text, got " + describe(n));
  }

  /** The entity key, normalised by the one rule of every reader ({@link EntityKeys}). */
  private static String key(JsonNode root, String field) throws BadEvent {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      throw new BadEvent("missing the entity key '" + field + "'");
    }
    if (n.isTextual() && n.asText().isEmpty()) {
      throw new BadEvent("missing the entity key '" + field + "' (empty text)");
    }
    EntityKeys.Key k = EntityKeys.fromJson(n);
    if (k.key() == null) {
      throw new BadEvent(
          "wrong type: '" + field + "' (the entity key) must be text, got " + describe(n));
    }
    return k.key();
  }

  /**
   * The event time in epoch milliseconds (microseconds floored), parsed by the one parser of every
   * reader ({@link EventTimes#fromJson}: its accepted text forms, or epoch milliseconds).
   */
  private static long time(JsonNode root) throws BadEvent {
    JsonNode n = root.get(EVENT_TIME);
    if (n == null || n.isNull()) {
      throw new BadEvent("missing the event time '" + EVENT_TIME + "'");
    }
    if (n.isNumber() || n.isTextual()) {
      Long micros = EventTimes.fromJson(n);
      if (micros == null) {
        throw new BadEvent(
            "wrong type: '"
                + EVENT_TIME
                + "' must be ISO-8601 (e.g. 1998-04-01T10:00:00Z or 2021-03-28T01:30:00+0100)"
                + " or integral epoch milliseconds, got "
                + (n.isTextual() ? "'" + n.asText() + "'" : n.asText()));
      }
      return Math.floorDiv(micros, 1000L);
    }
    throw new BadEvent(
        "wrong type: '"
            + EVENT_TIME
            + "' must be ISO-8601 text or epoch milliseconds, got "
            + describe(n));
  }

  private static Object scalar(JsonNode n) {
    if (n.isNull()) {
      return null;
    }
    if (n.isIntegralNumber()) {
      return n.asLong();
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isTextual()) {
      return n.asText();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    return ServeEvent.NOT_SCALAR;
  }

  static String describe(JsonNode n) {
    if (n.isTextual()) {
      return "text \"" + n.asText() + "\"";
    }
    if (n.isNumber()) {
      return "number " + n.asText();
    }
    if (n.isBoolean()) {
      return "boolean " + n.asText();
    }
    return n.getNodeType().toString().toLowerCase();
  }

  /** Describes a parsed field value for messages. */
  static String describe(Object v) {
    if (v == ServeEvent.NOT_SCALAR) {
      return "an object or array";
    }
    if (v instanceof String s) {
      return "text \"" + s + "\"";
    }
    if (v instanceof Boolean b) {
      return "boolean " + b;
    }
    return "number " + v;
  }
}
