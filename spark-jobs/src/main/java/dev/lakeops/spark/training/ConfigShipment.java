package dev.lakeops.spark.training;

import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Carries a configuration value (the project's records: sources, feature views, expressions, which
 * are not {@link Serializable}) into a Spark task: records are taken apart into their components
 * and rebuilt with their canonical constructors on the executor; lists and maps are copied element
 * by element (nulls and order kept); other values must be {@link Serializable} (strings, numbers,
 * enums, {@code Duration}, {@code Instant}).
 *
 * @param <T> the type of the carried value
 */
final class ConfigShipment<T> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Serializable encoded;
  private transient T value;

  /**
   * @throws IllegalArgumentException if the value holds something neither a record, a list, a map
   *     nor serializable
   */
  ConfigShipment(T value) {
    this.encoded = encode(value);
    this.value = value;
  }

  /** The value (rebuilt once per deserialized copy). */
  @SuppressWarnings("unchecked")
  T get() {
    if (value == null && encoded != null) {
      value = (T) decode(encoded);
    }
    return value;
  }

  private record Rec(String type, Serializable[] parts) implements Serializable {}

  private record Lst(ArrayList<Serializable> items) implements Serializable {}

  private record Mp(ArrayList<Serializable> keys, ArrayList<Serializable> values)
      implements Serializable {}

  private static Serializable encode(Object o) {
    if (o == null) {
      return null;
    }
    Class<?> c = o.getClass();
    if (c.isRecord()) {
      RecordComponent[] rc = c.getRecordComponents();
      Serializable[] parts = new Serializable[rc.length];
      for (int i = 0; i < rc.length; i++) {
        try {
          Method accessor = rc[i].getAccessor();
          accessor.setAccessible(true);
          parts[i] = encode(accessor.invoke(o));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read " + c.getName() + "." + rc[i].getName(), e);
        }
      }
      return new Rec(c.getName(), parts);
    }
    if (o instanceof List<?> l) {
      ArrayList<Serializable> items = new ArrayList<>(l.size());
      l.forEach(x -> items.add(encode(x)));
      return new Lst(items);
    }
    if (o instanceof Map<?, ?> m) {
      ArrayList<Serializable> keys = new ArrayList<>(m.size());
      ArrayList<Serializable> values = new ArrayList<>(m.size());
      m.forEach(
          (k, v) -> {
            keys.add(encode(k));
            values.add(encode(v));
          });
      return new Mp(keys, values);
    }
    if (o instanceof Serializable s) {
      return s;
    }
    throw new IllegalArgumentException(
        "cannot carry a " + c.getName() + " into a Spark task: not a record, list, map or value");
  }

  private static Object decode(Serializable s) {
    if (s instanceof Rec r) {
      try {
        Class<?> c = Class.forName(r.type(), true, loader());
        RecordComponent[] rc = c.getRecordComponents();
        Class<?>[] types = new Class<?>[rc.length];
        Object[] args = new Object[rc.length];
        for (int i = 0; i < rc.length; i++) {
          types[i] = rc[i].getType();
          args[i] = decode(r.parts()[i]);
        }
        Constructor<?> ctor = c.getDeclaredConstructor(types);
        ctor.setAccessible(true);
        return ctor.newInstance(args);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot rebuild a " + r.type(), e);
      }
    }
    if (s instanceof Lst l) {
      List<Object> out = new ArrayList<>(l.items().size());
      l.items().forEach(x -> out.add(decode(x)));
      return Collections.unmodifiableList(out);
    }
    if (s instanceof Mp m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < m.keys().size(); i++) {
        out.put(decode(m.keys().get(i)), decode(m.values().get(i)));
      }
      return Collections.unmodifiableMap(out);
    }
    return s;
  }

  private static ClassLoader loader() {
    ClassLoader l = Thread.currentThread().getContextClassLoader();
    return l != null ? l : ConfigShipment.class.getClassLoader();
  }
}
