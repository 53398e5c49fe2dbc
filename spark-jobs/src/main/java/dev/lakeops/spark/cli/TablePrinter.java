package dev.lakeops.spark.cli;

import dev.lakeops.common.cli.Human;
import dev.lakeops.common.cli.TextTable;
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
    List<List<String>> cells = new ArrayList<>();
    for (Row r : rows) {
      List<String> line = new ArrayList<>(names.length);
      for (int i = 0; i < names.length; i++) {
        line.add(r.isNullAt(i) ? "null" : show(r.get(i)));
      }
      cells.add(line);
    }
    return TextTable.render(List.of(names), cells, limit);
  }

  /** One value as a cell: see the class comment. */
  static String show(Object v) {
    if (v == null) {
      return "null";
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
    return Human.value(v);
  }
}
