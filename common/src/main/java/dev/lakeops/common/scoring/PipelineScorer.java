package dev.lakeops.common.scoring;

import java.util.List;
import java.util.Map;

/**
 * Scores rows with a saved MLlib PipelineModel, without Spark. Work in progress: the loader and the
 * stages land with the scorer's parity tests.
 */
public final class PipelineScorer {

  private PipelineScorer() {}

  /**
   * Loads the PipelineModel directory (a local path or any Hadoop filesystem URI).
   *
   * @throws dev.lakeops.common.error.LakeOpsException when a stage is not supported, naming its
   *     class
   */
  public static PipelineScorer load(String dir) {
    throw new UnsupportedOperationException("the Spark-free scorer is not built yet");
  }

  /** The input columns the pipeline reads, in the order its first stages read them. */
  public List<String> inputColumns() {
    throw new UnsupportedOperationException("the Spark-free scorer is not built yet");
  }

  /**
   * Scores one row: column name to value ({@code Double}, {@code Long}, {@code Integer}, {@code
   * String}, {@code Boolean} or {@code null}), as the training set's columns.
   */
  public Scored score(Map<String, Object> row) {
    throw new UnsupportedOperationException("the Spark-free scorer is not built yet");
  }
}
