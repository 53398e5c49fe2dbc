package dev.lakeops.flink.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.features.FeatureHistory;
import dev.lakeops.common.features.IncrementalFeatures;
import dev.lakeops.flink.testing.SparkRuns;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/**
 * The keyed state's serializer: bytes of a known history, round trips that keep every value, copies
 * that share nothing mutable, and the snapshot's compatibility (with itself, with the Kryo state of
 * jobs before it, with nothing else). Histories are built from cdnow purchases (schema customer_id,
 * date, number_of_cds, dollar_value; views customer_purchases and customer_spend); the expected
 * values are worked out by hand from the purchases each test adds.
 */
class FeatureHistorySerializerTest {
  private static final long DAY_US = 86_400_000_000L;
  private static final long D1 = Instant.parse("1997-01-01T00:00:00Z").toEpochMilli() * 1000;
  private static final long D3 = D1 + 2 * DAY_US;

  private static final ProjectConfig CDNOW =
      ProjectLoader.load(SparkRuns.repo().resolve("conf/examples/cdnow"));
  private static final IncrementalFeatures FEATURES =
      new IncrementalFeatures(CDNOW.sources().get("purchases"), CDNOW.viewsOf("purchases"));
  private static final FeatureHistorySerializer SER = FeatureHistorySerializer.INSTANCE;

  private static void add(FeatureHistory h, long tMicros, int cds, double dollars) {
    FEATURES.add(
        h, new SourceEvent("c1", tMicros, new Object[] {"c1", "d", cds, dollars}, "test", "raw"));
  }

