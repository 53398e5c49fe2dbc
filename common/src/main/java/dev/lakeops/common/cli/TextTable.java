package dev.lakeops.common.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * An aligned text table for command output: a header, a rule, one line per row, cells formatted
 * with {@link Human#value} (no Scala collection names, rounded floating point), and "(first N rows
 * shown)" when rows were left out.
 */
public final class TextTable {
  private TextTable() {}

  /**
   * Renders the first {@code limit} rows.
   *
   * @param header the column names
   * @param rows the rows, each with one value per column (values as {@link Human#value} takes them,
   *     or strings already formatted); more than {@code limit} rows adds the "first N rows shown"
   *     line
   * @return the table, each line ending with a newline
   */
  public static String render(List<String> header, List<? extends List<?>> rows, int limit) {
    List<String[]> cells = new ArrayList<>();
    cells.add(header.toArray(String[]::new));
    for (List<?> r : rows.subList(0, Math.min(limit, rows.size()))) {
      String[] line = new String[header.size()];
      for (int i = 0; i < line.length; i++) {
        Object v = i < r.size() ? r.get(i) : null;
        line[i] = v instanceof String s ? s : Human.value(v);
      }
      cells.add(line);
    }
    int[] width = new int[header.size()];
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
