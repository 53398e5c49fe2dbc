package dev.lakeops.common.expr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExprEvaluatorTest {

  /** A row with x = null, y = 0 (an Integer), n = 3 (an Integer), big = 5 (a Long), s = 'UP'. */
  private static Object eval(String text) {
    Map<String, Object> row = new HashMap<>();
    row.put("x", null);
    row.put("y", 0);
    row.put("n", 3);
    row.put("big", 5L);
    row.put("s", "UP");
    return ExprEvaluator.eval(ExprParser.parse(text), row::get);
  }

  @Test
  void nullPropagatesThroughArithmeticAndComparisons() {
    assertThat(eval("x + 1")).isNull();
    assertThat(eval("x * 0")).isNull();
    assertThat(eval("-x")).isNull();
    assertThat(eval("not x")).isNull();
    assertThat(eval("x == 1")).isNull();
    assertThat(eval("x != 1")).isNull();
    assertThat(eval("x < 1")).isNull();
    assertThat(eval("null == null")).isNull();
    assertThat(eval("abs(x)")).isNull();
    assertThat(eval("pow(2, x)")).isNull();
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "true and true, true",
    "true and false, false",
    "false and true, false",
    "null and false, false",
    "false and null, false",
    "null and true, null",
    "true and null, null",
    "null and null, null",
    "false or false, false",
    "true or false, true",
    "null or true, true",
    "true or null, true",
    "null or false, null",
    "false or null, null",
    "null or null, null"
  })
  void andOrAreThreeValued(String text, String expected) {
    assertThat(eval(text)).isEqualTo(expected.equals("null") ? null : Boolean.valueOf(expected));
  }

  @Test
  void divisionOrModuloByZeroIsNull() {
    assertThat(eval("1 / 0")).isNull();
    assertThat(eval("5 % 0")).isNull();
    assertThat(eval("n / y")).isNull();
    assertThat(eval("1 / -0")).isNull();
    assertThat(eval("7 / 2")).isEqualTo(3.5);
    assertThat(eval("7 % 3")).isEqualTo(1.0);
  }

  @Test
  void logOfANonPositiveNumberIsNull() {
    assertThat(eval("log(0)")).isNull();
    assertThat(eval("log(-1)")).isNull();
    assertThat(eval("log(1)")).isEqualTo(0.0);
    assertThat(eval("sqrt(16) + exp(0) + abs(-2)")).isEqualTo(7.0);
  }

  @Test
  void nullAwareFunctions() {
    assertThat(eval("coalesce(x, null, 2, 3)")).isEqualTo(2.0);
    assertThat(eval("coalesce(x, null)")).isNull();
    assertThat(eval("if(x > 0, 'pos', 'other')")).isEqualTo("other");
    assertThat(eval("if(n > 0, 'pos', 'other')")).isEqualTo("pos");
    assertThat(eval("if(true, x, 1)")).isNull();
    assertThat(eval("is_null(x)")).isEqualTo(true);
    assertThat(eval("is_null(n)")).isEqualTo(false);
    assertThat(eval("is_null(1 / 0)")).isEqualTo(true);
    assertThat(eval("least(3, x, 1)")).isEqualTo(1.0);
    assertThat(eval("greatest(x, 2, 5, 4)")).isEqualTo(5.0);
    assertThat(eval("least(x, null)")).isNull();
  }

  @Test
  void integerAndLongValuesBecomeDoubles() {
    assertThat(eval("n")).isInstanceOf(Double.class).isEqualTo(3.0);
    assertThat(eval("big")).isInstanceOf(Double.class).isEqualTo(5.0);
    assertThat(eval("n == 3")).isEqualTo(true);
    assertThat(eval("n / 2")).isEqualTo(1.5);
    assertThat(eval("big > n")).isEqualTo(true);
  }

  @Test
  void negativeZeroEqualsZero() {
    assertThat(eval("0 * -1 == 0")).isEqualTo(true);
    assertThat(eval("-y >= 0")).isEqualTo(true);
    assertThat(eval("-y < 0")).isEqualTo(false);
    assertThat(eval("-y != 0")).isEqualTo(false);
  }

  @Test
  void stringsCompareByValue() {
    assertThat(eval("s == 'UP'")).isEqualTo(true);
    assertThat(eval("s != 'UP'")).isEqualTo(false);
    assertThat(eval("s == 'up'")).isEqualTo(false);
    assertThat(eval("'abc' < 'abd'")).isEqualTo(true);
    assertThat(eval("'b' >= 'abc'")).isEqualTo(true);
    assertThat(eval("s == x")).isNull();
  }
}
