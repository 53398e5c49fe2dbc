package dev.lakeops.spark.training;

import dev.lakeops.common.training.ReferenceProfile;
import dev.lakeops.common.training.Signature;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A trained model and what is known about it.
 *
 * @param model the whole pipeline (preparation and estimator) with the best hyperparameters, fitted
 *     on the whole training split
 * @param metrics the holdout metrics, by metric key (see {@link
 *     dev.lakeops.common.training.Metric})
 * @param params every parameter of the final estimator that was set or tuned, as text
 * @param train the training split (null-label rows dropped)
 * @param holdout the holdout split (null-label rows dropped)
 * @param profile the distribution of the inputs and predictions on the training split
 * @param signature the model's inputs, label and outputs
 * @param droppedNullLabels the rows of the training set left out because their label was null or
 *     NaN
 * @param partitions the canonical training set's partition count (see {@code
 *     TrainingData.canonical}): the model's bits depend on it, so a run records it as its param
 *     {@value #PARTITIONS_PARAM} and a reproduction trains on the same count
 */
public record TrainResult(
    PipelineModel model,
    Map<String, Double> metrics,
    Map<String, String> params,
    Dataset<Row> train,
    Dataset<Row> holdout,
    ReferenceProfile profile,
    Signature signature,
    long trainRows,
    long holdoutRows,
    long droppedNullLabels,
    int partitions) {

  /** The run param that records {@link #partitions()}. */
  public static final String PARTITIONS_PARAM = "training_partitions";
}
