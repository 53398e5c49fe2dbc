package dev.lakeops.flink.delta;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exactly-once sink into a Delta table, written with Delta Kernel (no Spark).
 *
 * <p>Each writer subtask buffers its records and, when a checkpoint starts (or its buffer fills),
 * writes them as Parquet data files of the table, uncommitted. The files of one checkpoint become
 * one committable. Once the checkpoint completes, the committer commits them in one Delta commit
 * carrying the transaction id {@code (appId, version)}, where {@code appId} names the sink, the job
 * and the subtask, and {@code version} grows by one per checkpoint. Delta keeps the last version
 * committed per {@code appId}, so a committable replayed after a failure (restored from the
 * checkpoint and committed again) is recognised and skipped: every record lands once. Files of a
 * checkpoint that never completed stay uncommitted (invisible to readers; VACUUM removes them).
 */
public final class DeltaSink<T> implements Sink<T>, SupportsCommitter<DeltaCommittable> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(DeltaSink.class);

  /** Rows buffered before a writer writes them out as a data file (still uncommitted). */
  static final int ROWS_PER_FILE = 100_000;

  private final String path;
  private final String name;
  private final RowFormat<T> format;

  /**
   * @param path the table (created with {@code format}'s schema when missing)
   * @param name names the sink in the transaction ids; unique per table writer
   */
  public DeltaSink(String path, String name, RowFormat<T> format) {
    this.path = path;
    this.name = name;
    this.format = format;
  }

  public String path() {
    return path;
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
    String appId =
        name
            + "/"
            + context.getJobInfo().getJobId()
            + "/"
            + context.getTaskInfo().getIndexOfThisSubtask();
    long first = context.getRestoredCheckpointId().orElse(0L) + 1;
    return new Writer<>(path, format, appId, first);
  }

  @Override
  public Committer<DeltaCommittable> createCommitter(CommitterInitContext context) {
    return new DeltaCommitter(path);
  }

  @Override
  public SimpleVersionedSerializer<DeltaCommittable> getCommittableSerializer() {
    return new DeltaCommittable.Serializer(format);
  }

  static final class Writer<T> implements CommittingSinkWriter<T, DeltaCommittable> {
    private final String path;
    private final RowFormat<T> format;
    private final String appId;
    private final KernelTables tables = new KernelTables();
    private final io.delta.kernel.types.StructType schema;
    private final List<Object[]> buffer = new ArrayList<>();
    private final List<io.delta.kernel.utils.DataFileStatus> files = new ArrayList<>();
    private long nextVersion;

    Writer(String path, RowFormat<T> format, String appId, long firstVersion) {
      this.path = path;
      this.format = format;
      this.appId = appId;
      this.nextVersion = firstVersion;
      this.schema = format.schema();
      tables.createIfMissing(path, schema);
    }

    @Override
    public void write(T element, Context context) {
      buffer.add(format.toRow(element));
      if (buffer.size() >= ROWS_PER_FILE) {
        writeBuffer();
      }
    }

    private void writeBuffer() {
      if (!buffer.isEmpty()) {
        files.addAll(tables.writeFiles(path, schema, buffer));
        buffer.clear();
      }
    }

    @Override
    public void flush(boolean endOfInput) {}

    @Override
    public Collection<DeltaCommittable> prepareCommit() {
      writeBuffer();
      long version = nextVersion++;
      if (files.isEmpty()) {
        return List.of();
      }
      DeltaCommittable c = new DeltaCommittable(appId, version, List.copyOf(files));
      files.clear();
      return List.of(c);
    }

    @Override
    public void close() {}
  }

  static final class DeltaCommitter implements Committer<DeltaCommittable> {
    private final String path;
    private final KernelTables tables = new KernelTables();

    DeltaCommitter(String path) {
      this.path = path;
    }

    @Override
    public void commit(Collection<CommitRequest<DeltaCommittable>> requests) {
      for (CommitRequest<DeltaCommittable> r : requests) {
        DeltaCommittable c = r.getCommittable();
        if (tables.commitOnce(path, c.appId(), c.version(), c.files())) {
          LOG.debug(
              "{}: committed {} v{} ({} files)", path, c.appId(), c.version(), c.files().size());
        } else {
          LOG.info("{}: {} v{} was already committed; skipped", path, c.appId(), c.version());
          r.signalAlreadyCommitted();
        }
      }
    }

    @Override
    public void close() {}
  }
}
