package dev.lakeops.spark.conformance;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.conformance.ExprCases;
import dev.lakeops.common.expr.ExprType;
import dev.lakeops.common.types.ColumnType;
import dev.lakeops.spark.TestSpark;
import dev.lakeops.spark.expr.SparkExprs;
import dev.lakeops.spark.ingest.RowValidator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the expression conformance table (common's {@code conformance/expressions.txt}, the same
 * cases {@code ExprConformanceTest} runs through ExprEvaluator) through {@link SparkExprs} on the
 * real local[2] session, in ANSI mode as the jobs run: one DataFrame holds every case's input row
 * and one column per distinct expression, so all cases run in one job.
 */
class ExprConformanceIT {
  private static final String IDX = "_case";

  /**
   * @param factoryMode Spark's expression evaluation: generated code (the default) or the
   *     interpreted path (which constant folding also takes)
   */
  @ParameterizedTest(name = "codegen factory mode {0}")
  @ValueSource(strings = {"CODEGEN_ONLY", "NO_CODEGEN"})
  void everyCaseGivesTheExpectedValueInSpark(String factoryMode) {
    SparkSession spark = TestSpark.session();
    // The premises of the table: Spark 4's defaults, which the jobs' sessions keep (ICU's case
    // mapping for lower/upper, the one ExprEvaluator uses), and the jobs' UTC session time zone.
    assertThat(spark.conf().get("spark.sql.ansi.enabled")).isEqualTo("true");
    assertThat(spark.conf().get("spark.sql.icu.caseMappings.enabled")).isEqualTo("true");
    assertThat(spark.conf().get("spark.sql.session.timeZone")).isEqualTo("UTC");
    String before = spark.conf().get("spark.sql.codegen.factoryMode", "FALLBACK");
    spark.conf().set("spark.sql.codegen.factoryMode", factoryMode);
    try {
      check(spark);
    } finally {
      spark.conf().set("spark.sql.codegen.factoryMode", before);
    }
  }

  private static void check(SparkSession spark) {
    List<ExprCases.Case> cases = ExprCases.load();
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField(IDX, DataTypes.IntegerType, false));
    for (Map.Entry<String, ColumnType> c : ExprCases.COLUMNS.entrySet()) {
      fields.add(DataTypes.createStructField(c.getKey(), sparkType(c.getValue()), true));
    }
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < cases.size(); k++) {
      Object[] values = new Object[fields.size()];
      values[0] = k;
      int j = 1;
      for (Map.Entry<String, ColumnType> c : ExprCases.COLUMNS.entrySet()) {
        // Dates and timestamps as the pipeline hands them to Spark (RowValidator).
        values[j++] = RowValidator.spark(c.getValue(), cases.get(k).row().get(c.getKey()));
      }
      rows.add(RowFactory.create(values));
    }
    Dataset<Row> inputs = spark.createDataFrame(rows, DataTypes.createStructType(fields));

    // One column per distinct expression, evaluated on every row (so no input of the table makes
    // any compiled expression raise an ANSI error); each case reads its own row and expression.
    Map<String, Integer> columnOf = new LinkedHashMap<>();
    List<Column> select = new ArrayList<>();
    select.add(col(IDX));
    for (ExprCases.Case c : cases) {
      if (!columnOf.containsKey(c.text())) {
        Column v = SparkExprs.toColumn(c.expr());
        if (c.type() == ExprType.NUMBER || c.type() == ExprType.NULL) {
          v = v.cast(DataTypes.DoubleType); // as FeatureComputer does with every NUMBER feature
        }
        columnOf.put(c.text(), select.size());
        select.add(v.as("_x" + select.size()));
      }
    }
    List<Row> out = inputs.select(select.toArray(Column[]::new)).collectAsList();

    assertThat(out).hasSize(cases.size());
    List<String> failures = new ArrayList<>();
    for (Row r : out) {
      ExprCases.Case c = cases.get(r.getInt(0));
      Object got = r.get(columnOf.get(c.text()));
      if (!ExprCases.same(c.expected(), got)) {
        failures.add(
            c.describe()
                + ": expected "
                + ExprCases.show(c.expected())
                + ", Spark gives "
                + ExprCases.show(got));
      }
    }
    assertThat(failures).as("%d cases", cases.size()).isEmpty();
  }

  private static DataType sparkType(ColumnType t) {
    return switch (t) {
      case DOUBLE -> DataTypes.DoubleType;
      case LONG -> DataTypes.LongType;
      case INT -> DataTypes.IntegerType;
      case STRING -> DataTypes.StringType;
      case BOOLEAN -> DataTypes.BooleanType;
      case DATE -> DataTypes.DateType;
      case TIMESTAMP -> DataTypes.TimestampType;
      case VECTOR -> throw new IllegalArgumentException("not an expression type: " + t);
    };
  }
}
