package dev.lakeops.spark.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.input_file_block_start;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import dev.lakeops.common.config.ColumnSpec;
import dev.lakeops.common.config.EventTime;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.config.SourceFormat;
import dev.lakeops.common.types.ColumnType;
import dev.lakeops.spark.SparkErrors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a source's input as records for {@link RowValidator}, which decodes and validates them with
 * the one decoder of both engines ({@code SourceDecoder} in {@code common}):
 *
 * <ul>
 *   <li>text files (csv, whitespace, jsonl): one row per non-blank line, {@code _raw} (the line),
 *       {@code _header} (the file's first non-blank line when the source declares a header, which
 *       is not a record itself; otherwise null) and {@code _row_index} (the line's index among the
 *       data records of all the source's files, for row-index event time; -1 for other sources);
 *       with a header and no row index, also {@code _block_start} (the offset of the line's file
 *       split), by which the validator drops the header line;
 *   <li>Parquet files and Delta tables: {@code _fields} (each declared column as text: Spark's cast
 *       to string; timestamps as ISO-8601 instants) and {@code _raw} (the row as JSON).
 * </ul>
 *
 * Every row also has {@code _source_file}. Nothing is parsed here, so the Spark pipeline and the
 * Flink job read the same text the same way (CSV dialect, header matching by name, event times).
 */
public final class SourceReader {
  public static final String SOURCE_FILE = "_source_file";
  public static final String RAW = "_raw";
  public static final String HEADER = "_header";
  public static final String FIELDS = "_fields";
  public static final String ROW_INDEX = "_row_index";

  /** The byte offset of a text line's file split (0 for the split holding the file's start). */
  public static final String BLOCK_START = "_block_start";

  static final StructType TEXT_RECORDS =
      new StructType()
          .add(SOURCE_FILE, DataTypes.StringType, false)
          .add(RAW, DataTypes.StringType, false)
          .add(HEADER, DataTypes.StringType, true)
          .add(ROW_INDEX, DataTypes.LongType, false);

  private final SparkSession spark;

  public SourceReader(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * Reads the given files of a file source, in order.
   *
   * @param rowOffset the index of the first data record, for row-index event time (rows read
   *     before)
   */
  public Dataset<Row> readFiles(SourceConfig source, List<InputFile> files, long rowOffset) {
    if (source.format() == SourceFormat.PARQUET) {
      Dataset<Row> all = null;
      for (InputFile f : files) {
        Dataset<Row> one = parquet(source, f.path());
        all = all == null ? one : all.unionByName(one);
      }
      return withRowIndex(source, all, rowOffset);
    }
    boolean header = source.format() == SourceFormat.CSV && source.header();
    if (!(source.eventTime() instanceof EventTime.FromRowIndex)) {
      return readLines(source, files, header);
    }
    // With a row index: each file's non-blank lines numbered, the header (index 0) left out.
    List<JavaRDD<String>> nonBlank = new ArrayList<>();
    for (InputFile f : files) {
      nonBlank.add(
          spark.read().text(f.path()).javaRDD().map(r -> r.getString(0)).filter(l -> !l.isBlank()));
    }
    long skip = header ? 1 : 0;
    long[] lineCounts = lineCounts(nonBlank);
    Dataset<Row> all = null;
    long offset = rowOffset;
    for (int i = 0; i < files.size(); i++) {
      String path = files.get(i).path();
      JavaPairRDD<String, Long> lines = nonBlank.get(i).zipWithIndex();
      String first = header ? headerLine(source, path) : null;
      long base = offset;
      JavaRDD<Row> records =
          lines
              .filter(t -> t._2() >= skip)
              .map(t -> RowFactory.create(path, t._1(), first, base + t._2() - skip));
      offset += Math.max(0, lineCounts[i] - skip);
      Dataset<Row> one = spark.createDataFrame(records, TEXT_RECORDS);
      all = all == null ? one : all.union(one);
    }
    return all;
  }

  /**
   * The files' lines as a DataFrame straight from Spark's text reader, without the row index: no
   * job of its own and no conversion through an RDD. With a header, each row also carries {@value
   * #BLOCK_START} (the byte offset of its file split), and {@link RowValidator} drops the first
   * non-blank line of the split that starts at 0: the file's header. Blank lines are left to the
   * decoder, which skips them.
   */
  private Dataset<Row> readLines(SourceConfig source, List<InputFile> files, boolean header) {
    Dataset<Row> all = null;
    for (InputFile f : files) {
      String path = f.path();
      String first = header ? headerLine(source, path) : null;
      List<Column> cols =
          new ArrayList<>(
              List.of(
                  lit(path).as(SOURCE_FILE),
                  col("value").as(RAW),
                  lit(first).cast(DataTypes.StringType).as(HEADER),
                  lit(-1L).as(ROW_INDEX)));
      if (header) {
        cols.add(input_file_block_start().as(BLOCK_START));
      }
      Dataset<Row> one = spark.read().text(path).select(cols.toArray(Column[]::new));
      all = all == null ? one : all.union(one);
    }
    return all;
  }

  /** A headed file's header: its first non-blank line, read on the driver. */
  private String headerLine(SourceConfig source, String path) {
    return InputFiles.firstNonBlankLine(
        source.name(), path, spark.sparkContext().hadoopConfiguration());
  }

  /**
   * The non-blank lines of each file, in one Spark job over all of them (a row index needs every
   * earlier file's count; one job a file cost a second or more each on a run over a few dozen small
   * files).
   */
  private long[] lineCounts(List<JavaRDD<String>> nonBlank) {
    List<JavaRDD<Integer>> tagged = new ArrayList<>();
    for (int i = 0; i < nonBlank.size(); i++) {
      int file = i;
      tagged.add(nonBlank.get(i).map(l -> file));
    }
    Map<Integer, Long> counts =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .union(tagged.toArray(JavaRDD[]::new))
            .countByValue();
    long[] out = new long[nonBlank.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = counts.getOrDefault(i, 0L);
    }
    return out;
  }

  /** Reads a Delta table (by path or catalog name) whole, as of its current version. */
  public Dataset<Row> readTable(SourceConfig source, String label, Dataset<Row> table) {
    checkColumns(source, table.columns());
    return withRowIndex(
        source,
        table.select(
            fields(source), lit(label).as(SOURCE_FILE), to_json(struct(declared(source))).as(RAW)),
        0);
  }

  private Dataset<Row> parquet(SourceConfig source, String path) {
    Dataset<Row> df = spark.read().options(source.options()).parquet(path);
    checkColumns(source, df.columns());
    return df.select(
        fields(source), lit(path).as(SOURCE_FILE), to_json(struct(declared(source))).as(RAW));
  }

  /** The declared columns as text: Spark's cast to string, timestamps as ISO-8601 instants. */
  private static Column fields(SourceConfig source) {
    List<Column> out = new ArrayList<>();
    for (ColumnSpec c : source.schema()) {
      Column v = col("`" + c.name() + "`");
      out.add(
          c.type() == ColumnType.TIMESTAMP
              ? date_format(v.cast(DataTypes.TimestampType), "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX")
              : v.cast(DataTypes.StringType));
    }
    return array(out.toArray(Column[]::new)).as(FIELDS);
  }

  private Dataset<Row> withRowIndex(SourceConfig source, Dataset<Row> df, long offset) {
    if (!(source.eventTime() instanceof EventTime.FromRowIndex)) {
      return df;
    }
    StructType schema = df.schema().add(ROW_INDEX, DataTypes.LongType, false);
    int width = df.schema().size();
    JavaRDD<Row> rows =
        df.javaRDD()
            .zipWithIndex()
            .map(
                t -> {
                  Object[] values = new Object[width + 1];
                  for (int i = 0; i < width; i++) {
                    values[i] = t._1().get(i);
                  }
                  values[width] = t._2() + offset;
                  return RowFactory.create(values);
                });
    return spark.createDataFrame(rows, schema);
  }

  private static void checkColumns(SourceConfig source, String[] actual) {
    Set<String> have = new TreeSet<>(Arrays.asList(actual));
    List<String> missing = source.columnNames().stream().filter(c -> !have.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw SparkErrors.inputLacksColumns(source.name(), missing, have);
    }
  }

  private static Column[] declared(SourceConfig source) {
    return source.schema().stream().map(c -> col("`" + c.name() + "`")).toArray(Column[]::new);
  }
}
