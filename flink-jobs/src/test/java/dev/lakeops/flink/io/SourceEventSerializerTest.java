package dev.lakeops.flink.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeops.common.events.SourceEvent;
import java.io.IOException;
import java.math.BigDecimal;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/**
 * The serializer of source events between tasks: the bytes of a known event (every value type), a
 * round trip that keeps every field, copies with their own arrays, and its snapshot. Expected bytes
 * are written out by hand from the layout (strings: length + 1 as a 7-bit varint, then one byte per
 * ASCII character; 0 for null).
 */
class SourceEventSerializerTest {
  private static final SourceEventSerializer SER = SourceEventSerializer.INSTANCE;

  private static final SourceEvent EVENT =
      new SourceEvent(
          "a",
          1L,
          new Object[] {null, "x", 7, 2L, 1.5, true, false},
          "o",
          null,
          new String[] {"a", "b"});

  private static byte[] bytes(SourceEvent e) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(16);
    SER.serialize(e, out);
    return out.getCopyOfBuffer();
  }

  @Test
  void anEventIsWrittenFieldByFieldWithATagPerValue() throws Exception {
    byte[] expected = {
      2,
      'a', // entity key
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1, // event time
      0,
      0,
      0,
      7, // 7 values
      0, // null
      1,
      2,
      'x', // "x"
      2,
      0,
      0,
      0,
      7, // Integer 7
      3,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      2, // Long 2
      4,
      0x3F,
      (byte) 0xF8,
      0,
      0,
      0,
      0,
      0,
      0, // Double 1.5
      5,
      6, // true, false
      2,
      'o', // origin
      0, // raw: null
      0,
      0,
      0,
      2,
      2,
      'a',
      2,
      'b' // keys
    };
    assertThat(bytes(EVENT)).containsExactly(expected);
  }

  @Test
  void aRoundTripKeepsEveryFieldAndValueType() throws Exception {
    SourceEvent back = SER.deserialize(new DataInputDeserializer(bytes(EVENT)));
    assertThat(back).isEqualTo(EVENT); // key, time, values (element by element), origin
    assertThat(back.values()).containsExactly(null, "x", 7, 2L, 1.5, true, false);
    assertThat(back.raw()).isNull();
    assertThat(back.keys()).containsExactly("a", "b");

    SourceEvent plain =
        new SourceEvent("k1", -5L, new Object[] {"é", Double.NaN}, "f:1", "k1,é,NaN");
    SourceEvent plainBack = SER.deserialize(new DataInputDeserializer(bytes(plain)));
    assertThat(plainBack.values()).containsExactly("é", Double.NaN);
    assertThat(plainBack.raw()).isEqualTo("k1,é,NaN");
    assertThat(plainBack.keys()).containsExactly("k1");

    DataOutputSerializer out = new DataOutputSerializer(8);
    SER.copy(new DataInputDeserializer(bytes(EVENT)), out);
    assertThat(out.getCopyOfBuffer()).isEqualTo(bytes(EVENT));
  }

  @Test
  void aCopyHasItsOwnArrays() {
    SourceEvent c = SER.copy(EVENT);
    assertThat(c).isEqualTo(EVENT);
    c.values()[1] = "changed";
    c.keys()[1] = "changed";
    assertThat(EVENT.values()[1]).isEqualTo("x");
    assertThat(EVENT.keys()[1]).isEqualTo("b");
  }

  @Test
  void aValueOfAnotherTypeIsRefusedWithItsType() {
    SourceEvent odd = new SourceEvent("k", 0L, new Object[] {BigDecimal.ONE}, "o", "r");
    assertThatThrownBy(() -> bytes(odd))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("java.math.BigDecimal");
  }

  @Test
  void theTypeAndSnapshotGiveThisSerializer() throws Exception {
    assertThat(SourceEventSerializer.TYPE.createSerializer(new SerializerConfigImpl()))
        .isSameAs(SER);
    DataOutputSerializer out = new DataOutputSerializer(64);
    TypeSerializerSnapshot.writeVersionedSnapshot(out, SER.snapshotConfiguration());
    TypeSerializerSnapshot<SourceEvent> back =
        TypeSerializerSnapshot.readVersionedSnapshot(
            new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
    assertThat(back.restoreSerializer()).isSameAs(SER);
    assertThat(SER.snapshotConfiguration().resolveSchemaCompatibility(back).isCompatibleAsIs())
        .isTrue();
    assertThat(InstantiationUtil.clone(SER)).isSameAs(SER);
  }
}
