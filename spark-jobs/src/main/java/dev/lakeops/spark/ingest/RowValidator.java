package dev.lakeops.spark.ingest;

import dev.lakeops.common.config.ColumnSpec;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.events.SourceDecoder;
import dev.lakeops.common.events.Validated;
import dev.lakeops.common.types.ColumnType;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Validates the records {@link SourceReader} read with the one decoder of both engines, {@code
 * SourceDecoder} (in {@code common}, also used by the Flink online-store job), called in each Spark
 * task: the rules, their order and their reasons are that class's, so a row the Flink job rejects
 * is quarantined here by the same rule with the same reason. This class only converts the decoder's
 * result into Spark rows.
 *
 * <p>Output: the declared columns typed (a column named like one of the source's entity key columns
 * holds that key's text, as the decoder gives it), the key columns not declared (text, in the
 * source's key order), {@value #EVENT_TIME} (timestamp), {@value #VIOLATIONS} (an array of {rule,
 * reason}, empty when the row is clean), {@code _source_file}, {@code _raw} and, when read, {@code
 * _row_index}. Blank and comment lines give no row. Rules: those of {@code SourceDecoder}; the
 * pipeline adds {@code duplicate_key}.
 */
public final class RowValidator {
  public static final String VIOLATIONS = "_violations";
  public static final String EVENT_TIME = "event_time";

  static final StructType VIOLATION =
      new StructType()
          .add("rule", DataTypes.StringType, false)
          .add("reason", DataTypes.StringType, false);

  private RowValidator() {}

  /** The rows with typed columns, entity keys, {@value #EVENT_TIME} and {@value #VIOLATIONS}. */
  public static Dataset<Row> validate(SourceConfig source, Dataset<Row> read) {
    StructType in = read.schema();
    boolean hasRowIndex = in.getFieldIndex(SourceReader.ROW_INDEX).isDefined();
    StructType out = new StructType();
    List<String> keyColumns = source.keyColumns();
    for (ColumnSpec c : source.schema()) {
      out =
          out.add(
              c.name(),
              keyColumns.contains(c.name()) ? DataTypes.StringType : sparkType(c.type()),
              true);
    }
    List<Integer> undeclared = new ArrayList<>();
    for (int k = 0; k < keyColumns.size(); k++) {
      if (source.column(keyColumns.get(k)).isEmpty()) {
        undeclared.add(k);
        out = out.add(keyColumns.get(k), DataTypes.StringType, true);
      }
    }
    out =
        out.add(EVENT_TIME, DataTypes.TimestampType, true)
            .add(VIOLATIONS, DataTypes.createArrayType(VIOLATION, false), false)
            .add(SourceReader.SOURCE_FILE, DataTypes.StringType, true)
            .add(SourceReader.RAW, DataTypes.StringType, true);
    if (hasRowIndex) {
      out = out.add(SourceReader.ROW_INDEX, DataTypes.LongType, false);
    }
    return read.mapPartitions(new Decode(source, undeclared, in, hasRowIndex), Encoders.row(out));
  }

  /** Decodes a partition's records with one {@link SourceDecoder} (it is not thread-safe). */
  private static final class Decode implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final SourceConfig source;

    /** The positions in the source's keys of the key columns that are not declared columns. */
    private final List<Integer> undeclared;

    private final int file;
    private final int raw;
    private final int header;
    private final int fields;
    private final int rowIndex;

    /**
     * Where a line's split offset is, when the lines still hold their file's header (see {@link
     * SourceReader}); -1 when the header is already dropped or there is none.
     */
    private final int blockStart;

