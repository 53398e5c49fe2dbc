package dev.lakeops.flink.monitoring;

import dev.lakeops.flink.serving.Prediction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.assigners.FileSplitAssigner;
import org.apache.flink.core.fs.Path;

/**
 * Benchmarks only (in the monitoring package to reach its reader): the prediction log read by
 * {@link PredictionLogSource}'s own file enumerator and format, bounded, with the data files handed
 * out oldest first (by modification time, then path). {@link PredictionLogSource#of} leaves the
 * order to Flink's default split assigner, which hands the files of an existing log out in an order
 * that changes from run to run, so with a watermark bound shorter than the log a replay finds part
 * of it late (seen: half of a two-file log).
 */
public final class LogInCommitOrder {
  private LogInCommitOrder() {}

  /** The log at {@code tablePath}, read once, oldest data file first. */
  public static FileSource<Prediction> of(String tablePath) {
    return FileSource.forBulkFileFormat(new PredictionLogSource.Format(), new Path(tablePath))
        .setFileEnumerator(new PredictionLogSource.Enumerator.Provider(tablePath))
        .setSplitAssigner(InOrder::new)
        .build();
  }

  /** Hands out splits oldest first (modification time, then path). */
  static final class InOrder implements FileSplitAssigner {
    private static final Comparator<FileSourceSplit> OLDEST_FIRST =
        Comparator.comparingLong(FileSourceSplit::fileModificationTime)
            .thenComparing(s -> s.path().toString());
    private final List<FileSourceSplit> splits = new ArrayList<>();

    InOrder(Collection<FileSourceSplit> initial) {
      addSplits(initial);
    }

    @Override
    public Optional<FileSourceSplit> getNext(String hostname) {
      return splits.isEmpty() ? Optional.empty() : Optional.of(splits.remove(0));
    }

    @Override
    public void addSplits(Collection<FileSourceSplit> more) {
      splits.addAll(more);
      splits.sort(OLDEST_FIRST);
    }

    @Override
    public Collection<FileSourceSplit> remainingSplits() {
      return new ArrayList<>(splits);
    }
  }
}
