package dev.lakeops.common.delta;

import dev.lakeops.common.error.Errors;
import io.delta.kernel.Scan;
import io.delta.kernel.ScanBuilder;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.ScanImpl;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.statistics.DataFileStatistics;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads Delta tables with Delta Kernel, without Spark or Flink: the latest snapshot of a table and
 * all its rows (for the small tables: the model registry, the runs and tasks of the metadata
 * store). Both engines' jars use it; {@code mlops models} and {@code mlops runs} answer with it in
 * a second or two instead of starting Spark.
 *
 * <p>Values come back as the Kernel types read them: {@code String}, {@code Long} (also timestamps,
 * in microseconds since the epoch, UTC), {@code Integer} (also dates, in days since the epoch),
 * {@code Double} (also floats), {@code Boolean}, {@code List} for arrays, {@code Map} for maps and
 * {@code Map<String, Object>} (field name to value) for structs; {@code null} is a null.
 */
public final class KernelReader {
  private final Engine engine;

  /** A reader with a default Hadoop configuration (local files, or the URIs' own filesystems). */
  public KernelReader() {
    this(new Configuration());
  }

  /** A reader whose filesystems use {@code conf}. */
  public KernelReader(Configuration conf) {
    this(DefaultEngine.create(conf));
  }

  /** A reader over an existing Kernel engine (shared with a writer). */
  public KernelReader(Engine engine) {
    this.engine = engine;
  }

  /** The Kernel engine this reader uses. */
  public Engine engine() {
    return engine;
  }

