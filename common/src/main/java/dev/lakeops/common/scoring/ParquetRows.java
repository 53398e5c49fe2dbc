package dev.lakeops.common.scoring;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads the small Parquet files MLlib saves its model data in, as plain Java values: structs become
 * maps, lists (3-level or legacy 2-level) become lists, numbers and strings stay as they are.
 */
final class ParquetRows {
  private ParquetRows() {}

  static List<Map<String, Object>> read(Path file, Configuration conf) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (ParquetReader<Group> reader =
        ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
      Group g;
      while ((g = reader.read()) != null) {
        rows.add(struct(g));
      }
    }
    return rows;
  }

  private static Map<String, Object> struct(Group g) {
    GroupType t = g.getType();
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < t.getFieldCount(); i++) {
      out.put(t.getFieldName(i), field(g, i, t.getType(i)));
    }
    return out;
  }

  private static Object field(Group g, int i, Type type) {
    int n = g.getFieldRepetitionCount(i);
    if (type.isRepetition(Type.Repetition.REPEATED)) {
      List<Object> list = new ArrayList<>(n);
      for (int r = 0; r < n; r++) {
        list.add(value(g, i, r, type));
      }
      return list;
    }
    return n == 0 ? null : value(g, i, 0, type);
  }

  private static Object value(Group g, int i, int r, Type type) {
    if (type.isPrimitive()) {
      PrimitiveType p = type.asPrimitiveType();
      return switch (p.getPrimitiveTypeName()) {
        case INT32 -> g.getInteger(i, r);
        case INT64 -> g.getLong(i, r);
        case DOUBLE -> g.getDouble(i, r);
        case FLOAT -> (double) g.getFloat(i, r);
        case BOOLEAN -> g.getBoolean(i, r);
        case BINARY, FIXED_LEN_BYTE_ARRAY -> g.getBinary(i, r).toStringUsingUTF8();
        default -> g.getValueToString(i, r);
      };
    }
    Group sub = g.getGroup(i, r);
    GroupType gt = type.asGroupType();
    if (gt.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
      return list(sub, gt);
    }
    return struct(sub);
  }

  /** A LIST group: one repeated child, either the element itself or a group holding it. */
  private static List<Object> list(Group listGroup, GroupType listType) {
    Type repeated = listType.getType(0);
    int n = listGroup.getFieldRepetitionCount(0);
    List<Object> out = new ArrayList<>(n);
    for (int r = 0; r < n; r++) {
      if (repeated.isPrimitive()) {
        out.add(value(listGroup, 0, r, repeated));
      } else {
        GroupType rt = repeated.asGroupType();
        Group item = listGroup.getGroup(0, r);
        if (rt.getFieldCount() == 1 && rt.getLogicalTypeAnnotation() == null) {
          out.add(field(item, 0, rt.getType(0)));
        } else {
          out.add(struct(item));
        }
      }
    }
    return out;
  }

  // ---- MLlib's vector and matrix structs --------------------------------------------------

  /** Spark's vector struct (type 0 sparse, 1 dense; size, indices, values) as a dense array. */
  @SuppressWarnings("unchecked")
  static double[] vector(Object v) {
    Map<String, Object> m = (Map<String, Object>) v;
    List<Object> values = (List<Object>) m.get("values");
    int type = ((Number) m.get("type")).intValue();
    if (type == 1) {
      return doubles(values);
    }
    int size = ((Number) m.get("size")).intValue();
    List<Object> indices = (List<Object>) m.get("indices");
    double[] out = new double[size];
    for (int k = 0; k < indices.size(); k++) {
      out[((Number) indices.get(k)).intValue()] = ((Number) values.get(k)).doubleValue();
    }
    return out;
  }

  /** Whether Spark's vector struct is dense. */
  @SuppressWarnings("unchecked")
  static boolean isDenseVector(Object v) {
    return ((Number) ((Map<String, Object>) v).get("type")).intValue() == 1;
  }

  /** Spark's matrix struct as a row-major dense array [numRows][numCols]. */
  @SuppressWarnings("unchecked")
  static double[][] matrix(Object v) {
    Map<String, Object> m = (Map<String, Object>) v;
    int type = ((Number) m.get("type")).intValue();
    int rows = ((Number) m.get("numRows")).intValue();
    int cols = ((Number) m.get("numCols")).intValue();
    boolean transposed = Boolean.TRUE.equals(m.get("isTransposed"));
    double[] values = doubles((List<Object>) m.get("values"));
    double[][] out = new double[rows][cols];
    if (type == 1) {
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          out[r][c] = transposed ? values[r * cols + c] : values[c * rows + r];
        }
      }
      return out;
    }
    int[] ptrs = ints((List<Object>) m.get("colPtrs"));
    int[] idx = ints((List<Object>) m.get("rowIndices"));
    // Compressed columns; transposed means compressed rows.
    int outer = transposed ? rows : cols;
    for (int o = 0; o < outer; o++) {
      for (int k = ptrs[o]; k < ptrs[o + 1]; k++) {
        if (transposed) {
          out[o][idx[k]] = values[k];
        } else {
          out[idx[k]][o] = values[k];
        }
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object v) {
    return (Map<String, Object>) v;
  }

  static double[] doubles(List<Object> list) {
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) list.get(i)).doubleValue();
    }
    return out;
  }

  static int[] ints(List<Object> list) {
    int[] out = new int[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) list.get(i)).intValue();
    }
    return out;
  }
}
