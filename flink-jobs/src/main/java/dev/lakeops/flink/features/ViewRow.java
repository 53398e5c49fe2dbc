package dev.lakeops.flink.features;

import dev.lakeops.common.online.FeatureRow;
import java.util.Map;

/**
 * One feature row of a view: the entity, the event time (epoch microseconds, as the offline table)
 * and the values in the view's feature order.
 */
public record ViewRow(
    String view, String entityKey, long eventTimeMicros, Map<String, Object> values) {

  /** The online store's form (event time in milliseconds). */
  public FeatureRow toFeatureRow() {
    return new FeatureRow(entityKey, Math.floorDiv(eventTimeMicros, 1000L), values);
  }
}
