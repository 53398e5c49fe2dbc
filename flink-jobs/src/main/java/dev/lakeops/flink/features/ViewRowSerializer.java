package dev.lakeops.flink.features;

import dev.lakeops.flink.io.SerializerTypeInfo;
import dev.lakeops.flink.io.TaggedValues;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Flink's serializer of the job's {@link ViewRow}s, in place of the record's POJO serializer: a row
 * is never changed once emitted (nothing writes its values map or history array after it is built),
 * so {@link #copy(ViewRow)} between chained operators returns the row itself instead of copying its
 * history (≈ 0.7 KB per view per event) and values.
 *
 * <p>Layout: view, entity key (Flink {@link StringValue} strings), {@code int64} event time (epoch
 * µs), {@code int32} value count then per value its name and the value ({@link TaggedValues}),
 * {@code int32} history length ({@code -1} for none) and its bytes. Read back, the values are a
 * {@link LinkedHashMap} in the written order. Rows are not kept in state: the snapshot ({@link
 * Snapshot}) is compatible as is with itself only.
 */
public final class ViewRowSerializer extends TypeSerializerSingleton<ViewRow> {
  private static final long serialVersionUID = 1L;

  /** The one instance (stateless). */
  public static final ViewRowSerializer INSTANCE = new ViewRowSerializer();

  /** The type of a stream of {@link ViewRow}s written by this serializer. */
  public static final TypeInformation<ViewRow> TYPE =
      new SerializerTypeInfo<>(ViewRow.class, INSTANCE);

  private ViewRowSerializer() {}

  @Override
  public boolean isImmutableType() {
    return true;
  }

  @Override
  public ViewRow createInstance() {
    return new ViewRow("", "", 0L, Map.of());
  }

  @Override
  public ViewRow copy(ViewRow from) {
    return from;
  }

  @Override
  public ViewRow copy(ViewRow from, ViewRow reuse) {
    return from;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(ViewRow r, DataOutputView out) throws IOException {
    StringValue.writeString(r.view(), out);
    StringValue.writeString(r.entityKey(), out);
    out.writeLong(r.eventTimeMicros());
    Map<String, Object> values = r.values();
    out.writeInt(values.size());
    for (Map.Entry<String, Object> e : values.entrySet()) {
      StringValue.writeString(e.getKey(), out);
      TaggedValues.write(e.getValue(), out);
    }
    byte[] history = r.history();
    if (history == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(history.length);
      out.write(history);
    }
  }

  @Override
  public ViewRow deserialize(DataInputView in) throws IOException {
    String view = StringValue.readString(in);
    String key = StringValue.readString(in);
    long t = in.readLong();
    int n = in.readInt();
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String name = StringValue.readString(in);
      values.put(name, TaggedValues.read(in));
    }
    int len = in.readInt();
    byte[] history = null;
    if (len >= 0) {
      history = new byte[len];
      in.readFully(history);
    }
    return new ViewRow(view, key, t, values, history);
  }

  @Override
  public ViewRow deserialize(ViewRow reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public TypeSerializerSnapshot<ViewRow> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Keeps the one instance on Java deserialization (the serializer ships with the job graph). */
  private Object readResolve() {
    return INSTANCE;
  }

  /** The serializer's snapshot: compatible as is with itself. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<ViewRow> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
