package dev.lakeops.flink.delta;

import dev.lakeops.common.delta.KernelReader;
import dev.lakeops.flink.FlinkErrors;
import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.ConcurrentTransactionException;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delta tables through Delta Kernel, without Spark: reads of whole (small) tables, creation,
 * Parquet data files written for a later commit, and idempotent commits of those files.
 */
public final class KernelTables {
  public static final String ENGINE_INFO = "LakeOps-Flink/Delta-Kernel";
  private static final Logger LOG = LoggerFactory.getLogger(KernelTables.class);

  /** One lock per table (normalised URI) for the commits of this JVM. */
  private static final ConcurrentHashMap<URI, Object> COMMIT_LOCKS = new ConcurrentHashMap<>();

  private final Engine engine;
  private final KernelReader reader;

  public KernelTables() {
    this(new Configuration());
  }

  public KernelTables(Configuration conf) {
    this.engine = DefaultEngine.create(conf);
    this.reader = new KernelReader(engine);
  }

  public Engine engine() {
    return engine;
  }

  /** The latest snapshot, or empty when there is no Delta table at {@code path}. */
  public Optional<Snapshot> snapshot(String path) {
    return reader.snapshot(path);
  }

  /** Every row of the table's latest version, or none when there is no table at {@code path}. */
  public List<Map<String, Object>> readAll(String path) {
    return reader.readAll(path);
  }

  /** The rows of a snapshot, as {@link KernelReader#readAll(Snapshot, List, Predicate)} reads. */
  public List<Map<String, Object>> readAll(
      Snapshot snapshot, List<String> columns, Predicate filter) {
    return reader.readAll(snapshot, columns, filter);
  }

  /** The data files of the table's latest version, as {@link KernelReader#dataFiles} lists. */
  public List<FileStatus> dataFiles(String path) {
    return reader.dataFiles(path);
  }

  /** Every row of one data file, as {@link KernelReader#readDataFile} reads. */
  public List<Map<String, Object>> readDataFile(FileStatus file, StructType schema) {
    return reader.readDataFile(file, schema);
  }

  /** Creates an empty table with {@code schema} unless one exists (a lost race is fine). */
  public void createIfMissing(String path, StructType schema) {
    if (snapshot(path).isPresent()) {
      return;
    }
    try {
      TableManager.buildCreateTableTransaction(path, schema, ENGINE_INFO)
          .build(engine)
          .commit(engine, CloseableIterable.emptyIterable());
    } catch (RuntimeException e) {
      // Another writer may have created it first (TableAlreadyExists, a conflicting commit, or
      // the log file already present, depending on the moment): fine if the table is there now.
      if (snapshot(path).isEmpty()) {
        throw e;
      }
    }
  }

  /**
   * Writes {@code rows} (values in {@code schema}'s field order) as Parquet data files of the
   * table, not yet committed.
   */
  public List<DataFileStatus> writeFiles(String path, StructType schema, List<Object[]> rows) {
    Snapshot snapshot = snapshot(path).orElseThrow(() -> FlinkErrors.noDeltaTable(path));
    Transaction txn =
        snapshot.buildUpdateTableTransaction(ENGINE_INFO, Operation.STREAMING_UPDATE).build(engine);
    Row txnState = txn.getTransactionState(engine);
    FilteredColumnarBatch batch =
        new FilteredColumnarBatch(ValueVectors.batch(schema, rows), Optional.empty());
    CloseableIterator<FilteredColumnarBatch> physical =
        Transaction.transformLogicalData(
            engine, txnState, iterator(List.of(batch).iterator()), Map.of());
    DataWriteContext ctx = Transaction.getWriteContext(engine, txnState, Map.of());
    List<DataFileStatus> files = new ArrayList<>();
    try (CloseableIterator<DataFileStatus> written =
        engine
            .getParquetHandler()
            .writeParquetFiles(ctx.getTargetDirectory(), physical, ctx.getStatisticsColumns())) {
      written.forEachRemaining(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /**
   * Whether {@code (appId, version)}, or a later version of {@code appId}, is committed to the
   * table at {@code path} (false when there is no table).
   */
  public boolean committed(String path, String appId, long version) {
    return snapshot(path)
        .map(s -> s.getLatestTransactionVersion(engine, appId).orElse(-1L) >= version)
        .orElse(false);
  }

  /**
   * Commits written files as one append, idempotently: {@code (appId, version)} is recorded in the
   * commit, and a version at or below the last one committed for {@code appId} is skipped.
   *
   * <p>Commits to one table from one JVM (the committer subtasks of a sink, or two sinks of one
   * table) take turns: the log store of a local or HDFS-like file system writes a commit file as
   * "check that it is absent, then rename into place", and two committers racing through that on
   * the same version overwrite each other's commit file (one commit lost, and on the local file
   * system a checksum file left that matches neither). Across JVMs the file system's own guarantees
   * apply (atomic rename on HDFS; a single-JVM local warehouse is the embedded default).
   *
   * @return true when this call committed, false when the version was already committed
   */
  public boolean commitOnce(String path, String appId, long version, List<DataFileStatus> files) {
    synchronized (
        COMMIT_LOCKS.computeIfAbsent(new Path(path).toUri().normalize(), p -> new Object())) {
      return commitOnceLocked(path, appId, version, files);
    }
  }

  private boolean commitOnceLocked(
      String path, String appId, long version, List<DataFileStatus> files) {
    Snapshot snapshot = snapshot(path).orElseThrow(() -> FlinkErrors.noDeltaTable(path));
    if (snapshot.getLatestTransactionVersion(engine, appId).orElse(-1L) >= version) {
      return false;
    }
    try {
      Transaction txn =
          snapshot
              .buildUpdateTableTransaction(ENGINE_INFO, Operation.STREAMING_UPDATE)
              .withTransactionId(appId, version)
              .build(engine);
      Row txnState = txn.getTransactionState(engine);
      DataWriteContext ctx = Transaction.getWriteContext(engine, txnState, Map.of());
      CloseableIterator<Row> actions =
          Transaction.generateAppendActions(engine, txnState, iterator(files.iterator()), ctx);
      TransactionCommitResult result =
          txn.commit(engine, CloseableIterable.inMemoryIterable(actions));
      for (PostCommitHook hook : result.getPostCommitHooks()) {
        try {
          hook.threadSafeInvoke(engine); // checkpoints and checksums keep the log quick to read
        } catch (IOException | RuntimeException e) {
          LOG.warn("{}: post-commit {} failed (the commit stands)", path, hook.getType(), e);
        }
      }
      return true;
    } catch (ConcurrentTransactionException e) {
      return false; // the same (appId, version) was committed meanwhile
    }
  }

  static <T> CloseableIterator<T> iterator(Iterator<T> it) {
    return KernelReader.iterator(it);
  }
}
