package dev.lakeops.common.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExprParserTest {

  private static Object eval(String text) {
    return ExprEvaluator.eval(ExprParser.parse(text), column -> null);
  }

  private static ExprException fails(String text) {
    return assertThrows(ExprException.class, () -> ExprParser.parse(text));
  }

  @Test
  void multiplicationBindsTighterThanAddition() {
    assertThat(eval("1 + 2 * 3")).isEqualTo(7.0);
    assertThat(eval("(1 + 2) * 3")).isEqualTo(9.0);
    assertThat(eval("10 - 4 - 3")).isEqualTo(3.0); // left-associative
    assertThat(eval("-2 * 3 + 1")).isEqualTo(-5.0);
    assertThat(ExprParser.parse("a + b * c"))
        .isEqualTo(
            new Expr.Binary(
                Expr.BinaryOp.ADD,
                new Expr.Column("a"),
                new Expr.Binary(Expr.BinaryOp.MUL, new Expr.Column("b"), new Expr.Column("c"))));
  }

  @Test
  void notBindsTighterThanAndWhichBindsTighterThanOr() {
    assertThat(eval("true or false and false")).isEqualTo(true);
    assertThat(eval("false and false or true")).isEqualTo(true);
    assertThat(eval("not false and false")).isEqualTo(false);
    assertThat(eval("not 1 > 2")).isEqualTo(true);
    assertThat(eval("NOT true OR 1 == 1")).isEqualTo(true);
    assertThat(ExprParser.parse("not a and b"))
        .isEqualTo(
            new Expr.Binary(
                Expr.BinaryOp.AND,
                new Expr.Unary(Expr.UnaryOp.NOT, new Expr.Column("a")),
                new Expr.Column("b")));
  }

  @Test
  void columnsAreListedOnceInOrderOfFirstUse() {
    assertThat(ExprParser.parse("if(b > a, coalesce(c, -a), b * 2)").columns())
        .containsExactly("b", "a", "c");
    assertThat(ExprParser.parse("1 + pow(2, 3)").columns()).isEmpty();
  }

  @Test
  void stringsMayUseSingleOrDoubleQuotes() {
    assertThat(ExprParser.parse("'DE'")).isEqualTo(new Expr.Literal("DE"));
    assertThat(ExprParser.parse("\"DE\"")).isEqualTo(new Expr.Literal("DE"));
    assertThat(ExprParser.parse("\"it's\"")).isEqualTo(new Expr.Literal("it's"));
    assertThat(ExprParser.parse("'say \"hi\"'")).isEqualTo(new Expr.Literal("say \"hi\""));
  }

  @Test
  void literalsAndNumbers() {
    assertThat(ExprParser.parse("1e3")).isEqualTo(new Expr.Literal(1000.0));
    assertThat(ExprParser.parse(".5")).isEqualTo(new Expr.Literal(0.5));
    assertThat(ExprParser.parse("TRUE")).isEqualTo(new Expr.Literal(true));
    assertThat(ExprParser.parse("null")).isEqualTo(new Expr.Literal(null));
    ExprException e = fails("1.2.3 + x");
    assertThat(e).hasMessage("'1.2.3' is not a number at position 1 of \"1.2.3 + x\"");
  }

  @Test
  void backticksQuoteColumnNames() {
    assertThat(ExprParser.parse("`order date` + 1"))
        .isEqualTo(
            new Expr.Binary(
                Expr.BinaryOp.ADD, new Expr.Column("order date"), new Expr.Literal(1.0)));
    // A quoted name is a column even when it spells a keyword, a literal or a function.
    assertThat(ExprParser.parse("`null`")).isEqualTo(new Expr.Column("null"));
    assertThat(ExprParser.parse("`and` == `true`"))
        .isEqualTo(
            new Expr.Binary(Expr.BinaryOp.EQ, new Expr.Column("and"), new Expr.Column("true")));
    assertThat(
            ExprEvaluator.eval(
                ExprParser.parse("`not` * 2"), Map.<String, Object>of("not", 4.0)::get))
        .isEqualTo(8.0);
    ExprException e = fails("`order date + 1");
    assertThat(e).hasMessage("unterminated `column name` at position 1 of \"`order date + 1\"");
    assertThat(e.fix()).isEqualTo("close the column name with `.");
  }

  @Test
  void functionCallsAreCaseInsensitive() {
    assertThat(ExprParser.parse("POW(x, 2)"))
        .isEqualTo(
            new Expr.Call(Functions.POW, List.of(new Expr.Column("x"), new Expr.Literal(2.0))));
    assertThat(eval("greatest(1, 5, 3)")).isEqualTo(5.0);
  }

  @Test
  void wrongArityIsRejected() {
    ExprException e = fails("pow(2)");
    assertThat(e).hasMessage("function 'pow' takes 2 argument(s), got 1");
    assertThat(e.fix()).isEqualTo("pass 2 argument(s).");
    assertThat(fails("least(1)"))
        .hasMessage("function 'least' takes at least 2 argument(s), got 1");
    assertThat(fails("if(true, 1)")).hasMessage("function 'if' takes 3 argument(s), got 2");
    assertThat(fails("abs()")).hasMessage("function 'abs' takes 1 argument(s), got 0");
  }

  @Test
  void unknownFunctionListsTheKnownOnes() {
    ExprException e = fails("median(price)");
    assertThat(e).hasMessage("unknown function 'median' in \"median(price)\"");
    assertThat(e.fix())
        .isEqualTo(
            "use one of the functions [abs, cast, coalesce, concat, contains, day_of_month,"
                + " day_of_week, ends_with, exp, greatest, hour, if, is_null, least, length, log,"
                + " lower, month, pow, regexp_extract, split_part, sqrt, starts_with, substring,"
                + " trim, upper, year].");
  }

  @Test
  void castIsWrittenTheSqlWay() {
    assertThat(ExprParser.parse("cast(price as string)"))
        .isEqualTo(
            new Expr.Call(
                Functions.CAST, List.of(new Expr.Column("price"), new Expr.Literal("string"))));
    // The type name in any case; the value any expression.
    assertThat(ExprParser.parse("CAST(a + 1 AS Number)"))
        .isEqualTo(
            new Expr.Call(
                Functions.CAST,
                List.of(
                    new Expr.Binary(Expr.BinaryOp.ADD, new Expr.Column("a"), new Expr.Literal(1.0)),
                    new Expr.Literal("number"))));
    assertThat(eval("cast(' 1e3 ' as number)")).isEqualTo(1000.0);
    assertThat(eval("cast(1 as string)")).isEqualTo("1.0");
    assertThat(eval("cast('yes' as boolean)")).isEqualTo(true);
    // A column may still be called cast, or as.
    assertThat(ExprParser.parse("cast + 1").columns()).containsExactly("cast");
    assertThat(ExprParser.parse("cast(as as string)").columns()).containsExactly("as");
  }

  @Test
  void castNeedsAsAndAKnownType() {
    ExprException e = fails("cast(price, 'string')");
    assertThat(e)
        .hasMessage(
            "expected 'as' after the value to cast at position 11 of \"cast(price, 'string')\"");
    assertThat(e.fix())
        .isEqualTo("write cast(x as number), cast(x as string) or cast(x as boolean).");
    assertThat(fails("cast(price as int)"))
        .hasMessage("'int' where cast() expects a type at position 15 of \"cast(price as int)\"");
    assertThat(fails("cast(price as 'string')"))
        .hasMessage(
            "'string' where cast() expects a type at position 15 of \"cast(price as 'string')\"");
    assertThat(fails("cast(price as"))
        .hasMessage(
            "the expression ends where cast() expects a type at position 14 of \"cast(price as\"");
    assertThat(fails("cast(price as string"))
        .hasMessage("expected ')' at position 21 of \"cast(price as string\"");
  }

  @Test
  void singleEqualsGivesTheDoubleEqualsHint() {
    ExprException e = fails("country = 'DE'");
    assertThat(e).hasMessage("'=' at position 9 of \"country = 'DE'\" is not an operator");
    assertThat(e.fix()).contains("compare with '=='");
  }

  @Test
  void unterminatedStringIsRejected() {
    ExprException e = fails("country == 'DE");
    assertThat(e).hasMessage("unterminated string starting at position 12 of \"country == 'DE\"");
    assertThat(e.fix()).isEqualTo("close the string with '.");
  }

  @Test
  void syntaxErrorsNameTheirPosition() {
    ExprException e = fails("1 + 2 3");
    assertThat(e).hasMessage("unexpected '3' at position 7 of \"1 + 2 3\"");
    assertThat(e.fix()).startsWith("write e.g.");
    assertThat(fails("price > 1 < 2"))
        .hasMessage("unexpected '<' at position 11 of \"price > 1 < 2\"");
    assertThat(fails("(1 + 2")).hasMessage("expected ')' at position 7 of \"(1 + 2\"");
    assertThat(fails("1 +")).hasMessage("the expression ends too early at position 4 of \"1 +\"");
    assertThat(fails("price # 2"))
        .hasMessage("unexpected character '#' at position 7 of \"price # 2\"");
  }
}