    Decode(SourceConfig source, List<Integer> undeclared, StructType in, boolean hasRowIndex) {
      this.source = source;
      this.undeclared = List.copyOf(undeclared);
      this.file = in.fieldIndex(SourceReader.SOURCE_FILE);
      this.raw = in.fieldIndex(SourceReader.RAW);
      this.header =
          in.getFieldIndex(SourceReader.HEADER).isDefined()
              ? in.fieldIndex(SourceReader.HEADER)
              : -1;
      this.fields =
          in.getFieldIndex(SourceReader.FIELDS).isDefined()
              ? in.fieldIndex(SourceReader.FIELDS)
              : -1;
      this.rowIndex = hasRowIndex ? in.fieldIndex(SourceReader.ROW_INDEX) : -1;
      this.blockStart =
          in.getFieldIndex(SourceReader.BLOCK_START).isDefined()
              ? in.fieldIndex(SourceReader.BLOCK_START)
              : -1;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      SourceDecoder decoder = new SourceDecoder(source);
      List<ColumnSpec> schema = source.schema();
      return new Iterator<>() {
        private Row next;
        private boolean headerDropped = blockStart < 0;

        @Override
        public boolean hasNext() {
          while (next == null && rows.hasNext()) {
            Row r = rows.next();
            if (!headerDropped && isHeader(r)) {
              headerDropped = true;
              continue;
            }
            next = convert(r);
          }
          return next != null;
        }

        /** The file's first non-blank line: in the split at offset 0, its split's first one. */
        private boolean isHeader(Row r) {
          return r.getLong(blockStart) == 0 && !r.getString(raw).isBlank();
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Row r = next;
          next = null;
          return r;
        }

        private Row convert(Row r) {
          long index = rowIndex >= 0 ? r.getLong(rowIndex) : -1L;
          Validated v;
          if (fields >= 0) {
            List<String> f = r.getList(fields);
            v = decoder.validateFields(f.toArray(String[]::new), index);
          } else {
            v = decoder.validate(r.getString(raw), header >= 0 ? r.getString(header) : null, index);
          }
          if (v.skipped() != null) {
            return null;
          }
          List<Object> out = new ArrayList<>(schema.size() + 6);
          for (int i = 0; i < schema.size(); i++) {
            // A key column's value is the key text already (SourceDecoder).
            Object value = v.values() == null ? null : v.values()[i];
            out.add(value instanceof String ? value : spark(schema.get(i).type(), value));
          }
          for (int k : undeclared) {
            out.add(v.keys() == null ? null : v.keys().get(k));
          }
          out.add(v.eventTimeMicros() == null ? null : timestamp(v.eventTimeMicros()));
          Row[] violations = new Row[v.violations().size()];
          for (int i = 0; i < violations.length; i++) {
            Validated.Violation x = v.violations().get(i);
            violations[i] = RowFactory.create(x.rule(), x.reason());
          }
          out.add(violations);
          out.add(r.getString(file));
          out.add(r.getString(raw));
          if (rowIndex >= 0) {
            out.add(index);
          }
          return RowFactory.create(out.toArray());
        }
      };
    }
  }

  /** A decoded value as Spark's external type (dates and timestamps from microseconds). */
  public static Object spark(ColumnType type, Object v) {
    if (v == null) {
      return null;
    }
    return switch (type) {
      case DATE -> Date.valueOf(LocalDate.ofEpochDay(Math.floorDiv((Long) v, 86_400_000_000L)));
      case TIMESTAMP -> timestamp((Long) v);
      default -> v;
    };
  }

  static Timestamp timestamp(long micros) {
    Timestamp t = new Timestamp(Math.floorDiv(micros, 1000L));
    t.setNanos((int) Math.floorMod(micros, 1_000_000L) * 1000);
    return t;
  }

  /** The Spark type of a declared column type. */
  public static DataType sparkType(ColumnType t) {
    return switch (t) {
      case STRING -> DataTypes.StringType;
      case INT -> DataTypes.IntegerType;
      case LONG -> DataTypes.LongType;
      case DOUBLE -> DataTypes.DoubleType;
      case BOOLEAN -> DataTypes.BooleanType;
      case DATE -> DataTypes.DateType;
      case TIMESTAMP -> DataTypes.TimestampType;
      case VECTOR -> org.apache.spark.ml.linalg.SQLDataTypes.VectorType();
    };
  }
}