  /**
   * The latest snapshot of the table at {@code path} (a local path or any Hadoop URI), or empty
   * when there is no Delta table there.
   */
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
   * Reads the rows of a snapshot: column name to Java value (see the class comment for the types).
   *
   * @param columns the top-level columns to read, or empty for all
   * @param filter a partition (or data-skipping) filter, or null; rows are not filtered by it
   *     beyond the files it prunes, so callers still check their condition
   * @throws dev.lakeops.common.error.LakeOpsException when a data file cannot be read
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
                collect(logical.next(), out);
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw Errors.cannotReadDeltaTable(snapshot.getPath(), e);
    }
    return out;
  }

  /**
   * The data files of the table's latest version (absolute paths, sizes in bytes, modification
   * times in epoch ms), or none when there is no table at {@code path}.
   *
   * @throws dev.lakeops.common.error.LakeOpsException when the log cannot be read
   */
  public List<FileStatus> dataFiles(String path) {
    return snapshot(path).map(this::dataFiles).orElse(List.of());
  }

  /**
   * The data files of a snapshot (absolute paths, sizes in bytes, modification times in epoch ms).
   *
   * @throws dev.lakeops.common.error.LakeOpsException when the log cannot be read
   */
  public List<FileStatus> dataFiles(Snapshot snapshot) {
    List<FileStatus> out = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> files =
        snapshot.getScanBuilder().build().getScanFiles(engine)) {
      while (files.hasNext()) {
        try (CloseableIterator<Row> rows = files.next().getRows()) {
          while (rows.hasNext()) {
            out.add(InternalScanFileUtils.getAddFileStatus(rows.next()));
          }
        }
      }
    } catch (IOException e) {
      throw Errors.cannotReadDeltaTable(snapshot.getPath(), e);
    }
    return out;
  }

  /**
   * The snapshot of the table at {@code path} as of {@code version}, or the latest when {@code
   * version} is null; empty when there is no Delta table there.
   */
  public Optional<Snapshot> snapshot(String path, Long version) {
    if (version == null) {
      return snapshot(path);
    }
    try {
      return Optional.of(TableManager.loadSnapshot(path).atVersion(version).build(engine));
    } catch (TableNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * The largest of the per-file maximum statistics of a top-level column over a snapshot's data
   * files, as Kernel parses Delta's statistics (a timestamp in epoch µs; Delta writes timestamp
   * statistics to the millisecond, truncated, so every value of the column is below the result +
   * 1,000 µs). {@link Long#MIN_VALUE} when no file holds a non-null value; empty when a file with
   * non-null values has no maximum for the column (statistics not collected), so the caller must
   * read the data. Reads the log only, no data file.
   *
   * @throws dev.lakeops.common.error.LakeOpsException when the log cannot be read
   */
  public Optional<Long> maxStatistic(Snapshot snapshot, String column) {
    Column ref = new Column(column);
    long max = Long.MIN_VALUE;
    for (Optional<DataFileStatistics> stats : fileStatistics(snapshot)) {
      if (stats.isEmpty()) {
        return Optional.empty();
      }
      if (stats.get().getNumRecords() == 0) {
        continue;
      }
      Literal value = stats.get().getMaxValues().get(ref);
      if (value == null) {
        Long nulls = stats.get().getNullCount().get(ref);
        if (nulls != null && nulls == stats.get().getNumRecords()) {
          continue; // every value of the file is null: no maximum, nothing to bound
        }
        return Optional.empty();
      }
      if (!(value.getValue() instanceof Long l)) {
        return Optional.empty();
      }
      max = Math.max(max, l);
    }
    return Optional.of(max);
  }

  /**
   * The rows of a snapshot, summed from its data files' statistics in the log (no data file read);
   * empty when a file has no statistics.
   *
   * @throws dev.lakeops.common.error.LakeOpsException when the log cannot be read
   */
  public Optional<Long> rowCount(Snapshot snapshot) {
    long rows = 0;
    for (Optional<DataFileStatistics> stats : fileStatistics(snapshot)) {
      if (stats.isEmpty()) {
        return Optional.empty();
      }
      rows += stats.get().getNumRecords();
    }
    return Optional.of(rows);
  }

  /** Each data file's statistics as the log holds them (empty for a file without). */
  private List<Optional<DataFileStatistics>> fileStatistics(Snapshot snapshot) {
    StructType schema = snapshot.getSchema();
    List<Optional<DataFileStatistics>> out = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> files =
        ((ScanImpl) snapshot.getScanBuilder().build()).getScanFiles(engine, true)) {
      while (files.hasNext()) {
        try (CloseableIterator<Row> rows = files.next().getRows()) {
          while (rows.hasNext()) {
            Row add = rows.next().getStruct(InternalScanFileUtils.ADD_FILE_ORDINAL);
            int at = InternalScanFileUtils.ADD_FILE_STATS_ORDINAL;
            out.add(
                add.isNullAt(at)
                    ? Optional.empty()
                    : DataFileStatistics.deserializeFromJson(add.getString(at), schema));
          }
        }
      }
    } catch (IOException e) {
      throw Errors.cannotReadDeltaTable(snapshot.getPath(), e);
    }
    return out;
  }

  /**
   * Every row of one Parquet data file of a table without partition columns or column mapping (the
   * tables LakeOps' Flink jobs write), in the {@link #readAll(String)} form.
   *
   * @param file the data file's absolute path, size (bytes) and modification time (epoch ms)
   * @param schema the columns to read
   * @throws dev.lakeops.common.error.LakeOpsException when the file cannot be read
   */
  public List<Map<String, Object>> readDataFile(FileStatus file, StructType schema) {
    List<Map<String, Object>> out = new ArrayList<>();
    try (CloseableIterator<FileReadResult> read =
        engine
            .getParquetHandler()
            .readParquetFiles(iterator(List.of(file).iterator()), schema, Optional.empty())) {
      while (read.hasNext()) {
        collect(new FilteredColumnarBatch(read.next().getData(), Optional.empty()), out);
      }
    } catch (IOException e) {
      throw Errors.cannotReadDeltaTable(file.getPath(), e);
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
        row.put(schema.at(c).getName(), value(data.getColumnVector(c), i));
      }
      out.add(row);
    }
  }

  /**
   * One value of a Kernel column vector as a Java value (see the class comment for the types).
   *
   * @throws dev.lakeops.common.error.LakeOpsException for a type the tables never use (decimal,
   *     binary, variant)
   */
  public static Object value(ColumnVector v, int i) {
    if (v.isNullAt(i)) {
      return null;
    }
    DataType t = v.getDataType();
    if (t instanceof StringType) {
      return v.getString(i);
    }
    if (t instanceof LongType || t instanceof TimestampType || t instanceof TimestampNTZType) {
      return v.getLong(i);
    }
    if (t instanceof IntegerType || t instanceof DateType) {
      return v.getInt(i);
    }
    if (t instanceof DoubleType) {
      return v.getDouble(i);
    }
    if (t instanceof FloatType) {
      return (double) v.getFloat(i);
    }
    if (t instanceof BooleanType) {
      return v.getBoolean(i);
    }
    if (t instanceof ShortType) {
      return (int) v.getShort(i);
    }
    if (t instanceof ByteType) {
      return (int) v.getByte(i);
    }
    if (t instanceof ArrayType) {
      ArrayValue a = v.getArray(i);
      List<Object> out = new ArrayList<>(a.getSize());
      for (int j = 0; j < a.getSize(); j++) {
        out.add(value(a.getElements(), j));
      }
      return out;
    }
    if (t instanceof MapType) {
      MapValue m = v.getMap(i);
      Map<Object, Object> out = new LinkedHashMap<>();
      for (int j = 0; j < m.getSize(); j++) {
        out.put(value(m.getKeys(), j), value(m.getValues(), j));
      }
      return out;
    }
    if (t instanceof StructType st) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (int f = 0; f < st.length(); f++) {
        out.put(st.at(f).getName(), value(v.getChild(f), i));
      }
      return out;
    }
    throw Errors.unsupportedDeltaType(t);
  }

  /** A Kernel iterator over a Java one (nothing to close). */
  public static <T> CloseableIterator<T> iterator(Iterator<T> it) {
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
