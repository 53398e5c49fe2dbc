package dev.lakeops.flink.serving;

import dev.lakeops.common.scoring.PipelineScorer;
import dev.lakeops.common.scoring.Scored;
import dev.lakeops.flink.registry.Champion;
import java.io.Serializable;

/** Turns a registry version into a scorer; runs in the tasks. */
@FunctionalInterface
public interface ModelLoader extends Serializable {
  ModelScorer load(Champion champion);

  /**
   * The real one: the Spark-free scorer on the version's saved PipelineModel, told the input types
   * of the version's signature.
   */
  static ModelLoader pipeline() {
    return c -> {
      PipelineScorer scorer = PipelineScorer.load(c.modelDir(), c.parsedSignature());
      return scorer::score;
    };
  }

  /** For benchmarks: a constant prediction, to measure what the rest of the job costs. */
  static ModelLoader noOp() {
    return c -> {
      Scored constant = new Scored(0.0, new double[] {1.0, 0.0}, new double[] {0.0, 0.0});
      return row -> constant;
    };
  }
}
