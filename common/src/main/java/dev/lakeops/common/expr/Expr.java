package dev.lakeops.common.expr;

import java.util.List;

/**
 * A row-level expression of the feature language. It is deliberately small so that every engine
 * (Spark for the offline store, Flink for the online store) evaluates it the same way; {@link
 * ExprEvaluator} is the reference semantics, and Spark's (ANSI mode, as Spark 4 runs by default) is
 * the rule it follows.
 *
 * <p>Operators and functions are enums: both backends ({@link ExprEvaluator} and the Spark
 * compilation) switch over them exhaustively, so a new operator or function that one backend does
 * not handle fails to compile.
 */
public sealed interface Expr extends java.io.Serializable {

  /**
   * The names of the columns this expression reads, in the order they first appear (no duplicates);
   * empty for an expression of literals only.
   */
  default java.util.Set<String> columns() {
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
    java.util.ArrayDeque<Expr> todo = new java.util.ArrayDeque<>(List.of(this));
    while (!todo.isEmpty()) {
      Expr e = todo.pollFirst();
      if (e instanceof Column c) {
        out.add(c.name());
      } else if (e instanceof Unary u) {
        todo.addFirst(u.operand());
      } else if (e instanceof Binary b) {
        todo.addFirst(b.right());
        todo.addFirst(b.left());
      } else if (e instanceof Call c) {
        for (int i = c.args().size() - 1; i >= 0; i--) {
          todo.addFirst(c.args().get(i));
        }
      }
    }
    return out;
  }

  /** A number (always a double), a string, a boolean or null. */
  record Literal(Object value) implements Expr {}

  /** A column of the source row. */
  record Column(String name) implements Expr {}

  /** {@code -x} or {@code not x}. */
  record Unary(UnaryOp op, Expr operand) implements Expr {}

  /** Arithmetic ({@code + - * / %}), comparison ({@code == != < <= > >=}) or {@code and/or}. */
  record Binary(BinaryOp op, Expr left, Expr right) implements Expr {}

  /** A call of one of the {@link Functions}. */
  record Call(Functions function, List<Expr> args) implements Expr {
    public Call {
      args = List.copyOf(args);
    }
  }

  /** The prefix operators. */
  enum UnaryOp {
    /** {@code -x}: the negated number (IEEE: {@code -0.0} for 0). */
    NEG("-"),
    /** {@code not x}: three-valued (not null is null). */
    NOT("not");

    private final String symbol;

    UnaryOp(String symbol) {
      this.symbol = symbol;
    }

    /** How the operator is written in an expression. */
    public String symbol() {
      return symbol;
    }
  }

  /** The infix operators, with how they are written. */
  enum BinaryOp {
    ADD("+"),
    SUB("-"),
    MUL("*"),
    DIV("/"),
    MOD("%"),
    EQ("=="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">="),
    AND("and"),
    OR("or");

    private final String symbol;

    BinaryOp(String symbol) {
      this.symbol = symbol;
    }

    /** How the operator is written in an expression. */
    public String symbol() {
      return symbol;
    }

    /** The operator written {@code symbol}, or null if there is none. */
    public static BinaryOp of(String symbol) {
      for (BinaryOp op : values()) {
        if (op.symbol.equals(symbol)) {
          return op;
        }
      }
      return null;
    }
  }
}
