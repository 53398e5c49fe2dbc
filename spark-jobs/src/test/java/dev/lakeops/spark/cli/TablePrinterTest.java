package dev.lakeops.spark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Cells as people read them: no Scala collection names, rounded floating point. No Spark runs. */
class TablePrinterTest {
  @Test
  void collectionsAreWrittenWithoutScalaNames() {
    Object array = scala.jdk.javaapi.CollectionConverters.asScala(List.of(0.25, 0.75)).toSeq();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("spend_30d", 12.5);
    Object map = scala.jdk.javaapi.CollectionConverters.asScala(m);
    assertThat(TablePrinter.show(array)).isEqualTo("[0.25, 0.75]");
    assertThat(TablePrinter.show(map)).isEqualTo("{spend_30d=12.5}");
    StructType schema =
        new StructType().add("a", DataTypes.IntegerType).add("b", DataTypes.StringType);
    assertThat(TablePrinter.show(new GenericRowWithSchema(new Object[] {1, "x"}, schema)))
        .isEqualTo("{a: 1, b: x}");
    assertThat(TablePrinter.show(RowFactory.create(1, null))).isEqualTo("{1, null}");
  }

  @Test
  void floatingPointIsRoundedToSixSignificantDigits() {
    assertThat(TablePrinter.show(0.1 + 0.2)).isEqualTo("0.3"); // 0.30000000000000004
    assertThat(TablePrinter.show(2.0)).isEqualTo("2.0");
    assertThat(TablePrinter.show(0.123456789)).isEqualTo("0.123456789");
    assertThat(TablePrinter.show(-1234.56789)).isEqualTo("-1234.56789");
    assertThat(TablePrinter.show(95.39999999999999)).isEqualTo("95.4");
    assertThat(TablePrinter.show(0.7071067811865476)).isEqualTo("0.707106781187");
    // large values stay distinguishable (1e9 and 1e9 + 1 must not print alike)
    assertThat(TablePrinter.show(1_000_000_001.0)).isEqualTo("1000000001.0");
    assertThat(TablePrinter.show(1_000_000_001.5)).isEqualTo("1000000001.5");
    assertThat(TablePrinter.show(1.0f / 3)).isEqualTo("0.3333333");
    assertThat(TablePrinter.show(Double.NaN)).isEqualTo("NaN");
    assertThat(TablePrinter.show(1.5e-7)).isEqualTo("1.5E-7");
    assertThat(TablePrinter.show(42L)).isEqualTo("42");
  }
}
