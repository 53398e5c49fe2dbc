package dev.lakeops.common.events;

import dev.lakeops.common.config.SourceConfig.CsvDialect;
import java.util.ArrayList;
import java.util.List;

/**
 * The one reader of delimited text lines for both engines (the Spark pipeline and the Flink jobs
 * decode through {@link SourceDecoder}, which calls this). A record is one line.
 *
 * <ul>
 *   <li>fields are separated by the delimiter; blanks around a field are kept (typed columns trim
 *       them, text columns keep them);
 *   <li>a field that starts with the quote character is quoted: it runs to the closing quote, and
 *       delimiters inside it are text; inside it, the escape character followed by the quote or by
 *       itself stands for that character (with the default escape, the quote itself, {@code ""} is
 *       one quote, as RFC 4180); the closing quote must end the field;
 *   <li>a quote inside an unquoted field is an ordinary character;
 *   <li>an empty field (nothing between two delimiters, or {@code ""}) is empty text.
 * </ul>
 */
public final class CsvLine {
  private CsvLine() {}

  /** A split line: its fields, or why it cannot be split (exactly one is non-null). */
  public record Split(String[] fields, String problem) {}

  /** Splits {@code line} with the delimiter {@code sep} and the dialect. */
  public static Split split(String line, char sep, CsvDialect dialect) {
    char quote = dialect.quote();
    char escape = dialect.escape();
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int i = 0;
    int n = line.length();
    while (true) {
      cur.setLength(0);
      if (i < n && line.charAt(i) == quote) {
        i++;
        boolean closed = false;
        while (i < n) {
          char ch = line.charAt(i);
          if (ch == escape
              && i + 1 < n
              && (line.charAt(i + 1) == quote || line.charAt(i + 1) == escape)
              && !(escape == quote && ch == quote && line.charAt(i + 1) != quote)) {
            cur.append(line.charAt(i + 1));
            i += 2;
          } else if (ch == quote) {
            closed = true;
            i++;
            break;
          } else {
            cur.append(ch);
            i++;
          }
        }
        if (!closed) {
          return new Split(null, "a quoted field is not closed (the record is one line)");
        }
        if (i < n && line.charAt(i) != sep) {
          return new Split(
              null,
              "text after the closing quote of field "
                  + (out.size() + 1)
                  + " (a quote inside a quoted field is written "
                  + (escape == quote ? "" + quote + quote : "" + escape + quote)
                  + ")");
        }
      } else {
        while (i < n && line.charAt(i) != sep) {
          cur.append(line.charAt(i));
          i++;
        }
      }
      out.add(cur.toString());
      if (i >= n) {
        break;
      }
      i++; // the delimiter
      if (i == n) {
        out.add("");
        break;
      }
    }
    return new Split(out.toArray(String[]::new), null);
  }
}
