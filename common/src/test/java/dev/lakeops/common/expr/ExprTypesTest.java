package dev.lakeops.common.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExprTypesTest {
  private static final Map<String, ExprType> COLUMNS = new LinkedHashMap<>();

  static {
    COLUMNS.put("price", ExprType.NUMBER);
    COLUMNS.put("country", ExprType.STRING);
    COLUMNS.put("amount", ExprType.NUMBER);
    COLUMNS.put("active", ExprType.BOOLEAN);
  }

  private static ExprType type(String text) {
    return ExprTypes.infer(ExprParser.parse(text), COLUMNS);
  }

  private static ExprException fails(String text) {
    return assertThrows(ExprException.class, () -> type(text));
  }

  @Test
  void infersTypes() {
    assertThat(type("price * 2 - amount")).isEqualTo(ExprType.NUMBER);
    assertThat(type("country == 'DE' and price > 0 or not active")).isEqualTo(ExprType.BOOLEAN);
    assertThat(type("coalesce(null, country)")).isEqualTo(ExprType.STRING);
    assertThat(type("if(active, null, price)")).isEqualTo(ExprType.NUMBER);
    assertThat(type("is_null(country)")).isEqualTo(ExprType.BOOLEAN);
    assertThat(type("price == null")).isEqualTo(ExprType.BOOLEAN);
    assertThat(type("null")).isEqualTo(ExprType.NULL);
  }

  @Test
  void unknownColumnListsTheKnownColumnsSorted() {
    ExprException e = fails("prise * 2");
    assertThat(e)
        .hasMessage("unknown column 'prise'; known columns are [active, amount, country, price]");
    assertThat(e.fix()).contains("declare 'prise' in the source schema");
  }

  @Test
  void arithmeticNeedsNumbers() {
    ExprException e = fails("price + 'a'");
    assertThat(e).hasMessage("type mismatch: '+' needs NUMBER, got STRING");
    assertThat(e.fix()).contains("arithmetic takes numbers");
    assertThat(fails("-country")).hasMessage("type mismatch: '-' needs NUMBER, got STRING");
    assertThat(fails("log(country)")).hasMessage("type mismatch: log() needs NUMBER, got STRING");
  }

  @Test
  void logicNeedsConditions() {
    assertThat(fails("amount and true"))
        .hasMessage("type mismatch: 'and' needs BOOLEAN, got NUMBER");
    assertThat(fails("not price")).hasMessage("type mismatch: 'not' needs BOOLEAN, got NUMBER");
    assertThat(fails("if(price, 1, 2)"))
        .hasMessage("type mismatch: if()'s condition needs BOOLEAN, got NUMBER");
  }

  @Test
  void comparisonsNeedTheSameTypeOnBothSides() {
    ExprException e = fails("country == 1");
    assertThat(e).hasMessage("type mismatch: '==' compares STRING with NUMBER");
    assertThat(e.fix()).contains("both sides of a comparison must have the same type");
    assertThat(fails("price < 'a'")).hasMessage("type mismatch: '<' compares NUMBER with STRING");
    assertThat(fails("active > false"))
        .hasMessage("type mismatch: '>' compares BOOLEAN with BOOLEAN");
  }

  @Test
  void branchesMustAgree() {
    assertThat(fails("if(active, 1, 'a')"))
        .hasMessage("type mismatch: if() mixes NUMBER and STRING");
    assertThat(fails("coalesce(country, price)"))
        .hasMessage("type mismatch: coalesce() mixes STRING and NUMBER");
  }
}
