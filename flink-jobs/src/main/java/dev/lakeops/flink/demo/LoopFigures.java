package dev.lakeops.flink.demo;

import dev.lakeops.common.monitoring.performance.PerformanceAccumulator;
import dev.lakeops.common.scoring.PipelineScorer;
import dev.lakeops.common.scoring.Scored;
import dev.lakeops.common.warehouse.PredictionLogColumns;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prequential figures over the whole replayed stream (each prediction judged by its label, in
 * event-time order), computed with the monitoring job's own accumulator ({@link
 * PerformanceAccumulator}) so they mean what the windows mean:
 *
 * <ul>
 *   <li>{@code loop}: the predictions in the log, each by the version that was in service;
 *   <li>{@code firstModel}: the same events scored by the first version ({@link PipelineScorer} on
 *       the logged feature values, which are what that version would have read): the model never
 *       retrained;
 *   <li>{@code noChange}: the previous label of the time-ordered stream as the prediction.
 * </ul>
 *
 * Only logged predictions whose label is known count (the same events for all three).
 */
record LoopFigures(
    PerformanceAccumulator loop,
    PerformanceAccumulator firstModel,
    PerformanceAccumulator noChange,
    long judged,
    Map<Integer, Long> byVersion) {

  /**
   * @param log the prediction log's rows
   * @param labels the label of each event id
   * @param first the first version's scorer
   */
  static LoopFigures of(
      List<Map<String, Object>> log, Map<String, Double> labels, PipelineScorer first) {
    PerformanceAccumulator loop = new PerformanceAccumulator();
    PerformanceAccumulator firstModel = new PerformanceAccumulator();
    PerformanceAccumulator noChange = new PerformanceAccumulator();
    Map<Integer, Long> byVersion = new java.util.TreeMap<>();
    List<Map<String, Object>> rows =
        log.stream()
            .filter(r -> labels.get((String) r.get(PredictionLogColumns.EVENT_ID)) != null)
            .sorted(
                Comparator.comparingLong((Map<String, Object> r) -> eventTime(r))
                    .thenComparing(r -> (String) r.get(PredictionLogColumns.EVENT_ID)))
            .toList();
    Double previous = null;
    for (Map<String, Object> r : rows) {
      double label = labels.get((String) r.get(PredictionLogColumns.EVENT_ID));
      loop.addClassified(
          (Double) r.get(PredictionLogColumns.PREDICTION), label, probability(r), previous);
      Scored s = first.score(inputs(r));
      firstModel.addClassified(s.prediction(), label, s.probability(), previous);
      if (previous != null) {
        noChange.addClassified(previous, label, null, previous);
      }
      byVersion.merge((Integer) r.get(PredictionLogColumns.MODEL_VERSION), 1L, Long::sum);
      previous = label;
    }
    return new LoopFigures(loop, firstModel, noChange, rows.size(), byVersion);
  }

  private static long eventTime(Map<String, Object> r) {
    return (Long) r.get(PredictionLogColumns.EVENT_TIME);
  }

  private static double[] probability(Map<String, Object> r) {
    Object p = r.get(PredictionLogColumns.PROBABILITY);
    if (!(p instanceof List<?> l)) {
      return null;
    }
    double[] out = new double[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) l.get(i)).doubleValue();
    }
    return out;
  }

  /** The logged model inputs: numeric and text features in one map. */
  private static Map<String, Object> inputs(Map<String, Object> r) {
    Map<String, Object> in = new HashMap<>();
    if (r.get(PredictionLogColumns.FEATURES) instanceof Map<?, ?> m) {
      m.forEach((k, v) -> in.put((String) k, v));
    }
    if (r.get(PredictionLogColumns.TEXT_FEATURES) instanceof Map<?, ?> m) {
      m.forEach((k, v) -> in.put((String) k, v));
    }
    return in;
  }
}
