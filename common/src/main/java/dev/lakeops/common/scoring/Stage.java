package dev.lakeops.common.scoring;

/**
 * One compiled pipeline stage: reads its input slots of a {@link Frame} and writes its output
 * slots. Column names were resolved to slot indices when the pipeline was loaded.
 */
interface Stage {
  /**
   * Transforms one row in place.
   *
   * @throws InvalidRowException when Spark would drop the row or fail on it
   */
  void apply(Frame f);
}
