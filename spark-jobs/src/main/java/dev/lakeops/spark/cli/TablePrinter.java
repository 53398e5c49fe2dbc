package dev.lakeops.spark.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Prints the first rows of a query result as an aligned text table. */
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
        line[i] = r.isNullAt(i) ? "null" : String.valueOf(r.get(i));
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
}
