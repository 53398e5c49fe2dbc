package dev.lakeops.flink.io;

import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * The type information of a class written by one given serializer (for a stream's type, e.g. {@code
 * process(fn, type)}): one field, not a key type, the serializer whatever the config.
 *
 * @param <T> the type
 */
public final class SerializerTypeInfo<T> extends TypeInformation<T> {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;
  private final TypeSerializer<T> serializer;

  /**
   * @param type the stream's element class
   * @param serializer its serializer (stateless or duplicated by Flink as needed)
   */
  public SerializerTypeInfo(Class<T> type, TypeSerializer<T> serializer) {
    this.type = type;
    this.serializer = serializer;
  }

  @Override
  public boolean isBasicType() {
    return false;
  }

  @Override
  public boolean isTupleType() {
    return false;
  }

  @Override
  public int getArity() {
    return 1;
  }

  @Override
  public int getTotalFields() {
    return 1;
  }

  @Override
  public Class<T> getTypeClass() {
    return type;
  }

  @Override
  public boolean isKeyType() {
    return false;
  }

  @Override
  public TypeSerializer<T> createSerializer(SerializerConfig config) {
    return serializer;
  }

  @Override
  public String toString() {
    return type.getSimpleName() + " (" + serializer.getClass().getSimpleName() + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SerializerTypeInfo<?> t
        && t.type == type
        && t.serializer.getClass() == serializer.getClass();
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, serializer.getClass());
  }

  @Override
  public boolean canEqual(Object o) {
    return o instanceof SerializerTypeInfo<?>;
  }
}
