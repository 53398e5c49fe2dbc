package dev.lakeops.common.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;

/**
 * The one normalisation of entity keys, for every reader (the Spark feature pipeline, the Flink
 * online-store job, the serving job): a key is text.
 *
 * <ul>
 *   <li>text is taken as it is (no trimming, case kept); empty text is no key;
 *   <li>an integral number (an int or long column, a JSON integer, or a number with no fraction
 *       such as JSON {@code 7.0} or {@code 7e0}) becomes its integer text {@code "7"}, when its
 *       magnitude is at most 2<sup>53</sup> (beyond, a double is not exact);
 *   <li>any other value (a fraction such as {@code 7.5}, NaN, infinities, booleans, JSON objects
 *       and arrays) is refused with a reason: it names no entity reliably.
 * </ul>
 */
public final class EntityKeys {
  private EntityKeys() {}

  private static final double EXACT = 9007199254740992d; // 2^53

  /** A normalised key, or why a value is not one (exactly one of the two is non-null). */
  public record Key(String key, String problem) {}

  /**
   * Normalises a typed value ({@code String}, {@code Integer}, {@code Long}, {@code Double}, {@code
   * BigDecimal} or anything else).
   *
   * @return the key; or a problem ("is null or empty", "= 7.5 is not text or an integer")
   */
  public static Key normalize(Object v) {
    if (v == null) {
      return new Key(null, "is null or empty");
    }
    if (v instanceof String s) {
      return s.isEmpty() ? new Key(null, "is null or empty") : new Key(s, null);
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return new Key(v.toString(), null);
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) <= EXACT) {
        return new Key(Long.toString((long) d), null);
      }
      return notAKey(v);
    }
    if (v instanceof BigDecimal b) {
      try {
        BigDecimal i = b.stripTrailingZeros();
        if (i.scale() <= 0) {
          return new Key(i.toBigIntegerExact().toString(), null);
        }
      } catch (ArithmeticException e) {
        // not integral
      }
      return notAKey(v);
    }
    if (v instanceof java.math.BigInteger b) {
      return new Key(b.toString(), null);
    }
    return notAKey(v);
  }

  /**
   * Normalises a JSON value: text as is; an integer literal ({@code 7}) as its text, any magnitude;
   * another number ({@code 7.0}, {@code 7e0}) by the rule for doubles.
   */
  public static Key fromJson(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return new Key(null, "is null or empty");
    }
    if (n.isTextual()) {
      return normalize(n.asText());
    }
    if (n.isIntegralNumber()) {
      return new Key(n.bigIntegerValue().toString(), null);
    }
    if (n.isNumber()) {
      return normalize(n.doubleValue());
    }
    return new Key(null, "= " + n + " is not text or an integer");
  }

  /**
   * A composite key's canonical text: its parts' canonical texts as a JSON array, in the entity's
   * {@code join_keys} order, e.g. {@code ["S1","7"]} (no spaces; JSON escapes for quotes,
   * backslashes and control characters).
   *
   * @param parts the parts' normalised texts, none null
   */
  public static String composite(List<String> parts) {
    try {
      return JSON.writeValueAsString(parts);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a list of strings always serializes", e);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private static Key notAKey(Object v) {
    return new Key(null, "= " + v + " is not text or an integer");
  }
}
