package dev.lakeops.flink.monitoring;

import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.serving.Prediction;
import dev.lakeops.flink.serving.PredictionLog;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.assigners.FileSplitAssigner;
import org.apache.flink.connector.file.src.enumerate.FileEnumerator;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.IteratorResultIterator;
import org.apache.flink.core.fs.Path;

/**
 * The serving job's Delta prediction log, followed as it grows: a Flink {@link FileSource} whose
 * file enumerator lists the data files of the table's latest committed version (through Delta
 * Kernel, so files written but not yet committed, or never committed, are not read), and whose
 * format reads one Parquet data file into {@link Prediction}s. The file source's continuous
 * enumerator remembers (in its checkpointed state) the files it has handed out, so each committed
 * file is read once, also across restarts; the log is append-only, so new versions only add files.
 * That memory grows with the number of the log's data files (one per serving checkpoint and
 * writer).
 */
public final class PredictionLogSource {
  private PredictionLogSource() {}

  /**
   * The log at {@code tablePath}, its data files handed to the readers oldest first ({@link
   * InOrder}): Flink's default assigner hands out the files found in one look in no fixed order,
   * and a prediction read after a later file's is late for the watermark bound (seen: half of a
   * two-file log dead-lettered).
   *
   * @param poll how often to look for new versions, or null to read the latest version and finish
   */
  public static FileSource<Prediction> of(String tablePath, Duration poll) {
    var b =
        FileSource.forBulkFileFormat(new Format(), new Path(tablePath))
            .setFileEnumerator(new Enumerator.Provider(tablePath))
            .setSplitAssigner(InOrder::new);
    if (poll != null) {
      b.monitorContinuously(poll);
    }
    return b.build();
  }

  /** Lists the committed data files of the latest version (none while there is no table). */
  static final class Enumerator implements FileEnumerator {
    private final String table;
    private final KernelTables tables = new KernelTables();

    Enumerator(String table) {
      this.table = table;
    }

    @Override
    public Collection<FileSourceSplit> enumerateSplits(Path[] paths, int minDesiredSplits) {
      List<FileSourceSplit> out = new ArrayList<>();
      for (io.delta.kernel.utils.FileStatus f : tables.dataFiles(table)) {
        out.add(
            new FileSourceSplit(
                f.getPath(),
                new Path(f.getPath()),
                0,
                f.getSize(),
                f.getModificationTime(),
                f.getSize()));
      }
      return out;
    }

    record Provider(String table) implements FileEnumerator.Provider {
      @Override
      public FileEnumerator create() {
        return new Enumerator(table);
      }
    }
  }

  /** Reads a whole data file (one serving checkpoint's predictions) as one batch. */
  static final class Format implements BulkFormat<Prediction, FileSourceSplit> {
    private static final long serialVersionUID = 1L;

    @Override
    public Reader<Prediction> createReader(Configuration config, FileSourceSplit split) {
      return new FileReader(split, 0);
    }

    @Override
    public Reader<Prediction> restoreReader(Configuration config, FileSourceSplit split) {
      long skip =
          split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset).orElse(0L);
      return new FileReader(split, skip);
    }

    @Override
    public boolean isSplittable() {
      return false;
    }

    @Override
    public TypeInformation<Prediction> getProducedType() {
      return TypeInformation.of(Prediction.class);
    }
  }

  private static final class FileReader implements BulkFormat.Reader<Prediction> {
    private final FileSourceSplit split;
    private final long skip;
    private boolean done;

    FileReader(FileSourceSplit split, long skip) {
      this.split = split;
      this.skip = skip;
    }

    @Override
    public BulkFormat.RecordIterator<Prediction> readBatch() throws IOException {
      if (done) {
        return null;
      }
      done = true;
      var status =
          io.delta.kernel.utils.FileStatus.of(
              split.path().toString(), split.fileSize(), split.fileModificationTime());
      List<Map<String, Object>> rows =
          new KernelTables().readDataFile(status, new PredictionLog.Rows().schema());
      List<Prediction> out = new ArrayList<>(rows.size());
      for (int i = (int) skip; i < rows.size(); i++) {
        out.add(prediction(rows.get(i)));
      }
      return new IteratorResultIterator<>(out.iterator(), CheckpointedPosition.NO_OFFSET, skip);
    }

    @Override
    public void close() {}
  }

  /** A row of the prediction log (as {@link KernelTables#readAll} gives it) as a prediction. */
  @SuppressWarnings("unchecked")
  static Prediction prediction(Map<String, Object> r) {
    Map<String, Double> features = new LinkedHashMap<>();
    if (r.get("features") instanceof Map<?, ?> m) {
      m.forEach((k, v) -> features.put((String) k, (Double) v));
    }
    Map<String, String> text = new LinkedHashMap<>();
    if (r.get("text_features") instanceof Map<?, ?> m) {
      m.forEach((k, v) -> text.put((String) k, (String) v));
    }
    double[] probability = null;
    if (r.get("probability") instanceof List<?> l) {
      probability = new double[l.size()];
      for (int i = 0; i < l.size(); i++) {
        probability[i] = ((Number) l.get(i)).doubleValue();
      }
    }
    List<String> missing =
        r.get(PredictionLog.MISSING_VIEWS) instanceof List<?> l ? (List<String>) l : List.of();
    return new Prediction(
        (String) r.get(PredictionLog.EVENT_ID),
        (String) r.get("entity_key"),
        Math.floorDiv(((Number) r.get("event_time")).longValue(), 1000L),
        (String) r.get("model"),
        ((Number) r.get("model_version")).intValue(),
        features,
        text,
        ((Number) r.get("prediction")).doubleValue(),
        probability,
        Math.floorDiv(((Number) r.get("scored_at")).longValue(), 1000L),
        List.copyOf(missing));
  }

  /**
   * Hands out splits oldest first: by the data file's modification time (the serving job writes a
   * file just before the commit that adds it), then path.
   */
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
