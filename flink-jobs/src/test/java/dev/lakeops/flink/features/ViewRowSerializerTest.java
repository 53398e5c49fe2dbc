package dev.lakeops.flink.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/**
 * The feature rows' serializer: the bytes of a known row (worked out by hand from the layout:
 * strings as length + 1 then ASCII bytes, values by tag), round trips of rows with and without
 * values or history, and copies that are the row itself.
 */
class ViewRowSerializerTest {
  private static final ViewRowSerializer SER = ViewRowSerializer.INSTANCE;

  private static byte[] bytes(ViewRow r) throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(16);
    SER.serialize(r, out);
    return out.getCopyOfBuffer();
  }

  private static ViewRow back(ViewRow r) throws Exception {
    return SER.deserialize(new DataInputDeserializer(bytes(r)));
  }

  @Test
  void aRowIsWrittenFieldByField() throws Exception {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("n", 3L);
    values.put("m", null);
    ViewRow r = new ViewRow("v", "k", 2L, values, new byte[] {9, 8});
    byte[] expected = {
      2,
      'v',
      2,
      'k', // view, entity key
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      2, // event time
      0,
      0,
      0,
      2, // two values
      2,
      'n',
      3,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      3, // n = Long 3
      2,
      'm',
      0, // m = null
      0,
      0,
      0,
      2,
      9,
      8 // history
    };
    assertThat(bytes(r)).containsExactly(expected);
  }

  @Test
  void aRoundTripKeepsValuesInOrderAndTheHistory() throws Exception {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("count", 2L);
    values.put("mean", 1.25);
    values.put("last", "x");
    values.put("flag", true);
    values.put("none", null);
    ViewRow r = new ViewRow("view", "key-1", -7L, values, new byte[] {1, 2, 3});
    ViewRow b = back(r);
    assertThat(b.view()).isEqualTo("view");
    assertThat(b.entityKey()).isEqualTo("key-1");
    assertThat(b.eventTimeMicros()).isEqualTo(-7L);
    assertThat(b.values().keySet()).containsExactly("count", "mean", "last", "flag", "none");
    assertThat(b.values()).isEqualTo(values); // Long, Double, String, Boolean, null
    assertThat(b.history()).containsExactly(1, 2, 3);

    ViewRow bare = back(new ViewRow("v", "k", 0L, Map.of()));
    assertThat(bare.values()).isEmpty();
    assertThat(bare.history()).isNull();
  }

  @Test
  void aCopyIsTheRowItselfAndTheTypeGivesThisSerializer() throws Exception {
    ViewRow r = new ViewRow("v", "k", 1L, Map.of(), new byte[] {1});
    assertThat(SER.copy(r)).isSameAs(r);
    assertThat(SER.isImmutableType()).isTrue();
    assertThat(ViewRowSerializer.TYPE.createSerializer(new SerializerConfigImpl())).isSameAs(SER);
    DataOutputSerializer out = new DataOutputSerializer(64);
    TypeSerializerSnapshot.writeVersionedSnapshot(out, SER.snapshotConfiguration());
    TypeSerializerSnapshot<ViewRow> snap =
        TypeSerializerSnapshot.readVersionedSnapshot(
            new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
    assertThat(snap.restoreSerializer()).isSameAs(SER);
    assertThat(InstantiationUtil.clone(SER)).isSameAs(SER);
  }
}
