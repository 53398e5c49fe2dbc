package dev.lakeops.flink.io;

import dev.lakeops.common.events.SourceEvent;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Flink's serializer of a {@link SourceEvent} between the decode and the keyed tasks, in place of
 * the record's POJO serializer with Kryo over its {@code Object[]} values.
 *
 * <p>Layout: entity key, {@code int64} event time (epoch µs), {@code int32} value count ({@code -1}
 * for a null array), the values ({@link TaggedValues}), then origin and raw record, then {@code
 * int32} key count and the keys; strings as Flink's {@link StringValue} strings (null allowed).
 * Values of any other type are refused with an {@link IOException} naming it (a decoder gives only
 * String, Integer, Long, Double, Boolean).
 *
 * <p>{@link #copy(SourceEvent)} gives a new event with its own value and key arrays (the values
 * themselves are immutable and shared). Events are not kept in state, so the snapshot ({@link
 * Snapshot}) matters only to a job graph: compatible as is with itself.
 */
public final class SourceEventSerializer extends TypeSerializerSingleton<SourceEvent> {
  private static final long serialVersionUID = 1L;

  /** The one instance (stateless). */
  public static final SourceEventSerializer INSTANCE = new SourceEventSerializer();

  /** The type of a stream of {@link SourceEvent}s written by this serializer. */
  public static final TypeInformation<SourceEvent> TYPE =
      new SerializerTypeInfo<>(SourceEvent.class, INSTANCE);

  private SourceEventSerializer() {}

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public SourceEvent createInstance() {
    return new SourceEvent("", 0L, new Object[0], null, null);
  }

  @Override
  public SourceEvent copy(SourceEvent from) {
    return new SourceEvent(
        from.entityKey(),
        from.eventTimeMicros(),
        from.values() == null ? null : from.values().clone(),
        from.origin(),
        from.raw(),
        from.keys().clone());
  }

  @Override
  public SourceEvent copy(SourceEvent from, SourceEvent reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(SourceEvent e, DataOutputView out) throws IOException {
    StringValue.writeString(e.entityKey(), out);
    out.writeLong(e.eventTimeMicros());
    Object[] values = e.values();
    if (values == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(values.length);
      for (Object v : values) {
        TaggedValues.write(v, out);
      }
    }
    StringValue.writeString(e.origin(), out);
    StringValue.writeString(e.raw(), out);
    String[] keys = e.keys();
    out.writeInt(keys.length);
    for (String k : keys) {
      StringValue.writeString(k, out);
    }
  }

  @Override
  public SourceEvent deserialize(DataInputView in) throws IOException {
    String entityKey = StringValue.readString(in);
    long t = in.readLong();
    int n = in.readInt();
    Object[] values = null;
    if (n >= 0) {
      values = new Object[n];
      for (int i = 0; i < n; i++) {
        values[i] = TaggedValues.read(in);
      }
    }
    String origin = StringValue.readString(in);
    String raw = StringValue.readString(in);
    String[] keys = new String[in.readInt()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = StringValue.readString(in);
    }
    return new SourceEvent(entityKey, t, values, origin, raw, keys);
  }

  @Override
  public SourceEvent deserialize(SourceEvent reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public TypeSerializerSnapshot<SourceEvent> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Keeps the one instance on Java deserialization (the serializer ships with the job graph). */
  private Object readResolve() {
    return INSTANCE;
  }

  /** The serializer's snapshot: compatible as is with itself. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<SourceEvent> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
