package dev.lakeops.spark.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Prints the first rows of a query result as an aligned text table, values written for people:
 * arrays as {@code [a, b]}, maps as {@code {k=v}}, structs as {@code {field: v}} (not Scala's
 * {@code ArraySeq(...)}/{@code HashMap(...)}), and floating-point numbers with at most 12
 * significant digits (7 for floats).
 */
final class TablePrinter {
  private TablePrinter() {}

  static String render(Dataset<Row> result, int limit) {
    String[] names = result.columns();
    List<Row> rows = result.limit(limit + 1).collectAsList();
    List<String[]> cells = new ArrayList<>();
    cells.add(names);
    for (Row r : rows.subList(0, Math.min(limit, rows.size()))) {
      String[] line = new String[names.length];
      for (int i = 0; i < names.length; i++) {
        line[i] = r.isNullAt(i) ? "null" : show(r.get(i));
      }
      cells.add(line);
    }
    int[] width = new int[names.length];
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        width[i] = Math.max(width[i], line[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int n = 0; n < cells.size(); n++) {
      String[] line = cells.get(n);
      for (int i = 0; i < line.length; i++) {
        sb.append(i == 0 ? "" : "  ")
            .append(String.format("%-" + Math.max(1, width[i]) + "s", line[i]));
      }
      sb.append('\n');
      if (n == 0) {
        for (int i = 0; i < line.length; i++) {
          sb.append(i == 0 ? "" : "  ").append("-".repeat(Math.max(1, width[i])));
        }
        sb.append('\n');
      }
    }
    if (rows.size() > limit) {
      sb.append("(first ").append(limit).append(" rows shown)\n");
    }
    return sb.toString();
  }

  /** One value as a cell: see the class comment. */
  static String show(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Double d) {
      return number(d, 12);
    }
    if (v instanceof Float f) {
      return number(f.doubleValue(), 7);
    }
    if (v instanceof Row r) {
      StringBuilder sb = new StringBuilder("{");
      for (int i = 0; i < r.size(); i++) {
        sb.append(i == 0 ? "" : ", ");
        if (r.schema() != null) {
          sb.append(r.schema().fieldNames()[i]).append(": ");
        }
        sb.append(show(r.get(i)));
      }
      return sb.append('}').toString();
    }
    if (v instanceof scala.collection.Map<?, ?> m) {
      StringBuilder sb = new StringBuilder("{");
      scala.collection.Iterator<? extends scala.Tuple2<?, ?>> it = m.iterator();
      boolean first = true;
      while (it.hasNext()) {
        scala.Tuple2<?, ?> e = it.next();
        sb.append(first ? "" : ", ").append(show(e._1())).append('=').append(show(e._2()));
        first = false;
      }
      return sb.append('}').toString();
    }
    if (v instanceof scala.collection.Iterable<?> s) {
      StringBuilder sb = new StringBuilder("[");
      scala.collection.Iterator<?> it = s.iterator();
      boolean first = true;
      while (it.hasNext()) {
        sb.append(first ? "" : ", ").append(show(it.next()));
        first = false;
      }
      return sb.append(']').toString();
    }
    return String.valueOf(v);
  }

  /**
   * At most {@code digits} significant digits (12 for doubles: enough to tell 1000000001 from
   * 1000000002, few enough to hide binary rounding noise; 7 for floats), without trailing zeros:
   * 0.1 + 0.2 → 0.3, 2.0 → 2.0, 95.39999999999999 → 95.4, 1.5e-7 → 1.5E-7.
   */
  static String number(double d, int digits) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return String.valueOf(d);
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return (long) d + ".0";
    }
    java.math.BigDecimal b =
        new java.math.BigDecimal(d).round(new java.math.MathContext(digits)).stripTrailingZeros();
    return Math.abs(d) >= 1e-4 && Math.abs(d) < 1e9 ? b.toPlainString() : b.toString();
  }
}
