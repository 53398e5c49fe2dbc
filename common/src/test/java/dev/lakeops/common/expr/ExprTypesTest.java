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
    COLUMNS.put("ordered_at", ExprType.TIME);
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
        .hasMessage(
            "unknown column 'prise'; known columns are [active, amount, country, ordered_at,"
                + " price]");
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

  @Test
  void textFunctionsTakeStringsAndSayHowToConvert() {
    assertThat(type("lower(country)")).isEqualTo(ExprType.STRING);
    assertThat(type("length(country) + 1")).isEqualTo(ExprType.NUMBER);
    assertThat(type("contains(country, 'D') and starts_with(country, 'D')"))
        .isEqualTo(ExprType.BOOLEAN);
    assertThat(type("concat(country, '-', cast(price as string), null)"))
        .isEqualTo(ExprType.STRING);
    assertThat(type("substring(country, 1, price)")).isEqualTo(ExprType.STRING);
    assertThat(type("split_part(country, ',', -1)")).isEqualTo(ExprType.STRING);
    ExprException e = fails("concat(country, price)");
    assertThat(e).hasMessage("type mismatch: concat() needs STRING, got NUMBER");
    assertThat(e.fix()).contains("cast(x as string)");
    assertThat(fails("upper(active)"))
        .hasMessage("type mismatch: upper() needs STRING, got BOOLEAN");
    assertThat(fails("substring(country, '1')"))
        .hasMessage("type mismatch: substring()'s position and length needs NUMBER, got STRING");
    assertThat(fails("split_part(country, ',', '1')"))
        .hasMessage("type mismatch: split_part()'s part number needs NUMBER, got STRING");
  }

  @Test
  void castsConvertBetweenNumbersStringsAndConditions() {
    assertThat(type("cast(country as number)")).isEqualTo(ExprType.NUMBER);
    assertThat(type("cast(price as string)")).isEqualTo(ExprType.STRING);
    assertThat(type("cast(price as boolean) and active")).isEqualTo(ExprType.BOOLEAN);
    assertThat(type("cast(null as string)")).isEqualTo(ExprType.STRING);
    // Built without the parser, with a target that is not a type.
    Expr bad =
        new Expr.Call(
            Functions.CAST, java.util.List.of(new Expr.Literal(1.0), new Expr.Literal("int")));
    assertThat(assertThrows(ExprException.class, () -> ExprTypes.infer(bad, COLUMNS)))
        .hasMessageStartingWith("cast() needs the target type as 'number', 'string' or 'boolean'");
  }

  @Test
  void dateAndTimestampColumnsAreReadThroughDateParts() {
    assertThat(type("hour(ordered_at)")).isEqualTo(ExprType.NUMBER);
    assertThat(type("day_of_week(ordered_at) == 1")).isEqualTo(ExprType.BOOLEAN);
    assertThat(type("year(null)")).isEqualTo(ExprType.NUMBER);
    assertThat(type("is_null(ordered_at)")).isEqualTo(ExprType.BOOLEAN);
    ExprException e = fails("ordered_at");
    assertThat(e)
        .hasMessage(
            "column 'ordered_at' is a date or timestamp; an expression reads it only through"
                + " hour(), day_of_week(), day_of_month(), month() or year()");
    assertThat(e.fix()).isEqualTo("write e.g. hour(ordered_at) or day_of_week(ordered_at).");
    assertThat(fails("ordered_at > ordered_at")).hasMessageStartingWith("column 'ordered_at'");
    assertThat(fails("coalesce(ordered_at, null)")).hasMessageStartingWith("column 'ordered_at'");
    assertThat(fails("cast(ordered_at as string)")).hasMessageStartingWith("column 'ordered_at'");
    ExprException part = fails("month(price)");
    assertThat(part)
        .hasMessage("type mismatch: month() needs a date or timestamp column, got NUMBER");
    assertThat(part.fix()).contains("take a date or timestamp column");
    assertThat(fails("hour(country)"))
        .hasMessage("type mismatch: hour() needs a date or timestamp column, got STRING");
  }

  @Test
  void regexpExtractChecksItsPatternAndGroupAtLoad() {
    assertThat(type("regexp_extract(country, '([A-Z]+)-(\\d+)', 2)")).isEqualTo(ExprType.STRING);
    assertThat(type("regexp_extract(country, '(\\d+)')")).isEqualTo(ExprType.STRING);
    ExprException e = fails("regexp_extract(country, '(a', 1)");
    assertThat(e)
        .hasMessage(
            "regexp_extract()'s pattern '(a' is not a valid regular expression: Unclosed group"
                + " near index 2");
    assertThat(e.fix()).contains("Java regular-expression syntax");
    assertThat(fails("regexp_extract(country, '(a)', 2)"))
        .hasMessage(
            "regexp_extract()'s group must be a whole-number literal from 0 to 1 (the groups of"
                + " '(a)'), got 2.0");
    assertThat(fails("regexp_extract(country, '(a)', 0.5)")).hasMessageContaining("got 0.5");
    assertThat(fails("regexp_extract(country, '(a)', -1)"))
        .hasMessageContaining("got an expression");
    assertThat(fails("regexp_extract(country, '(a)', price)"))
        .hasMessageContaining("got an expression");
    assertThat(fails("regexp_extract(country, 'a')"))
        .hasMessage("regexp_extract() without a group returns group 1, but 'a' has no group");
    assertThat(fails("regexp_extract(country, country, 0)"))
        .hasMessage(
            "regexp_extract() needs its pattern as a string literal, got Column[name=country]");
    assertThat(fails("regexp_extract(price, 'a', 0)"))
        .hasMessage("type mismatch: regexp_extract() needs STRING, got NUMBER");
  }

  @Test
  void aConstantSplitPartNumberOfZeroIsRefusedAtLoad() {
    ExprException e = fails("split_part(country, ',', 0)");
    assertThat(e)
        .hasMessage("split_part()'s part number is 0.0, which Spark refuses (parts count from 1)");
    assertThat(e.fix()).contains("-1 for the last");
    assertThat(fails("split_part(country, ',', 1 - 1)")).hasMessageContaining("is 0.0");
    assertThat(fails("split_part(country, ',', -0.5)")).hasMessageContaining("is -0.5");
    // Computed per row: null there, not an error; a constant that is null or NaN: null too.
    assertThat(type("split_part(country, ',', price - 1)")).isEqualTo(ExprType.STRING);
    assertThat(type("split_part(country, ',', null)")).isEqualTo(ExprType.STRING);
    assertThat(type("split_part(country, ',', sqrt(-1))")).isEqualTo(ExprType.STRING);
  }
}
