package dev.lakeops.common.online;

import dev.lakeops.common.error.Errors;
import dev.lakeops.common.features.CompactBytes;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Feature values as the online stores keep them: {@code Double}, {@code Long}, {@code String},
 * {@code Boolean} or {@code null}. Narrower Java numbers are widened on write ({@code Integer},
 * {@code Short}, {@code Byte} to {@code Long}; {@code Float} and {@code BigDecimal} to {@code
 * Double}); anything else is refused with the feature's name.
 *
 * <p>The binary row layout (the embedded store's payload): a varint schema id (the list of feature
 * names, kept once per distinct list), then per value one tag byte and its bytes: {@code 0} null,
 * {@code 1} double (8 bytes), {@code 2} long (zig-zag varint), {@code 3} string (varint length +
 * UTF-8), {@code 4} true, {@code 5} false. 50 doubles take ~452 bytes.
 */
public final class FeatureValues {
  static final byte NULL = 0;
  static final byte DOUBLE = 1;
  static final byte LONG = 2;
  static final byte STRING = 3;
  static final byte TRUE = 4;
  static final byte FALSE = 5;

  private FeatureValues() {}

  /** The stored form of a value (see the class comment). */
  public static Object normalize(String feature, Object v) {
    if (v == null
        || v instanceof Double
        || v instanceof Long
        || v instanceof String
        || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float || v instanceof BigDecimal) {
      return ((Number) v).doubleValue();
    }
    throw Errors.unstorableFeatureValue(feature, v.getClass());
  }

  /** Encodes the values (in map order) behind the schema id. */
  public static byte[] encode(int schemaId, Map<String, Object> values) {
    CompactBytes.Out b = new CompactBytes.Out(16 + values.size() * 9);
    b.varint(schemaId);
    for (Map.Entry<String, Object> e : values.entrySet()) {
      Object v = normalize(e.getKey(), e.getValue());
      if (v == null) {
        b.put(NULL);
      } else if (v instanceof Double d) {
        b.put(DOUBLE);
        b.putLong(Double.doubleToRawLongBits(d));
      } else if (v instanceof Long l) {
        b.put(LONG);
        b.varint((l << 1) ^ (l >> 63));
      } else if (v instanceof String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        b.put(STRING);
        b.varint(utf8.length);
        b.put(utf8);
      } else {
        b.put(((Boolean) v) ? TRUE : FALSE);
      }
    }
    return b.toArray();
  }

  /** The schema id of an encoded row. */
  public static int schemaId(byte[] row) {
    return (int) new CompactBytes.In(row, 0).varint();
  }

  /** Decodes an encoded row whose schema id names {@code names}. */
  public static Map<String, Object> decode(byte[] row, String[] names) {
    CompactBytes.In r = new CompactBytes.In(row, 0);
    r.varint();
    Map<String, Object> out = new LinkedHashMap<>(names.length * 4 / 3 + 2);
    for (String name : names) {
      byte tag = row[r.pos++];
      Object v =
          switch (tag) {
            case NULL -> null;
            case DOUBLE -> Double.longBitsToDouble(r.getLong());
            case LONG -> {
              long z = r.varint();
              yield (z >>> 1) ^ -(z & 1);
            }
            case STRING -> {
              int n = (int) r.varint();
              String s = new String(row, r.pos, n, StandardCharsets.UTF_8);
              r.pos += n;
              yield s;
            }
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            default -> throw Errors.corruptOnlineValue("row: tag " + tag);
          };
      out.put(name, v);
    }
    return out;
  }

  /** The encoded list of feature names (the schema table's key). */
  public static byte[] encodeNames(List<String> names) {
    CompactBytes.Out b = new CompactBytes.Out(names.size() * 16);
    b.varint(names.size());
    for (String n : names) {
      byte[] utf8 = n.getBytes(StandardCharsets.UTF_8);
      b.varint(utf8.length);
      b.put(utf8);
    }
    return b.toArray();
  }

  public static String[] decodeNames(byte[] bytes) {
    CompactBytes.In r = new CompactBytes.In(bytes, 0);
    int n = (int) r.varint();
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int len = (int) r.varint();
      out.add(new String(bytes, r.pos, len, StandardCharsets.UTF_8).intern());
      r.pos += len;
    }
    return out.toArray(String[]::new);
  }

  // ---- values snapshots: a FeatureRow stored as is ----------------------------------------

  /** The first byte of a values snapshot (a stored history starts with its format version). */
  static final byte SNAPSHOT = 0x40;

  /**
   * A row written as values (not as a history): byte {@code 0x40}, the event time (zig-zag varint,
   * epoch µs), the feature names ({@link #encodeNames}), then the values as {@link #encode} with
   * schema id 0. Readable at or after its time only; its windows cannot decay (no partials are
   * kept), so the feature pipeline's writers store histories instead.
   */
  public static byte[] encodeSnapshot(FeatureRow row) {
    byte[] names = encodeNames(List.copyOf(row.values().keySet()));
    byte[] values = encode(0, row.values());
    CompactBytes.Out b = new CompactBytes.Out(11 + names.length + values.length);
    b.put(SNAPSHOT);
    long micros = row.eventTimeMillis() * 1000;
    b.varint((micros << 1) ^ (micros >> 63));
    b.put(names);
    b.put(values);
    return b.toArray();
  }

  static boolean isSnapshot(byte[] stored) {
    return stored.length > 0 && stored[0] == SNAPSHOT;
  }

  static long snapshotTimeMicros(byte[] stored) {
    CompactBytes.In r = new CompactBytes.In(stored, 1);
    long z = r.varint();
    return (z >>> 1) ^ -(z & 1);
  }

  /**
   * The values of a snapshot: those of {@code order} first (in that order, when stored), then any
   * others in stored order.
   */
  static Map<String, Object> decodeSnapshot(byte[] stored, List<String> order) {
    CompactBytes.In r = new CompactBytes.In(stored, 1);
    r.varint();
    int n = (int) r.varint();
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      int len = (int) r.varint();
      names[i] = new String(stored, r.pos, len, StandardCharsets.UTF_8);
      r.pos += len;
    }
    byte[] rest = java.util.Arrays.copyOfRange(stored, r.pos, stored.length);
    Map<String, Object> raw = decode(rest, names);
    if (order.isEmpty() || List.of(names).equals(order)) {
      return raw;
    }
    Map<String, Object> out = new LinkedHashMap<>(raw.size() * 4 / 3 + 2);
    for (String f : order) {
      if (raw.containsKey(f)) {
        out.put(f, raw.get(f));
      }
    }
    raw.forEach(out::putIfAbsent);
    return out;
  }

  // ---- Redis: one hash field per feature, the value as tagged text -----------------------

  /** A value as a Redis hash field value: a tag character then the text. */
  public static String toText(String feature, Object value) {
    Object v = normalize(feature, value);
    if (v == null) {
      return "n";
    }
    if (v instanceof Double d) {
      return "d" + d;
    }
    if (v instanceof Long l) {
      return "l" + l;
    }
    if (v instanceof Boolean bool) {
      return bool ? "t" : "f";
    }
    return "s" + v;
  }

  public static Object fromText(String text) {
    char tag = text.charAt(0);
    return switch (tag) {
      case 'n' -> null;
      case 'd' -> Double.parseDouble(text.substring(1));
      case 'l' -> Long.parseLong(text.substring(1));
      case 't' -> Boolean.TRUE;
      case 'f' -> Boolean.FALSE;
      case 's' -> text.substring(1);
      default -> throw Errors.corruptOnlineValue("value: '" + text + "'");
    };
  }
}
