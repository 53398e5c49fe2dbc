package dev.lakeops.flink.delta;

import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StructType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Java values laid out as Kernel column vectors, for writing. Values are held as the Kernel types
 * read them: {@code String}, {@code Long} (also timestamps, in microseconds), {@code Integer},
 * {@code Double}, {@code Boolean}, {@code double[]} or {@code List} for arrays, {@code Map} for
 * maps and structs (field name to value); {@code null} is a null.
 */
final class ValueVectors {
  private ValueVectors() {}

  /** A batch of rows; each row holds one value per field of {@code schema}, in order. */
  static ColumnarBatch batch(StructType schema, List<Object[]> rows) {
    return new ColumnarBatch() {
      @Override
      public StructType getSchema() {
        return schema;
      }

      @Override
      public ColumnVector getColumnVector(int ordinal) {
        Object[] column = new Object[rows.size()];
        for (int i = 0; i < column.length; i++) {
          column[i] = rows.get(i)[ordinal];
        }
        return new Vector(schema.at(ordinal).getDataType(), column);
      }

      @Override
      public int getSize() {
        return rows.size();
      }
    };
  }

  /** One column: a type and its values. */
  static final class Vector implements ColumnVector {
    private final DataType type;
    private final Object[] values;

    Vector(DataType type, Object[] values) {
      this.type = type;
      this.values = values;
    }

    @Override
    public DataType getDataType() {
      return type;
    }

    @Override
    public int getSize() {
      return values.length;
    }

    @Override
    public void close() {}

    @Override
    public boolean isNullAt(int rowId) {
      return values[rowId] == null;
    }

    @Override
    public boolean getBoolean(int rowId) {
      return (Boolean) values[rowId];
    }

    @Override
    public int getInt(int rowId) {
      return ((Number) values[rowId]).intValue();
    }

    @Override
    public long getLong(int rowId) {
      return ((Number) values[rowId]).longValue();
    }

    @Override
    public double getDouble(int rowId) {
      return ((Number) values[rowId]).doubleValue();
    }

    @Override
    public float getFloat(int rowId) {
      return ((Number) values[rowId]).floatValue();
    }

    @Override
    public String getString(int rowId) {
      return (String) values[rowId];
    }

    /** A struct's field: the rows' values are maps from field name to value (null: a null row). */
    @Override
    public ColumnVector getChild(int ordinal) {
      io.delta.kernel.types.StructField field = ((StructType) type).at(ordinal);
      Object[] children = new Object[values.length];
      for (int i = 0; i < values.length; i++) {
        children[i] = values[i] == null ? null : ((Map<?, ?>) values[i]).get(field.getName());
      }
      return new Vector(field.getDataType(), children);
    }

    @Override
    public ArrayValue getArray(int rowId) {
      Object v = values[rowId];
      Object[] elements;
      if (v instanceof double[] d) {
        elements = new Object[d.length];
        for (int i = 0; i < d.length; i++) {
          elements[i] = d[i];
        }
      } else {
        elements = ((List<?>) v).toArray();
      }
      DataType elementType = ((ArrayType) type).getElementType();
      Vector vector = new Vector(elementType, elements);
      return new ArrayValue() {
        @Override
        public int getSize() {
          return elements.length;
        }

        @Override
        public ColumnVector getElements() {
          return vector;
        }
      };
    }

    @Override
    public MapValue getMap(int rowId) {
      Map<?, ?> m = (Map<?, ?>) values[rowId];
      List<Object> keys = new ArrayList<>(m.size());
      List<Object> vals = new ArrayList<>(m.size());
      m.forEach(
          (k, x) -> {
            keys.add(k);
            vals.add(x);
          });
      MapType mt = (MapType) type;
      Vector keyVector = new Vector(mt.getKeyType(), keys.toArray());
      Vector valueVector = new Vector(mt.getValueType(), vals.toArray());
      return new MapValue() {
        @Override
        public int getSize() {
          return keys.size();
        }

        @Override
        public ColumnVector getKeys() {
          return keyVector;
        }

        @Override
        public ColumnVector getValues() {
          return valueVector;
        }
      };
    }
  }
}
