package dev.lakeops.spark.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.lakeops.common.config.ColumnSpec;
import dev.lakeops.common.config.EventTime;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.error.LakeOpsException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a source's input as declared columns plus bookkeeping columns: {@code _source_file}, {@code
 * _raw} (the record as read, for the quarantine), {@code _malformed} (why the record could not be
 * split into columns, or null) and, for row-index event time, {@code _row_index}. Text formats keep
 * every value as text so that type errors become quarantine reasons, not failures.
 */
public final class SourceReader {
  public static final String SOURCE_FILE = "_source_file";
  public static final String RAW = "_raw";
  public static final String MALFORMED = "_malformed";
  public static final String ROW_INDEX = "_row_index";
  private static final String CORRUPT = "_corrupt";

  private final SparkSession spark;

  public SourceReader(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * Reads the given files of a file source, in order.
   *
   * @param rowOffset the index of the first row, for row-index event time (rows read before)
   */
  public Dataset<Row> readFiles(SourceConfig source, List<InputFile> files, long rowOffset) {
    Dataset<Row> all = null;
    for (InputFile f : files) {
      Dataset<Row> one = readFile(source, f.path());
      all = all == null ? one : all.unionByName(one);
    }
    return withRowIndex(source, all, rowOffset);
  }

  /** Reads a Delta table (by path or catalog name) whole, as of its current version. */
  public Dataset<Row> readTable(SourceConfig source, String label, Dataset<Row> table) {
    checkColumns(source, table.columns());
    List<Column> cols = new ArrayList<>();
    for (ColumnSpec c : source.schema()) {
      cols.add(col("`" + c.name() + "`"));
    }
    cols.add(lit(label).as(SOURCE_FILE));
    cols.add(to_json(struct(declared(source))).as(RAW));
    cols.add(lit(null).cast(DataTypes.StringType).as(MALFORMED));
    return withRowIndex(source, table.select(cols.toArray(Column[]::new)), 0);
  }

  private Dataset<Row> readFile(SourceConfig source, String path) {
    Dataset<Row> df =
        switch (source.format()) {
          case CSV ->
              source.delimiter().equals("whitespace")
                  ? whitespace(source, path)
                  : csv(source, path);
          case JSONL -> jsonl(source, path);
          case PARQUET -> parquet(source, path);
          case DELTA -> throw new IllegalArgumentException("Delta sources are read as tables");
        };
    return df.withColumn(SOURCE_FILE, lit(path));
  }

  private Dataset<Row> csv(SourceConfig source, String path) {
    String sep = source.delimiter().equals("\\t") ? "\t" : source.delimiter();
    Dataset<Row> df =
        spark
            .read()
            .format("csv")
            .options(source.options())
            .option("header", source.header())
            .option("sep", sep)
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", CORRUPT)
            .schema(textSchema(source).add(CORRUPT, DataTypes.StringType))
            .load(path);
    return df.select(
        concat(
            declaredCols(source),
            coalesce(col(CORRUPT), concat_ws(sep, declared(source))).as(RAW),
            when(
                    col(CORRUPT).isNotNull(),
                    lit(
                        "expected "
                            + source.schema().size()
                            + " fields separated by '"
                            + sep
                            + "'"))
                .as(MALFORMED)));
  }

  private Dataset<Row> whitespace(SourceConfig source, String path) {
    Dataset<Row> lines = spark.read().text(path);
    if (source.header()) {
      JavaRDD<Row> body = lines.javaRDD().zipWithIndex().filter(t -> t._2() > 0).map(t -> t._1());
      lines = spark.createDataFrame(body, lines.schema());
    }
    lines = lines.filter(trim(col("value")).notEqual(lit("")));
    int n = source.schema().size();
    Column parts = split(trim(col("value")), "\\s+");
    List<Column> cols = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      cols.add(
          when(size(parts).equalTo(n), element_at(parts, i + 1)).as(source.schema().get(i).name()));
    }
    cols.add(col("value").as(RAW));
    cols.add(
        when(
                size(parts).notEqual(n),
                concat_ws(
                    "",
                    lit("expected " + n + " whitespace-separated fields, got "),
                    size(parts).cast(DataTypes.StringType)))
            .as(MALFORMED));
    return lines.select(cols.toArray(Column[]::new));
  }

  private Dataset<Row> jsonl(SourceConfig source, String path) {
    Dataset<Row> df =
        spark
            .read()
            .options(source.options())
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", CORRUPT)
            .schema(textSchema(source).add(CORRUPT, DataTypes.StringType))
            .json(path);
    return df.select(
        concat(
            declaredCols(source),
            coalesce(col(CORRUPT), to_json(struct(declared(source)))).as(RAW),
            when(col(CORRUPT).isNotNull(), lit("not a valid JSON object")).as(MALFORMED)));
  }

  private Dataset<Row> parquet(SourceConfig source, String path) {
    Dataset<Row> df = spark.read().options(source.options()).parquet(path);
    checkColumns(source, df.columns());
    return df.select(
        concat(
            declaredCols(source),
            to_json(struct(declared(source))).as(RAW),
            lit(null).cast(DataTypes.StringType).as(MALFORMED)));
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
      throw new LakeOpsException(
          "Source '"
              + source.name()
              + "': the input has no column(s) "
              + missing
              + "; its columns are "
              + have
              + ". Fix the schema in sources.yaml to match the input.");
    }
  }

  private static StructType textSchema(SourceConfig source) {
    StructType s = new StructType();
    for (ColumnSpec c : source.schema()) {
      s = s.add(c.name(), DataTypes.StringType);
    }
    return s;
  }

  private static Column[] declared(SourceConfig source) {
    return source.schema().stream().map(c -> col("`" + c.name() + "`")).toArray(Column[]::new);
  }

  private static List<Column> declaredCols(SourceConfig source) {
    return Arrays.asList(declared(source));
  }

  private static Column[] concat(List<Column> first, Column... more) {
    List<Column> all = new ArrayList<>(first);
    all.addAll(Arrays.asList(more));
    return all.toArray(Column[]::new);
  }
}
