package dev.lakeops.flink.testing;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/** Reads a whole Delta table at its latest version with Delta Kernel (no Spark): for tests. */
public final class DeltaTableReader {
  private DeltaTableReader() {}

  /**
   * Every row as column name to value: strings, longs (timestamps as epoch microseconds), doubles,
   * integers, booleans or null.
   */
  public static List<Map<String, Object>> read(String path) throws IOException {
    Engine engine = DefaultEngine.create(new Configuration());
    Snapshot snapshot = TableManager.loadSnapshot(path).build(engine);
    Scan scan = snapshot.getScanBuilder().build();
    Row state = scan.getScanState(engine);
    StructType physical = ScanStateRow.getPhysicalDataReadSchema(state);
    List<Map<String, Object>> out = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
      while (files.hasNext()) {
        try (CloseableIterator<Row> scanFiles = files.next().getRows()) {
          while (scanFiles.hasNext()) {
            Row scanFile = scanFiles.next();
            FileStatus file = InternalScanFileUtils.getAddFileStatus(scanFile);
            CloseableIterator<ColumnarBatch> data =
                engine
                    .getParquetHandler()
                    .readParquetFiles(single(file), physical, Optional.empty())
                    .map(FileReadResult::getData);
            try (CloseableIterator<FilteredColumnarBatch> logical =
                Scan.transformPhysicalData(engine, state, scanFile, data)) {
              while (logical.hasNext()) {
                try (CloseableIterator<Row> rows = logical.next().getRows()) {
                  while (rows.hasNext()) {
                    out.add(toMap(rows.next()));
                  }
                }
              }
            }
          }
        }
      }
    }
    return out;
  }

  private static CloseableIterator<FileStatus> single(FileStatus f) {
    return io.delta.kernel.internal.util.Utils.singletonCloseableIterator(f);
  }

  private static Map<String, Object> toMap(Row r) {
    Map<String, Object> m = new LinkedHashMap<>();
    StructType s = r.getSchema();
    for (int i = 0; i < s.length(); i++) {
      StructField f = s.at(i);
      m.put(f.getName(), r.isNullAt(i) ? null : value(r, i, f.getDataType()));
    }
    return m;
  }

  private static Object value(Row r, int i, DataType t) {
    if (t instanceof StringType) {
      return r.getString(i);
    } else if (t instanceof LongType || t instanceof TimestampType) {
      return r.getLong(i);
    } else if (t instanceof DoubleType) {
      return r.getDouble(i);
    } else if (t instanceof IntegerType) {
      return r.getInt(i);
    } else if (t instanceof BooleanType) {
      return r.getBoolean(i);
    }
    throw new IllegalArgumentException("unsupported column type " + t);
  }
}
