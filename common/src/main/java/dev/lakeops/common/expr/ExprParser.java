package dev.lakeops.common.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses the feature expression language: numbers, 'strings', true/false/null, column names, {@code
 * + - * / %}, comparisons, {@code and or not}, parentheses, function calls and {@code cast(x as
 * number|string|boolean)}, SQL's form (the type name is a word, any case, not a string).
 */
public final class ExprParser {
  private static final Set<String> COMPARISONS = Set.of("==", "!=", "<", "<=", ">", ">=");
  private static final String SYNTAX_HELP =
      "write e.g. \"price * quantity\", \"amount > 50 and country == 'DE'\" or \"log(price)\".";

  private final String text;
  private final List<Token> tokens;
  private int pos;

  private ExprParser(String text) {
    this.text = text;
    this.tokens = tokenize(text);
  }

  /**
   * Parses {@code text} into its expression tree.
   *
   * @throws ExprException naming what is wrong and where (1-based position), with a fix
   */
  public static Expr parse(String text) {
    ExprParser p = new ExprParser(text);
    Expr e = p.or();
    if (p.peek().kind != Kind.END) {
      throw p.error("unexpected '" + p.peek().text + "'");
    }
    return e;
  }

  private Expr or() {
    Expr e = and();
    while (peekWord("or")) {
      pos++;
      e = new Expr.Binary(Expr.BinaryOp.OR, e, and());
    }
    return e;
  }

  private Expr and() {
    Expr e = not();
    while (peekWord("and")) {
      pos++;
      e = new Expr.Binary(Expr.BinaryOp.AND, e, not());
    }
    return e;
  }

  private Expr not() {
    if (peekWord("not")) {
      pos++;
      return new Expr.Unary(Expr.UnaryOp.NOT, not());
    }
    return comparison();
  }

  private Expr comparison() {
    Expr e = additive();
    if (peek().kind == Kind.OP && COMPARISONS.contains(peek().text)) {
      Expr.BinaryOp op = Expr.BinaryOp.of(tokens.get(pos++).text);
      e = new Expr.Binary(op, e, additive());
    }
    return e;
  }

  private Expr additive() {
    Expr e = multiplicative();
    while (peekOp("+") || peekOp("-")) {
      Expr.BinaryOp op = Expr.BinaryOp.of(tokens.get(pos++).text);
      e = new Expr.Binary(op, e, multiplicative());
    }
    return e;
  }

  private Expr multiplicative() {
    Expr e = unary();
    while (peekOp("*") || peekOp("/") || peekOp("%")) {
      Expr.BinaryOp op = Expr.BinaryOp.of(tokens.get(pos++).text);
      e = new Expr.Binary(op, e, unary());
    }
    return e;
  }

  private Expr unary() {
    if (peekOp("-")) {
      pos++;
      return new Expr.Unary(Expr.UnaryOp.NEG, unary());
    }
    return primary();
  }

  private Expr primary() {
    Token t = tokens.get(pos);
    switch (t.kind) {
      case NUMBER -> {
        pos++;
        return new Expr.Literal(Double.parseDouble(t.text));
      }
      case STRING -> {
        pos++;
        return new Expr.Literal(t.text);
      }
      case IDENT -> {
        pos++;
        String lower = t.text.toLowerCase(Locale.ROOT);
        if (lower.equals("true") || lower.equals("false")) {
          return new Expr.Literal(Boolean.parseBoolean(lower));
        }
        if (lower.equals("null")) {
          return new Expr.Literal(null);
        }
        if (peekOp("(")) {
          return call(lower);
        }
        return new Expr.Column(t.text);
      }
      case QUOTED -> {
        pos++;
        return new Expr.Column(t.text);
      }
      case OP -> {
        if (t.text.equals("(")) {
          pos++;
          Expr e = or();
          expect(")");
          return e;
        }
        throw error("unexpected '" + t.text + "'");
      }
      default -> throw error("the expression ends too early");
    }
  }

  private Expr call(String name) {
    if (name.equals(Functions.CAST.key())) {
      return cast();
    }
    expect("(");
    List<Expr> args = new ArrayList<>();
    if (!peekOp(")")) {
      args.add(or());
      while (peekOp(",")) {
        pos++;
        args.add(or());
      }
    }
    expect(")");
    Functions f =
        Functions.of(name)
            .orElseThrow(
                () ->
                    new ExprException(
                        "unknown function '" + name + "' in \"" + text + "\"",
                        "use one of the functions " + Functions.names() + "."));
    int min = f.minArgs();
    int max = f.maxArgs();
    if (args.size() < min || (max >= 0 && args.size() > max)) {
      String expected =
          min == max ? String.valueOf(min) : max < 0 ? "at least " + min : min + " to " + max;
      throw new ExprException(
          "function '" + name + "' takes " + expected + " argument(s), got " + args.size(),
          "pass " + expected + " argument(s).");
    }
    return new Expr.Call(f, args);
  }