  private static byte[] bytes(TypeSerializer<FeatureHistory> ser, FeatureHistory h)
      throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(64);
    ser.serialize(h, out);
    return out.getCopyOfBuffer();
  }

  private static FeatureHistory read(TypeSerializer<FeatureHistory> ser, byte[] b)
      throws Exception {
    return ser.deserialize(new DataInputDeserializer(b));
  }

  private static double num(Map<String, Object> values, String name) {
    return ((Number) values.get(name)).doubleValue();
  }

  /** Two purchases at D1 ($10 for 2 CDs, $30 for 3), one at D3 ($12 for 1); rows up to D1. */
  private static FeatureHistory threePurchases() {
    FeatureHistory h = new FeatureHistory();
    add(h, D1, 2, 10.0);
    add(h, D1, 3, 30.0);
    add(h, D3, 1, 12.0);
    FEATURES.produced(h, D1);
    return h;
  }

  @Test
  void anEmptyHistoryIsItsEmittedTimeAndAnEmptyStoredForm() throws Exception {
    byte[] expected = {
      // emittedUpTo = Long.MIN_VALUE, big-endian
      (byte) 0x80,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      // 17 bytes follow
      0,
      0,
      0,
      17,
      // version 2, layout hash 0, 0 features
      2,
      0,
      0,
      0,
      0,
      0,
      // completeAfter = Long.MIN_VALUE as a zig-zag varint: 64 one bits, 9 bytes of 7 and a 1
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      -1,
      1,
      // no slots
      0
    };
    assertThat(bytes(SER, new FeatureHistory())).containsExactly(expected);
    FeatureHistory back = read(SER, expected);
    assertThat(back.size()).isZero();
    assertThat(back.emittedUpTo()).isEqualTo(Long.MIN_VALUE);
    assertThat(back.completeAfter()).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void aRoundTripKeepsTheSlotsTheEmittedTimeAndEveryValue() throws Exception {
    FeatureHistory h = threePurchases();
    byte[] b = bytes(SER, h);
    FeatureHistory back = read(SER, b);

    assertThat(back.size()).isEqualTo(2);
    assertThat(back.earliest()).isEqualTo(D1);
    assertThat(back.latest()).isEqualTo(D3);
    assertThat(back.emittedUpTo()).isEqualTo(D1);
    assertThat(back.completeAfter()).isEqualTo(Long.MIN_VALUE);
    Map<String, Object> p = FEATURES.valuesAt(back, 0, D3);
    assertThat(p.get("purchases_30d")).isEqualTo(3L);
    assertThat(num(p, "cds_90d")).isEqualTo(6.0); // 2 + 3 + 1
    assertThat(num(p, "last_cds")).isEqualTo(1.0); // D3's purchase
    Map<String, Object> s = FEATURES.valuesAt(back, 1, D3);
    assertThat(num(s, "spend_30d")).isEqualTo(52.0);
    assertThat(num(s, "mean_order_365d")).isCloseTo(52.0 / 3, within(1e-12));
    assertThat(num(s, "max_order_365d")).isEqualTo(30.0);
    assertThat(num(s, "price_per_cd_365d")).isCloseTo(9.0, within(1e-12)); // mean(5, 10, 12)
    assertThat(s.get("big_orders_365d")).isEqualTo(0L);
    assertThat(num(FEATURES.valuesAt(back, 1, D1), "spend_30d")).isEqualTo(40.0);
    // the same bytes again, and the values equal the original's to the bit
    assertThat(bytes(SER, back)).isEqualTo(b);
    assertThat(FEATURES.valuesAt(back, 1, D3)).isEqualTo(FEATURES.valuesAt(h, 1, D3));

    // bytes copied between views without a history in between are the same bytes
    DataOutputSerializer out = new DataOutputSerializer(8);
    SER.copy(new DataInputDeserializer(b), out);
    assertThat(out.getCopyOfBuffer()).isEqualTo(b);
  }

  @Test
  void aPrunedHistoryKeepsItsCompleteness() throws Exception {
    FeatureHistory h = threePurchases();
    FEATURES.produced(h, D3);
    // long after every window: only the latest slot stays, complete after D1
    FEATURES.expire(h, D3 + 3_650 * DAY_US);
    FeatureHistory back = read(SER, bytes(SER, h));
    assertThat(back.size()).isEqualTo(1);
    assertThat(back.latest()).isEqualTo(D3);
    assertThat(back.completeAfter()).isEqualTo(D1);
    assertThat(back.emittedUpTo()).isEqualTo(D3);
  }

  @Test
  void aCopySharesNothingThatAddingChanges() throws Exception {
    FeatureHistory h = new FeatureHistory();
    add(h, D1, 2, 10.0);
    FeatureHistory c = SER.copy(h);
    // into the copy: the same time's slot (its arrays) and a new time
    add(c, D1, 3, 30.0);
    add(c, D3, 1, 12.0);
    FEATURES.produced(c, D3);
    // into the original: a purchase the copy must not see
    FeatureHistory reused = SER.copy(h, new FeatureHistory());
    add(h, D1 + 1, 7, 70.0);

    Map<String, Object> orig = FEATURES.valuesAt(h, 0, D1);
    assertThat(orig.get("purchases_30d")).isEqualTo(1L);
    assertThat(num(orig, "cds_90d")).isEqualTo(2.0);
    assertThat(h.emittedUpTo()).isEqualTo(Long.MIN_VALUE);
    Map<String, Object> copy = FEATURES.valuesAt(c, 0, D1 + 1);
    assertThat(copy.get("purchases_30d")).isEqualTo(2L);
    assertThat(num(copy, "cds_90d")).isEqualTo(5.0); // 2 + 3, not the original's 7
    assertThat(c.size()).isEqualTo(2);
    assertThat(c.emittedUpTo()).isEqualTo(D3);
    assertThat(FEATURES.valuesAt(reused, 0, D1 + 1).get("purchases_30d")).isEqualTo(1L);
  }

  @Test
  void theSnapshotRestoresThisSerializerAndMigratesTheKryoStateOfEarlierJobs() throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(64);
    TypeSerializerSnapshot.writeVersionedSnapshot(out, SER.snapshotConfiguration());
    TypeSerializerSnapshot<FeatureHistory> restored =
        TypeSerializerSnapshot.readVersionedSnapshot(
            new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
    assertThat(restored.restoreSerializer()).isSameAs(SER);
    assertThat(SER.snapshotConfiguration().resolveSchemaCompatibility(restored).isCompatibleAsIs())
        .isTrue();
    // the serializer shipped with the job graph comes back as the one instance
    assertThat(InstantiationUtil.clone(SER)).isSameAs(SER);

    // before this serializer the state was a Kryo generic type: read with Kryo, rewritten by us
    KryoSerializer<FeatureHistory> kryo =
        new KryoSerializer<>(FeatureHistory.class, new SerializerConfigImpl());
    TypeSerializerSnapshot<FeatureHistory> old = kryo.snapshotConfiguration();
    assertThat(
            SER.snapshotConfiguration()
                .resolveSchemaCompatibility(old)
                .isCompatibleAfterMigration())
        .isTrue();
    FeatureHistory h = threePurchases();
    FeatureHistory migrated = read(old.restoreSerializer(), bytes(kryo, h));
    assertThat(bytes(SER, migrated)).isEqualTo(bytes(SER, h));

    @SuppressWarnings({"unchecked", "rawtypes"})
    TypeSerializerSnapshot<FeatureHistory> strings =
        (TypeSerializerSnapshot) StringSerializer.INSTANCE.snapshotConfiguration();
    assertThat(SER.snapshotConfiguration().resolveSchemaCompatibility(strings).isIncompatible())
        .isTrue();
  }
}
