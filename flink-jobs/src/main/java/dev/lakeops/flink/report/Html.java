package dev.lakeops.flink.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.UncheckedIOException;

/**
 * The two ways a string enters the report page, each made safe for where it lands (the rules of the
 * HTML standard's tokenizer: text and attribute values end at {@code <}, {@code &} starts a
 * character reference, a quote ends a quoted attribute; a script element ends at the first {@code
 * </script}).
 */
public final class Html {
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Html() {}

  /**
   * Text for element content or a double- or single-quoted attribute value: {@code & < > " '} as
   * character references; every other character as is. Null gives the empty string.
   */
  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    return replace(
        s,
        c ->
            switch (c) {
              case '&' -> "&amp;";
              case '<' -> "&lt;";
              case '>' -> "&gt;";
              case '"' -> "&quot;";
              case '\'' -> "&#39;";
              default -> null;
            });
  }

  /**
   * {@code value} as JSON (Jackson) that can sit inside a {@code <script>} element and be read back
   * by {@code JSON.parse(element.textContent)}: {@code < > &} and the line separators U+2028/U+2029
   * are written as {@code \\uXXXX} escapes. They can only occur inside JSON strings, where the
   * escape means the same character, so no string can close the element or open a comment.
   *
   * @throws UncheckedIOException when Jackson cannot serialize {@code value}
   */
  public static String scriptJson(Object value) {
    String json;
    try {
      json = JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    return replace(
        json,
        c ->
            switch (c) {
              case '<' -> "\\u003c";
              case '>' -> "\\u003e";
              case '&' -> "\\u0026";
              case '\u2028' -> "\\u2028";
              case '\u2029' -> "\\u2029";
              default -> null;
            });
  }

  /** {@code s} with each character {@code replacement} maps to a string (null: kept) replaced. */
  private static String replace(String s, java.util.function.IntFunction<String> replacement) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String r = replacement.apply(c);
      b.append(r == null ? String.valueOf(c) : r);
    }
    return b.toString();
  }
}