  /** {@code cast(x as T)}: a call of {@link Functions#CAST} with T's name as a string literal. */
  private Expr cast() {
    expect("(");
    Expr x = or();
    if (!peekWord("as")) {
      throw castError("expected 'as' after the value to cast");
    }
    pos++;
    Token t = peek();
    String target = t.kind == Kind.IDENT ? t.text.toLowerCase(Locale.ROOT) : null;
    if (target == null || !Functions.CAST_TARGETS.containsKey(target)) {
      throw castError(
          (t.kind == Kind.END ? "the expression ends" : "'" + t.text + "'")
              + " where cast() expects a type");
    }
    pos++;
    expect(")");
    return new Expr.Call(Functions.CAST, List.of(x, new Expr.Literal(target)));
  }

  private ExprException castError(String what) {
    int at = peek().offset;
    return new ExprException(
        what + " at position " + (at + 1) + " of \"" + text + "\"",
        "write cast(x as number), cast(x as string) or cast(x as boolean).");
  }

  private void expect(String op) {
    if (!peekOp(op)) {
      throw error("expected '" + op + "'");
    }
    pos++;
  }

  private boolean peekOp(String op) {
    Token t = peek();
    return t.kind == Kind.OP && t.text.equals(op);
  }

  private boolean peekWord(String word) {
    Token t = peek();
    return t.kind == Kind.IDENT && t.text.equalsIgnoreCase(word);
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private ExprException error(String what) {
    int at = peek().offset;
    return new ExprException(
        what + " at position " + (at + 1) + " of \"" + text + "\"", SYNTAX_HELP);
  }

  private enum Kind {
    NUMBER,
    STRING,
    IDENT,
    /** A `quoted` column name: never a keyword, literal or function. */
    QUOTED,
    OP,
    END
  }

  private record Token(Kind kind, String text, int offset) {}

  private static List<Token> tokenize(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isDigit(c)
          || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
        int start = i;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
          i++;
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
          i++;
          if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
          }
          while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
          }
        }
        String num = s.substring(start, i);
        try {
          Double.parseDouble(num);
        } catch (NumberFormatException e) {
          throw new ExprException(
              "'" + num + "' is not a number at position " + (start + 1) + " of \"" + s + "\"",
              SYNTAX_HELP);
        }
        out.add(new Token(Kind.NUMBER, num, start));
      } else if (c == '\'' || c == '"') {
        int start = i++;
        StringBuilder sb = new StringBuilder();
        while (i < s.length() && s.charAt(i) != c) {
          sb.append(s.charAt(i++));
        }
        if (i >= s.length()) {
          throw new ExprException(
              "unterminated string starting at position " + (start + 1) + " of \"" + s + "\"",
              "close the string with " + c + ".");
        }
        i++;
        out.add(new Token(Kind.STRING, sb.toString(), start));
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
          i++;
        }
        out.add(new Token(Kind.IDENT, s.substring(start, i), start));
      } else if (c == '`') {
        int start = i++;
        int end = s.indexOf('`', i);
        if (end < 0) {
          throw new ExprException(
              "unterminated `column name` at position " + (start + 1) + " of \"" + s + "\"",
              "close the column name with `.");
        }
        out.add(new Token(Kind.QUOTED, s.substring(i, end), start));
        i = end + 1;
      } else {
        String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
        if (COMPARISONS.contains(two)) {
          out.add(new Token(Kind.OP, two, i));
          i += 2;
        } else if ("+-*/%(),<>".indexOf(c) >= 0) {
          out.add(new Token(Kind.OP, String.valueOf(c), i));
          i++;
        } else if (c == '=') {
          throw new ExprException(
              "'=' at position " + (i + 1) + " of \"" + s + "\" is not an operator",
              "compare with '==' (e.g. \"country == 'DE'\").");
        } else {
          throw new ExprException(
              "unexpected character '" + c + "' at position " + (i + 1) + " of \"" + s + "\"",
              SYNTAX_HELP);
        }
      }
    }
    out.add(new Token(Kind.END, "", s.length()));
    return out;
  }
}
