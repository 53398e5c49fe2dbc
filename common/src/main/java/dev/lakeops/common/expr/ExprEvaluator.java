package dev.lakeops.common.expr;

import com.ibm.icu.lang.UCharacter;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference semantics of the expression language, evaluated on one row. They are Spark SQL's
 * (Spark 4, ANSI mode on, the session default the jobs run with) for the Spark compilation of the
 * same expression ({@code SparkExprs}), so that the offline store (Spark) and the online store
 * (Flink, which calls this class) compute equal values. The conformance table {@code
 * common/src/test/resources/conformance/expressions.txt} pins every rule below in both engines.
 *
 * <ul>
 *   <li><b>Numbers</b> are doubles (IEEE 754, Java's {@code + - * / %}); integral column values are
 *       widened to double for arithmetic and functions, as Spark's cast. A comparison of two
 *       integral values is exact (Spark compares a long with a long as longs), of anything else in
 *       doubles.
 *   <li><b>Null</b>: arithmetic, comparisons, {@code not} and the math functions of null give null.
 *       {@code and}/{@code or} are three-valued (false and null = false, true or null = true).
 *   <li><b>Division or modulo by zero</b> (0.0 or -0.0) gives null, never an error or an infinity;
 *       {@code %} takes the sign of the dividend (Java's remainder, Spark's {@code %}).
 *   <li><b>Order</b> (comparisons, {@code least}, {@code greatest}): Spark's total order of
 *       doubles, where NaN equals NaN and is greater than every other number (+Infinity included)
 *       and -0.0 equals 0.0. Strings compare by their UTF-8 bytes (code point order; an unpaired
 *       surrogate is encoded as '?', as Spark does). Booleans: false &lt; true.
 *   <li>{@code least}/{@code greatest} skip nulls (null only when all are null) and, of equal
 *       values (0.0 and -0.0), keep the first.
 *   <li>{@code log} (natural) of a number ≤ 0 (-0.0 included) is null; {@code log}, {@code exp} and
 *       {@code pow} are {@link StrictMath}'s (as Spark's), so they agree to the last bit; {@code
 *       sqrt} of a negative number is NaN; {@code abs(-0.0)} is 0.0.
 *   <li>{@code if(c, a, b)} is {@code a} only when {@code c} is true (null counts as false); {@code
 *       coalesce} is its first non-null argument; {@code is_null} is true only for null (NaN is not
 *       null).
 * </ul>
 *
 * <p><b>Text functions</b> (Spark's, on the string as Spark holds it: UTF-8, an unpaired surrogate
 * read as '?'; null in any argument gives null):
 *
 * <ul>
 *   <li>{@code lower(s)}, {@code upper(s)}: ASCII-only text maps A-Z/a-z; any other text is ICU's
 *       full case mapping ({@code UCharacter.toLowerCase/toUpperCase}, the ICU version Spark
 *       brings), as Spark's default {@code spark.sql.icu.caseMappings.enabled}: {@code upper('ß')}
 *       is 'SS', {@code lower('İ')} is 'i' + U+0307, a final sigma lowers to 'ς'. ICU takes the
 *       JVM's default locale, as Spark does: run both engines with the same one (tr, az and lt map
 *       differently).
 *   <li>{@code length(s)}: the number of characters (code points, as Spark's {@code length}): an
 *       emoji counts 1, 'e' + a combining accent 2.
 *   <li>{@code trim(s)}: removes leading and trailing spaces (U+0020 only, as Spark's {@code trim};
 *       tabs, newlines and U+00A0 stay).
 *   <li>{@code contains(s, sub)}, {@code starts_with(s, prefix)}, {@code ends_with(s, suffix)}:
 *       exact (case-sensitive, no normalisation); the empty string is contained in every string.
 *   <li>{@code concat(a, b, ...)}: strings only (numbers and conditions go through {@code cast(x as
 *       string)}); null if any argument is null.
 *   <li>{@code substring(s, pos[, len])}: Spark's 1-based {@code substring} on characters. {@code
 *       pos} &gt; 0 starts at that character, 0 at the first, &lt; 0 counts from the end ({@code
 *       -2} is the last two); the window {@code [start, start + len)} is then clipped to the
 *       string, so {@code substring('hello', -10, 7)} is 'he', a start past the end or {@code len}
 *       ≤ 0 gives ''. Without {@code len}, to the end. {@code pos} and {@code len} are truncated
 *       toward zero (Spark's cast to int); NaN, ±Infinity or a value outside the int range gives
 *       null (Spark's ANSI cast would fail the job).
 *   <li>{@code split_part(s, delimiter, n)}: the n-th part of {@code s} split at every occurrence
 *       of {@code delimiter} (a plain string, not a pattern); parts may be empty ({@code
 *       split_part('a,,c', ',', 2)} is ''); n &lt; 0 counts from the end; a part that does not
 *       exist is ''; an empty delimiter leaves {@code s} whole (part 1). n is truncated as {@code
 *       substring}'s {@code pos}; n = 0 (after truncation) gives null: Spark raises an error for
 *       it, so a constant n of 0 is refused at load ({@link ExprTypes}), and one computed per row
 *       gives null instead of failing the job. n = -2^31, on which Spark's own {@code split_part}
 *       fails (its bound check overflows), is '' as any other missing part.
 *   <li>{@code regexp_extract(s, pattern[, group])}: the group (default 1; 0 is the whole match) of
 *       the first match of the Java regular expression (Spark's); '' when nothing matches or the
 *       group took no part in the match. The pattern and group are literals, checked at load.
 * </ul>
 *
 * <p><b>Casts</b>, {@code cast(x as number|string|boolean)}: Spark's {@code try_cast} to double,
 * string or boolean, so a value that does not convert gives null (Spark's ANSI {@code cast} would
 * fail the whole job on one bad row).
 *
 * <ul>
 *   <li>to number: a string as Spark reads a double ({@link Double#parseDouble}: surrounding
 *       whitespace and control characters up to U+0020 ignored, exponents, hexadecimal
 *       floating-point, NaN, Infinity and a trailing d/f accepted; then, case-insensitively, inf
 *       and infinity with an optional sign and nan without one); anything else (e.g. 'abc', '',
 *       '1,5', '+nan') is null; true is 1.0, false 0.0.
 *   <li>to string: a number as Java's {@link Double#toString} (Spark's): 1.0 → '1.0', 1e7 →
 *       '1.0E7', 1e-4 → '1.0E-4', -0.0 → '-0.0', 'NaN', 'Infinity'; an integral column's value is a
 *       number too (3 → '3.0'). Spark and the evaluator agree when they run on the same Java
 *       version (Java 19 changed {@code Double.toString} for some values). Booleans are
 *       'true'/'false'. Null in, null out, for every target.
 *   <li>to boolean: a string trimmed of ASCII whitespace and control characters and lower-cased is
 *       true for t, true, y, yes, 1 and false for f, false, n, no, 0, else null; a number is true
 *       unless it is 0 or -0.0 (NaN is true).
 * </ul>
 *
 * <p><b>Date parts</b> of a date or timestamp column, in UTC (the jobs' {@code
 * spark.sql.session.timeZone}), on the proleptic Gregorian calendar: {@code hour} (0-23; 0 for a
 * date), {@code day_of_week} (Spark's {@code dayofweek}: 1 = Sunday ... 7 = Saturday), {@code
 * day_of_month}, {@code month} (1-12), {@code year}; null for null. The column's value is epoch
 * microseconds, a date its midnight UTC, as {@code SourceDecoder} holds it.
 */
public final class ExprEvaluator {
  private ExprEvaluator() {}

  /**
   * Evaluates {@code e} on a row.
   *
   * @param row gives a column's value: a {@link Number}, {@link String}, {@link Boolean} or null (a
   *     date or timestamp column's: a {@link Long} of epoch microseconds)
   * @return a {@link Double}, {@link String}, {@link Boolean} or null
   * @throws ClassCastException if a value's type does not match the expression's (the loader
   *     type-checks expressions, see {@link ExprTypes}, so this is a caller's bug)
   */
  public static Object eval(Expr e, Function<String, Object> row) {
    Object v = value(e, row);
    if (v instanceof Long n) {
      return n.doubleValue();
    }
    if (v instanceof String s) {
      return asSparkString(s);
    }
    return v;
  }

  /**
   * A value inside evaluation: Double, Long (an integral column's value), String, Boolean, null.
   */
  private static Object value(Expr e, Function<String, Object> row) {
    if (e instanceof Expr.Literal l) {
      return l.value();
    } else if (e instanceof Expr.Column c) {
      return normalize(row.apply(c.name()));
    } else if (e instanceof Expr.Unary u) {
      Object v = value(u.operand(), row);
      if (v == null) {
        return null;
      }
      return switch (u.op()) {
        case NOT -> !(Boolean) v;
        case NEG -> -toDouble(v);
      };
    } else if (e instanceof Expr.Binary b) {
      return binary(b, row);
    }
    return call((Expr.Call) e, row);
  }

  private static Object normalize(Object v) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    return v instanceof Number n && !(v instanceof Double) ? n.doubleValue() : v;
  }

  private static double toDouble(Object v) {
    return ((Number) v).doubleValue();
  }

  private static Object binary(Expr.Binary b, Function<String, Object> row) {
    Expr.BinaryOp op = b.op();
    if (op == Expr.BinaryOp.AND || op == Expr.BinaryOp.OR) {
      return logic(
          op == Expr.BinaryOp.AND,
          (Boolean) value(b.left(), row),
          () -> (Boolean) value(b.right(), row));
    }
    Object l = value(b.left(), row);
    Object r = value(b.right(), row);
    if (l == null || r == null) {
      return null;
    }
    return switch (op) {
      case EQ -> compare(l, r) == 0;
      case NE -> compare(l, r) != 0;
      case LT -> compare(l, r) < 0;
      case LE -> compare(l, r) <= 0;
      case GT -> compare(l, r) > 0;
      case GE -> compare(l, r) >= 0;
      case ADD -> toDouble(l) + toDouble(r);
      case SUB -> toDouble(l) - toDouble(r);
      case MUL -> toDouble(l) * toDouble(r);
      case DIV -> toDouble(r) == 0 ? null : toDouble(l) / toDouble(r);
      case MOD -> toDouble(r) == 0 ? null : toDouble(l) % toDouble(r);
      case AND, OR -> throw new IllegalStateException("handled above: " + op);
    };
  }

  private static Boolean logic(boolean isAnd, Boolean l, java.util.function.Supplier<Boolean> rs) {
    if (l != null && l != isAnd) {
      return l; // false and _ = false; true or _ = true
    }
    Boolean r = rs.get();
    if (l == null) {
      return r != null && r != isAnd ? r : null;
    }
    return r;
  }

  /** Spark's order of two non-null values of one type (see the class comment). */
  private static int compare(Object l, Object r) {
    if (l instanceof Long x && r instanceof Long y) {
      return Long.compare(x, y);
    }
    if (l instanceof Number x && r instanceof Number y) {
      return compareDoubles(x.doubleValue(), y.doubleValue());
    }
    if (l instanceof String x && r instanceof String y) {
      return compareStrings(x, y);
    }
    return Boolean.compare((Boolean) l, (Boolean) r);
  }

  /** Spark's {@code SQLOrderingUtil.compareDoubles}: -0.0 = 0.0, NaN = NaN, NaN above all. */
  static int compareDoubles(double x, double y) {
    return x == y ? 0 : Double.compare(x, y);
  }

  /** Spark's byte-wise UTF-8 order (= code point order; an unpaired surrogate is '?'). */
  static int compareStrings(String x, String y) {
    if (!hasSurrogate(x) && !hasSurrogate(y)) {
      return Integer.signum(x.compareTo(y)); // UTF-16 order = code point order without surrogates
    }
    return Arrays.compareUnsigned(
        x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean hasSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isSurrogate(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** The string as Spark holds it (UTF-8: an unpaired surrogate becomes '?'). */
  private static String asSparkString(String s) {
    return hasSurrogate(s)
        ? new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)
        : s;
  }

  private static Object call(Expr.Call c, Function<String, Object> row) {
    List<Expr> args = c.args();
    return switch (c.function()) {
      case COALESCE -> {
        Object[] vs = args.stream().map(a -> value(a, row)).toArray();
        Object first = Arrays.stream(vs).filter(v -> v != null).findFirst().orElse(null);
        yield widen(first, args, vs);
      }
      case IF -> {
        Object cond = value(args.get(0), row);
        List<Expr> branches = args.subList(1, 3);
        Object[] vs = {value(args.get(1), row), value(args.get(2), row)};
        yield widen(Boolean.TRUE.equals(cond) ? vs[0] : vs[1], branches, vs);
      }
      case IS_NULL -> value(args.get(0), row) == null;
      case LEAST, GREATEST -> {
        boolean least = c.function() == Functions.LEAST;
        Double best = null;
        for (Expr a : args) {
          Object v = value(a, row);
          if (v == null) {
            continue;
          }
          double x = toDouble(v);
          // Strictly better replaces: of equal values (0.0, -0.0) the first stays, as Spark's.
          if (best == null || (least ? compareDoubles(x, best) < 0 : compareDoubles(x, best) > 0)) {
            best = x;
          }
        }
        yield best;
      }
      case ABS, SQRT, LOG, EXP, POW -> {
        Object v = value(args.get(0), row);
        if (v == null) {
          yield null;
        }
        double x = toDouble(v);
        yield switch (c.function()) {
          case ABS -> Math.abs(x);
          case SQRT -> Math.sqrt(x);
          case LOG -> x <= 0 ? null : StrictMath.log(x);
          case EXP -> StrictMath.exp(x);
          case POW -> {
            Object y = value(args.get(1), row);
            yield y == null ? null : StrictMath.pow(x, toDouble(y));
          }
          default -> throw new IllegalStateException("handled elsewhere: " + c.function());
        };
      }
      case LOWER, UPPER, TRIM, LENGTH -> {
        String s = string(args.get(0), row);
        if (s == null) {
          yield null;
        }
        yield switch (c.function()) {
          case LOWER -> isAscii(s) ? s.toLowerCase(Locale.ROOT) : UCharacter.toLowerCase(s);
          case UPPER -> isAscii(s) ? s.toUpperCase(Locale.ROOT) : UCharacter.toUpperCase(s);
          case TRIM -> trimSpaces(s);
          case LENGTH -> (double) s.codePointCount(0, s.length());
          default -> throw new IllegalStateException("handled elsewhere: " + c.function());
        };
      }
      case CONTAINS, STARTS_WITH, ENDS_WITH -> {
        String s = string(args.get(0), row);
        String t = string(args.get(1), row);
        if (s == null || t == null) {
          yield null;
        }
        yield switch (c.function()) {
          case CONTAINS -> s.contains(t);
          case STARTS_WITH -> s.startsWith(t);
          case ENDS_WITH -> s.endsWith(t);
          default -> throw new IllegalStateException("handled elsewhere: " + c.function());
        };
      }
      case CONCAT -> {
        StringBuilder sb = new StringBuilder();
        boolean isNull = false;
        for (Expr a : args) {
          String s = string(a, row);
          isNull |= s == null;
          if (!isNull) {
            sb.append(s);
          }
        }
        yield isNull ? null : sb.toString();
      }
      case SUBSTRING -> {
        String s = string(args.get(0), row);
        Integer pos = toInt(value(args.get(1), row));
        Integer len =
            args.size() > 2 ? toInt(value(args.get(2), row)) : (Integer) Integer.MAX_VALUE;
        yield s == null || pos == null || len == null ? null : substring(s, pos, len);
      }
      case SPLIT_PART -> {
        String s = string(args.get(0), row);
        String delimiter = string(args.get(1), row);
        Integer n = toInt(value(args.get(2), row));
        yield s == null || delimiter == null || n == null || n == 0
            ? null
            : splitPart(s, delimiter, n);
      }
      case REGEXP_EXTRACT -> {
        String s = string(args.get(0), row);
        if (s == null) {
          yield null;
        }
        // The pattern and group are literals, checked at load (ExprTypes.regexGroup).
        Matcher m = pattern((String) ((Expr.Literal) args.get(1)).value()).matcher(s);
        int g = args.size() > 2 ? ((Double) ((Expr.Literal) args.get(2)).value()).intValue() : 1;
        String group = m.find() ? m.group(g) : null;
        yield group == null ? "" : group;
      }
      case CAST -> {
        Object v = value(args.get(0), row);
        yield v == null ? null : cast(v, Functions.castTarget(c));
      }
      case HOUR, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR -> {
        Object v = value(args.get(0), row);
        if (v == null) {
          yield null;
        }
        long micros = ((Number) v).longValue();
        LocalDateTime t =
            LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), 0, ZoneOffset.UTC);
        yield (double)
            switch (c.function()) {
              case HOUR -> t.getHour();
              case DAY_OF_WEEK -> t.getDayOfWeek().getValue() % 7 + 1; // Monday 1 -> 2, Sunday -> 1
              case DAY_OF_MONTH -> t.getDayOfMonth();
              case MONTH -> t.getMonthValue();
              case YEAR -> t.getYear();
              default -> throw new IllegalStateException("handled elsewhere: " + c.function());
            };
      }
    };
  }

  /** A string argument as Spark holds it (see {@link #asSparkString}), or null. */
  private static String string(Expr e, Function<String, Object> row) {
    Object v = value(e, row);
    return v == null ? null : asSparkString((String) v);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** Spark's {@code trim}: spaces (U+0020) only. */
  private static String trimSpaces(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && s.charAt(start) == ' ') {
      start++;
    }
    while (end > start && s.charAt(end - 1) == ' ') {
      end--;
    }
    return s.substring(start, end);
  }

  /**
   * Spark's cast of a number to int in try mode: truncated toward zero; null for NaN, ±Infinity and
   * values outside the int range (where Spark's ANSI cast fails).
   */
  private static Integer toInt(Object v) {
    if (v == null) {
      return null;
    }
    double x = toDouble(v);
    if (Math.floor(x) <= Integer.MAX_VALUE && Math.ceil(x) >= Integer.MIN_VALUE) {
      return (int) x;
    }
    return null;
  }

  /** Spark's {@code UTF8String.substringSQL}, on code points. */
  private static String substring(String s, int pos, int len) {
    int chars = s.codePointCount(0, s.length());
    int start = pos > 0 ? pos - 1 : pos < 0 ? chars + pos : 0;
    long end = Math.min((long) start + len, chars);
    start = Math.max(start, 0);
    if (start >= end) {
      return "";
    }
    int from = s.offsetByCodePoints(0, start);
    return s.substring(from, s.offsetByCodePoints(from, (int) end - start));
  }

  /**
   * Spark's {@code split_part}: the string split at each occurrence of the delimiter (Java's split
   * with limit -1, as Spark's {@code splitSQL}), the n-th part (n ≠ 0; negative from the end), ''
   * past either end.
   */
  private static String splitPart(String s, String delimiter, int n) {
    String[] parts = delimiter.isEmpty() ? new String[] {s} : s.split(Pattern.quote(delimiter), -1);
    long i = n > 0 ? n - 1L : (long) parts.length + n;
    return i >= 0 && i < parts.length ? parts[(int) i] : "";
  }

  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  /** The compiled pattern (a literal of the expression, so the cache stays small). */
  private static Pattern pattern(String regex) {
    return PATTERNS.computeIfAbsent(regex, Pattern::compile);
  }

  /** Spark's {@code try_cast} of a non-null value to {@code target} (see the class comment). */
  private static Object cast(Object v, ExprType target) {
    return switch (target) {
      case NUMBER -> {
        if (v instanceof String s) {
          yield toNumber(asSparkString(s));
        }
        yield v instanceof Boolean b ? (b ? 1.0 : 0.0) : toDouble(v);
      }
      case STRING -> {
        if (v instanceof String s) {
          yield s;
        }
        yield v instanceof Boolean b ? b.toString() : Double.toString(toDouble(v));
      }
      case BOOLEAN -> {
        if (v instanceof String s) {
          String t = trimAsciiControl(asSparkString(s));
          t = isAscii(t) ? t.toLowerCase(Locale.ROOT) : t.toLowerCase();
          yield BooleanText.of(t);
        }
        yield v instanceof Boolean b ? b : toDouble(v) != 0;
      }
      case TIME, NULL -> throw new IllegalStateException("not a cast target: " + target);
    };
  }

  /** Spark's string-to-double cast: Java's parser, then the special literals Spark adds. */
  private static Double toNumber(String s) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "inf", "+inf", "infinity", "+infinity" -> Double.POSITIVE_INFINITY;
        case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
        case "nan" -> Double.NaN; // signed only as Java spells it: +NaN, -NaN
        default -> null;
      };
    }
  }

  /**
   * Spark's {@code UTF8String.trimAll}: strips, from both ends, the ASCII characters that are
   * whitespace or control characters (U+0000 to U+0020 and U+007F).
   */
  private static String trimAsciiControl(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && (s.charAt(start) <= ' ' || s.charAt(start) == 0x7f)) {
      start++;
    }
    while (end > start && (s.charAt(end - 1) <= ' ' || s.charAt(end - 1) == 0x7f)) {
      end--;
    }
    return s.substring(start, end);
  }

  /**
   * The result of {@code coalesce}/{@code if} in the type Spark gives it: the widest of the
   * arguments' types, so an integral value becomes a double when another argument is a double (a
   * number literal, a computed number or a double column's value). Only a double column whose value
   * is null leaves the type undecided here; it matters only when the result is compared with
   * another integral value beyond 2^53.
   */
  private static Object widen(Object chosen, List<Expr> args, Object[] values) {
    if (!(chosen instanceof Long n)) {
      return chosen;
    }
    for (int i = 0; i < args.size(); i++) {
      Expr a = args.get(i);
      boolean isDouble =
          values[i] instanceof Double
              || (values[i] == null
                  && (a instanceof Expr.Unary || a instanceof Expr.Binary || isNumericCall(a)));
      if (isDouble) {
        return n.doubleValue();
      }
    }
    return chosen;
  }

  private static boolean isNumericCall(Expr e) {
    if (!(e instanceof Expr.Call c)) {
      return false;
    }
    return switch (c.function()) {
      case ABS, SQRT, LOG, EXP, POW, LEAST, GREATEST, LENGTH -> true;
      case HOUR, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR -> true;
      case CAST -> Functions.castTarget(c) == ExprType.NUMBER;
      case COALESCE, IF, IS_NULL, LOWER, UPPER, TRIM, CONTAINS, STARTS_WITH, ENDS_WITH -> false;
      case CONCAT, SUBSTRING, SPLIT_PART, REGEXP_EXTRACT -> false;
    };
  }
}
