package dev.lakeops.common.training;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A hyperparameter an algorithm accepts, under its MLlib name, with its type and valid range, so
 * that a wrong value is reported with the configuration, before any engine starts.
 *
 * @param name the MLlib parameter name, e.g. {@code maxIter} (case-sensitive)
 * @param min the smallest valid value of a number, or null
 * @param minInclusive whether {@code min} itself is valid
 * @param max the largest valid value of a number, or null
 * @param maxInclusive whether {@code max} itself is valid
 * @param allowed the valid values of a text parameter; empty for any
 */
public record ParamDef(
    String name,
    Type type,
    Double min,
    boolean minInclusive,
    Double max,
    boolean maxInclusive,
    List<String> allowed) {

  private static final Pattern INTEGER = Pattern.compile("[-+]?\\d+");

  /** The value types of hyperparameters. */
  public enum Type {
    INT("an integer", "write a whole number such as 10."),
    DOUBLE("a number", "write a number such as 0.01."),
    BOOLEAN("true or false", "write true or false."),
    STRING("a text value", "write one of the accepted values.");

    private final String description;
    private final String example;

    Type(String description, String example) {
      this.description = description;
      this.example = example;
    }

    public String key() {
      return Keys.key(this);
    }

    /** How the type is named in messages, e.g. "an integer". */
    public String description() {
      return description;
    }

    /** How to write a value of the type. */
    public String example() {
      return example;
    }
  }

  public ParamDef {
    allowed = allowed == null ? List.of() : List.copyOf(allowed);
  }

  static ParamDef integer(String name, Integer min, Integer max) {
    return new ParamDef(
        name,
        Type.INT,
        min == null ? null : min.doubleValue(),
        true,
        max == null ? null : max.doubleValue(),
        true,
        List.of());
  }

  static ParamDef real(String name, Double min, Double max) {
    return new ParamDef(name, Type.DOUBLE, min, true, max, true, List.of());
  }

  /**
   * A number in {@code [min, max)}: {@code max} itself is invalid (as MLlib's {@code
   * ParamValidators.inRange(min, max, true, false)}).
   */
  static ParamDef realBelow(String name, double min, double max) {
    return new ParamDef(name, Type.DOUBLE, min, true, max, false, List.of());
  }

  /** A number strictly greater than {@code min}. */
  static ParamDef realAbove(String name, double min, Double max) {
    return new ParamDef(name, Type.DOUBLE, min, false, max, true, List.of());
  }

  static ParamDef bool(String name) {
    return new ParamDef(name, Type.BOOLEAN, null, true, null, true, List.of());
  }

  static ParamDef choice(String name, String... values) {
    return new ParamDef(name, Type.STRING, null, true, null, true, List.of(values));
  }

  /**
   * MLlib's featureSubsetStrategy: auto, all, onethird, sqrt, log2, a fraction in (0, 1] or a whole
   * number of features.
   */
  static ParamDef featureSubsetStrategy() {
    return choice("featureSubsetStrategy", "auto", "all", "onethird", "sqrt", "log2");
  }

  /**
   * Reads a value written as text (e.g. a YAML scalar): an Integer, Double, Boolean or String.
   *
   * @return the value, or a description of what is wrong with it
   */
  public Result parse(String text) {
    String t = text == null ? "" : text.trim();
    Object value;
    switch (type) {
      case INT -> {
        if (!INTEGER.matcher(t).matches()) {
          return Result.error(wrongType(t));
        }
        try {
          value = Integer.parseInt(t);
        } catch (NumberFormatException e) {
          return Result.error(wrongType(t));
        }
      }
      case DOUBLE -> {
        try {
          double d = Double.parseDouble(t);
          if (!Double.isFinite(d)) {
            return Result.error(wrongType(t));
          }
          value = d;
        } catch (NumberFormatException e) {
          return Result.error(wrongType(t));
        }
      }
      case BOOLEAN -> {
        switch (t.toLowerCase(Locale.ROOT)) {
          case "true" -> value = true;
          case "false" -> value = false;
          default -> {
            return Result.error(wrongType(t));
          }
        }
      }
      default -> value = t;
    }
    return check(value).map(Result::error).orElseGet(() -> Result.ok(value));
  }

  /** What is wrong with a typed value (range, allowed values), or empty if it is valid. */
  public Optional<String> check(Object value) {
    switch (type) {
      case INT, DOUBLE -> {
        if (!(value instanceof Number n) || (type == Type.INT && !(value instanceof Integer))) {
          return Optional.of(wrongType(String.valueOf(value)));
        }
        double d = n.doubleValue();
        boolean low = min != null && (minInclusive ? d < min : d <= min);
        boolean high = max != null && (maxInclusive ? d > max : d >= max);
        if (low || high) {
          return Optional.of(name + " must be " + range() + ", got " + format(value) + ".");
        }
        return Optional.empty();
      }
      case BOOLEAN -> {
        return value instanceof Boolean
            ? Optional.empty()
            : Optional.of(wrongType(String.valueOf(value)));
      }
      default -> {
        if (!(value instanceof String s)) {
          return Optional.of(wrongType(String.valueOf(value)));
        }
        if (allowed.isEmpty() || allowed.contains(s)) {
          return Optional.empty();
        }
        if (name.equals("featureSubsetStrategy") && isSubsetNumber(s)) {
          return Optional.empty();
        }
        return Optional.of(
            name
                + " must be one of "
                + allowed
                + (name.equals("featureSubsetStrategy")
                    ? ", a fraction in (0, 1] or a whole number of features"
                    : "")
                + ", got '"
                + s
                + "'.");
      }
    }
  }

  /** How the valid values are described in messages, e.g. "an integer >= 1". */
  public String expected() {
    if (type == Type.STRING && !allowed.isEmpty()) {
      return "one of " + allowed;
    }
    return type.description() + (type == Type.INT || type == Type.DOUBLE ? rangeSuffix() : "");
  }

  private String wrongType(String got) {
    return name + " expects " + expected() + ", got '" + got + "'.";
  }

  private String range() {
    String r = rangeSuffix();
    return type.description() + r;
  }

  private String rangeSuffix() {
    if (min != null && max != null) {
      return " in "
          + (minInclusive ? "[" : "(")
          + format(min)
          + ", "
          + format(max)
          + (maxInclusive ? "]" : ")");
    }
    if (min != null) {
      return (minInclusive ? " >= " : " > ") + format(min);
    }
    if (max != null) {
      return (maxInclusive ? " <= " : " < ") + format(max);
    }
    return "";
  }

  private String format(Object v) {
    if (v instanceof Double d && type == Type.INT) {
      return String.valueOf(d.longValue());
    }
    return String.valueOf(v);
  }

  private static boolean isSubsetNumber(String s) {
    try {
      if (INTEGER.matcher(s).matches()) {
        return Long.parseLong(s) >= 1;
      }
      double d = Double.parseDouble(s);
      return d > 0 && d <= 1;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** A parsed value, or what was wrong with the text. */
  public record Result(Object value, String error) {
    static Result ok(Object value) {
      return new Result(value, null);
    }

    static Result error(String error) {
      return new Result(null, error);
    }

    public boolean isOk() {
      return error == null;
    }
  }
}
