package dev.lakeops.flink.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The feature log: every row the job computed, one JSON object per line, {@code {"view", "key",
 * "event_time_us", "values": {...}}} (doubles printed so that they read back bit-exact). For audits
 * and the parity test against the offline store.
 */
public final class FeatureLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FeatureLog() {}

  public static String toJson(ViewRow r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("view", r.view());
    n.put("key", r.entityKey());
    n.put("event_time_us", r.eventTimeMicros());
    ObjectNode values = n.putObject("values");
    for (Map.Entry<String, Object> e : r.values().entrySet()) {
      Object v = e.getValue();
      if (v == null) {
        values.putNull(e.getKey());
      } else if (v instanceof Double d) {
        values.put(e.getKey(), d);
      } else if (v instanceof Long l) {
        values.put(e.getKey(), l);
      } else if (v instanceof Boolean b) {
        values.put(e.getKey(), b);
      } else {
        values.put(e.getKey(), v.toString());
      }
    }
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
