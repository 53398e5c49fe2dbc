package dev.lakeops.flink.monitoring;

import dev.lakeops.flink.serving.Prediction;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;

/**
 * Benchmarks only (in the monitoring package to reach its reader): the prediction log read by
 * {@link PredictionLogSource}'s own file enumerator and format, bounded, with the data files handed
 * out oldest first (by modification time, then path). Unlike {@link PredictionLogSource#of} it is
 * bounded whatever the log's table holds.
 */
public final class LogInCommitOrder {
  private LogInCommitOrder() {}

  /** The log at {@code tablePath}, read once, oldest data file first. */
  public static FileSource<Prediction> of(String tablePath) {
    return FileSource.forBulkFileFormat(new PredictionLogSource.Format(), new Path(tablePath))
        .setFileEnumerator(new PredictionLogSource.Enumerator.Provider(tablePath))
        .setSplitAssigner(PredictionLogSource.InOrder::new)
        .build();
  }
}
