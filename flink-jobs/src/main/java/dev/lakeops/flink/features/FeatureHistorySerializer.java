package dev.lakeops.flink.features;

import dev.lakeops.common.features.FeatureHistory;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink's serializer of the online-store job's keyed state, a {@link FeatureHistory}: what the
 * state backend writes into checkpoints and uses for the heap backend's copy-on-write copies, in
 * place of Kryo's generic serialization.
 *
 * <p>Layout of one history: {@code int64} {@link FeatureHistory#emittedUpTo()}, {@code int32}
 * length {@code n}, then {@code n} bytes of {@link FeatureHistory#encodeAll()} (the stored form
 * over every feature: slots, doubles as raw bits, completeness). {@link #copy(FeatureHistory)} is
 * {@link FeatureHistory#copy()} (a deep copy, no bytes). Null histories are not written (Flink
 * keeps no null value state).
 *
 * <p>Compatibility ({@link Snapshot}): a checkpoint written by this serializer (snapshot version 1)
 * is read as is; one written before it, when the state was a Kryo generic type, is read with Kryo
 * and rewritten with this serializer (state migration), so a job restores checkpoints and
 * savepoints taken before the change.
 */
public final class FeatureHistorySerializer extends TypeSerializerSingleton<FeatureHistory> {
  private static final long serialVersionUID = 1L;

  /** The one instance (stateless). */
  public static final FeatureHistorySerializer INSTANCE = new FeatureHistorySerializer();

  private FeatureHistorySerializer() {}

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public FeatureHistory createInstance() {
    return new FeatureHistory();
  }

  @Override
  public FeatureHistory copy(FeatureHistory from) {
    return from.copy();
  }

  @Override
  public FeatureHistory copy(FeatureHistory from, FeatureHistory reuse) {
    return from.copy();
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(FeatureHistory h, DataOutputView out) throws IOException {
    byte[] all = h.encodeAll();
    out.writeLong(h.emittedUpTo());
    out.writeInt(all.length);
    out.write(all);
  }

  @Override
  public FeatureHistory deserialize(DataInputView in) throws IOException {
    long emittedUpTo = in.readLong();
    byte[] all = new byte[in.readInt()];
    in.readFully(all);
    return FeatureHistory.restore(all, emittedUpTo);
  }

  @Override
  public FeatureHistory deserialize(FeatureHistory reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    out.writeLong(in.readLong());
    byte[] all = new byte[in.readInt()];
    in.readFully(all);
    out.writeInt(all.length);
    // through an array: DataOutputSerializer.write(DataInputView, n) does not grow its buffer
    out.write(all);
  }

  @Override
  public TypeSerializerSnapshot<FeatureHistory> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Keeps the one instance on Java deserialization (the serializer ships with the job graph). */
  private Object readResolve() {
    return INSTANCE;
  }

  /**
   * The serializer's snapshot, written with every checkpoint: compatible as is with itself;
   * compatible after migration with the Kryo snapshot of the state as it was before this serializer
   * (the state named {@code history} only ever held a {@link FeatureHistory}); incompatible with
   * anything else.
   */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<FeatureHistory> {
    public Snapshot() {
      super(() -> INSTANCE);
    }

    @Override
    public TypeSerializerSchemaCompatibility<FeatureHistory> resolveSchemaCompatibility(
        TypeSerializerSnapshot<FeatureHistory> old) {
      if (old instanceof KryoSerializerSnapshot) {
        return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
      }
      return super.resolveSchemaCompatibility(old);
    }
  }
}
