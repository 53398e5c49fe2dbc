package dev.lakeops.common.config;

import java.util.List;

/** A label joined point-in-time with features of one or more views. */
public record TrainingSetConfig(String name, String label, List<FeatureRef> features) {

  /**
   * A view's features: all of them ({@code feature} null) or one.
   *
   * @param view the feature view name
   * @param feature a feature of the view, or null for all
   */
  public record FeatureRef(String view, String feature) {}
}
