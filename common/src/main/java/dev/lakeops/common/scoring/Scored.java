package dev.lakeops.common.scoring;

/**
 * One row's output of a pipeline, as Spark's {@code transform()} would add it.
 *
 * @param prediction the {@code prediction} column (a class index for classifiers)
 * @param probability the {@code probability} column, or {@code null} for regressors
 * @param rawPrediction the {@code rawPrediction} column, or {@code null} for regressors
 */
public record Scored(double prediction, double[] probability, double[] rawPrediction) {}
