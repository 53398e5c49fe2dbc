package dev.lakeops.flink.delta;

import dev.lakeops.flink.FlinkErrors;
import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Scan;
import io.delta.kernel.ScanBuilder;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.exceptions.ConcurrentTransactionException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delta tables through Delta Kernel, without Spark: reads of whole (small) tables, creation,
 * Parquet data files written for a later commit, and idempotent commits of those files.
 */
public final class KernelTables {
  public static final String ENGINE_INFO = "LakeOps-Flink/Delta-Kernel";
  private static final Logger LOG = LoggerFactory.getLogger(KernelTables.class);

  private final Engine engine;

  public KernelTables() {
    this(new Configuration());
  }

  public KernelTables(Configuration conf) {
    this.engine = DefaultEngine.create(conf);
  }

  public Engine engine() {
    return engine;
  }

  /** The latest snapshot, or empty when there is no Delta table at {@code path}. */
  public Optional<Snapshot> snapshot(String path) {
    try {
      return Optional.of(TableManager.loadSnapshot(path).build(engine));
    } catch (TableNotFoundException e) {
      return Optional.empty();
    }
  }

  /** Every row of the table's latest version, or none when there is no table at {@code path}. */
  public List<Map<String, Object>> readAll(String path) {
    return snapshot(path).map(s -> readAll(s, List.of(), null)).orElse(List.of());
  }

  /**
   * Reads the rows of a table: column name to Java value (strings, longs, timestamps as epoch
   * microseconds, doubles, booleans, lists, maps).
   *
   * @param columns the top-level columns to read, or empty for all
   * @param filter a partition (or data-skipping) filter, or null; rows are not filtered by it
   *     beyond the files it prunes, so callers still check their condition
   */
  public List<Map<String, Object>> readAll(
      Snapshot snapshot, List<String> columns, Predicate filter) {
    StructType schema = snapshot.getSchema();
    if (!columns.isEmpty()) {
      List<StructField> fields = new ArrayList<>();
      for (String c : columns) {
        fields.add(schema.get(c));
      }
      schema = new StructType(fields);
    }
    ScanBuilder builder = snapshot.getScanBuilder().withReadSchema(schema);
    if (filter != null) {
      builder = builder.withFilter(filter);
    }
    Scan scan = builder.build();
    Row scanState = scan.getScanState(engine);
    StructType physical = ScanStateRow.getPhysicalDataReadSchema(scanState);
    List<Map<String, Object>> out = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
      while (files.hasNext()) {
        try (CloseableIterator<Row> fileRows = files.next().getRows()) {
          while (fileRows.hasNext()) {
            Row fileRow = fileRows.next();
            FileStatus file = InternalScanFileUtils.getAddFileStatus(fileRow);
            CloseableIterator<ColumnarBatch> data =
                engine
                    .getParquetHandler()
                    .readParquetFiles(
                        iterator(List.of(file).iterator()), physical, Optional.empty())
                    .map(FileReadResult::getData);
            try (CloseableIterator<FilteredColumnarBatch> logical =
                Scan.transformPhysicalData(engine, scanState, fileRow, data)) {
              while (logical.hasNext()) {
                FilteredColumnarBatch batch = logical.next();
                collect(batch, out);
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static void collect(FilteredColumnarBatch batch, List<Map<String, Object>> out) {
    ColumnarBatch data = batch.getData();
    StructType schema = data.getSchema();
    var selection = batch.getSelectionVector();
    for (int i = 0; i < data.getSize(); i++) {
      if (selection.isPresent()
          && (selection.get().isNullAt(i) || !selection.get().getBoolean(i))) {
        continue;
      }
      Map<String, Object> row = new LinkedHashMap<>();
      for (int c = 0; c < schema.length(); c++) {
        row.put(schema.at(c).getName(), ValueVectors.read(data.getColumnVector(c), i));
      }
      out.add(row);
    }
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
   * Commits written files as one append, idempotently: {@code (appId, version)} is recorded in the
   * commit, and a version at or below the last one committed for {@code appId} is skipped.
   *
   * @return true when this call committed, false when the version was already committed
   */
  public boolean commitOnce(String path, String appId, long version, List<DataFileStatus> files) {
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
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public T next() {
        return it.next();
      }

      @Override
      public void close() {}
    };
  }
}
