package dev.lakeops.flink.monitoring;

import dev.lakeops.flink.serving.Prediction;
import java.io.Serializable;

/**
 * One record of the monitoring job's joined input: a prediction or a label (exactly one non-null),
 * so that both go through one watermark assigner, driven by the predictions only.
 */
public record MonitorInput(Prediction prediction, Label label) implements Serializable {

  public static MonitorInput of(Prediction p) {
    return new MonitorInput(p, null);
  }

  public static MonitorInput of(Label l) {
    return new MonitorInput(null, l);
  }

  /** The event id that joins the two. */
  public String eventId() {
    return prediction != null ? prediction.eventId() : label.eventId();
  }
}
