package dev.lakeops.common.expr;

import java.util.List;

/**
 * A row-level expression of the feature language. It is deliberately small so that every engine
 * (Spark for the offline store, Flink for the online store) evaluates it the same way; {@link
 * ExprEvaluator} is the reference semantics.
 */
public sealed interface Expr {

  /** A number (always a double), a string, a boolean or null. */
  record Literal(Object value) implements Expr {}

  /** A column of the source row. */
  record Column(String name) implements Expr {}

  /** {@code -x} or {@code not x}. */
  record Unary(String op, Expr operand) implements Expr {}

  /** Arithmetic ({@code + - * / %}), comparison ({@code == != < <= > >=}) or {@code and/or}. */
  record Binary(String op, Expr left, Expr right) implements Expr {}

  /** A call of one of the functions in {@link Functions}. */
  record Call(String function, List<Expr> args) implements Expr {}
}
