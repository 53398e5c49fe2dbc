package dev.lakeops.flink.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.events.Rejection;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.features.FeatureHistory;
import dev.lakeops.common.features.IncrementalFeatures;
import dev.lakeops.flink.testing.Harnesses;
import dev.lakeops.flink.testing.SparkRuns;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The online-store job's keyed feature operator in Flink's operator harness (no cluster):
 * event-time timers emit each time's rows once the watermark passes it, events at or behind the
 * watermark go to the late side output, the per-entity history survives a snapshot and restore
 * (also a snapshot of the Kryo state of jobs before {@link FeatureHistorySerializer}), and an
 * entity whose events left every window keeps no timer.
 *
 * <p>The project is the cdnow example: view {@code customer_purchases} (counts over 30/90/365 days,
 * {@code cds_90d} = sum of CDs, {@code last_cds}) and {@code customer_spend} (sums, mean, max over
 * dollar values). Expected values below are worked out by hand from the events each test sends.
 */
class FeatureFunctionHarnessTest {
  private static final long DAY_MS = 86_400_000L;
  private static final long D1 = Instant.parse("1997-01-01T00:00:00Z").toEpochMilli();
  private static final long D3 = D1 + 2 * DAY_MS;

  private static final ProjectConfig CDNOW =
      ProjectLoader.load(SparkRuns.repo().resolve("conf/examples/cdnow"));

  private final Harnesses harnesses = new Harnesses();

  @AfterEach
  void close() throws Exception {
    harnesses.close();
  }

  private KeyedOneInputStreamOperatorTestHarness<String, SourceEvent, ViewRow> harness(
      OperatorSubtaskState restoreFrom) throws Exception {
    // the loaded source and views, as the job ships them to the task
    FeatureFunction fn =
        new FeatureFunction(CDNOW.sources().get("purchases"), CDNOW.viewsOf("purchases"));
    return harnesses.open(
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(fn), SourceEvent::entityKey, Types.STRING),
        restoreFrom);
  }

  /** A purchase: schema order customer_id, date, number_of_cds, dollar_value. */
  private static StreamRecord<SourceEvent> purchase(
      String customer, long dayMillis, int cds, double dollars) {
    SourceEvent e =
        new SourceEvent(
            customer,
            dayMillis * 1000,
            new Object[] {customer, "d", cds, dollars},
            "test:" + dayMillis,
            customer + " " + dayMillis + " " + cds + " " + dollars);
    return new StreamRecord<>(e, dayMillis);
  }

  private static List<ViewRow> rows(
      KeyedOneInputStreamOperatorTestHarness<String, SourceEvent, ViewRow> h) {
    List<ViewRow> out = new ArrayList<>();
    for (Object o : h.getOutput()) {
      if (o instanceof StreamRecord<?> r) {
        out.add((ViewRow) r.getValue());
      }
    }
    return out;
  }

  /** The one row of customer c1 for {@code view} at that time. */
  private static ViewRow only(List<ViewRow> rows, String view, long eventTimeMillis) {
    List<ViewRow> m =
        rows.stream()
            .filter(
                r ->
                    r.entityKey().equals("c1")
                        && r.view().equals(view)
                        && r.eventTimeMicros() == eventTimeMillis * 1000)
            .toList();
    assertThat(m).as("%s rows at %d in %s", view, eventTimeMillis, rows).hasSize(1);
    return m.get(0);
  }

  private static double num(Map<String, Object> values, String name) {
    return ((Number) values.get(name)).doubleValue();
  }

  @Test
  void rowsWaitForTheWatermarkAndEachTimeIsEmittedOnce() throws Exception {
    var h = harness(null);
    h.processElement(purchase("c1", D1, 2, 10.0));
    h.processElement(purchase("c1", D3, 1, 12.0));
    // one timer per distinct event time, and nothing before the watermark reaches one
    assertThat(h.numEventTimeTimers()).isEqualTo(2);
    h.processWatermark(D1 - 1);
    assertThat(rows(h)).isEmpty();

    h.processWatermark(D1);
    List<ViewRow> first = rows(h);
    assertThat(first)
        .extracting(ViewRow::view)
        .containsExactly("customer_purchases", "customer_spend");
    Map<String, Object> p1 = only(first, "customer_purchases", D1).values();
    assertThat(p1.get("purchases_30d")).isEqualTo(1L);
    assertThat(p1.get("purchases_365d")).isEqualTo(1L);
    assertThat(num(p1, "cds_90d")).isEqualTo(2.0);
    assertThat(num(p1, "last_cds")).isEqualTo(2.0);
    Map<String, Object> s1 = only(first, "customer_spend", D1).values();
    assertThat(num(s1, "spend_30d")).isEqualTo(10.0);
    assertThat(num(s1, "price_per_cd_365d")).isEqualTo(5.0); // 10 / 2
    // the last row of each view in an advance carries the view's history for the store
    assertThat(first).allSatisfy(r -> assertThat(r.history()).isNotNull());

    h.getOutput().clear();
    h.processWatermark(D3);
    List<ViewRow> second = rows(h);
    assertThat(second).hasSize(2);
    Map<String, Object> p3 = only(second, "customer_purchases", D3).values();
    assertThat(p3.get("purchases_30d")).isEqualTo(2L);
    assertThat(num(p3, "cds_90d")).isEqualTo(3.0); // 2 + 1
    assertThat(num(p3, "last_cds")).isEqualTo(1.0);
    Map<String, Object> s3 = only(second, "customer_spend", D3).values();
    assertThat(num(s3, "spend_30d")).isEqualTo(22.0);
    assertThat(num(s3, "mean_order_365d")).isEqualTo(11.0);
    assertThat(num(s3, "max_order_365d")).isEqualTo(12.0);
    assertThat(num(s3, "price_per_cd_365d")).isCloseTo(8.5, within(1e-12)); // mean(5, 12)
    assertThat(s3.get("big_orders_365d")).isEqualTo(0L);

    // a watermark that moves again emits nothing new
    h.getOutput().clear();
    h.processWatermark(D3 + DAY_MS);
    assertThat(rows(h)).isEmpty();
  }

  @Test
  void eventsAtOrBehindTheWatermarkGoToTheLateOutputAndChangeNothing() throws Exception {
    var h = harness(null);
    h.processElement(purchase("c1", D1, 2, 10.0));
    h.processWatermark(D3);
    h.getOutput().clear();
    // behind the watermark, and exactly at it: both too late (their rows were already emitted)
    h.processElement(purchase("c1", D1 + DAY_MS, 5, 50.0));
    h.processElement(purchase("c2", D3, 1, 1.0));
    assertThat(h.getSideOutput(FeatureFunction.LATE))
        .extracting(r -> ((StreamRecord<Rejection>) r).getValue())
        .satisfiesExactly(
            r -> {
              assertThat(r.rule()).isEqualTo("late");
              assertThat(r.source()).isEqualTo("purchases");
              assertThat(r.reason()).contains("at or behind the watermark 1997-01-03");
              assertThat(r.raw()).startsWith("c1 ");
            },
            r -> assertThat(r.raw()).startsWith("c2 "));
    // a later event for c1 counts only the accepted purchases
    h.processElement(purchase("c1", D3 + DAY_MS, 1, 4.0));
    h.processWatermark(D3 + DAY_MS);
    Map<String, Object> p = only(rows(h), "customer_purchases", D3 + DAY_MS).values();
    assertThat(p.get("purchases_30d")).isEqualTo(2L);
    assertThat(num(p, "cds_90d")).isEqualTo(3.0);
    assertThat(rows(h)).noneMatch(r -> r.entityKey().equals("c2"));
  }

  @Test
  void historyAndTimersSurviveASnapshotAndRestore() throws Exception {
    var before = harness(null);
    before.processElement(purchase("c1", D1, 2, 10.0));
    before.processElement(purchase("c1", D3, 1, 12.0));
    before.processElement(purchase("c2", D3, 4, 80.0));
    before.processWatermark(D1);
    OperatorSubtaskState snapshot = before.snapshot(1L, D1);
    // what the failed run did after the snapshot is lost with it
    before.processElement(purchase("c1", D3 + DAY_MS, 9, 99.0));

    var after = harness(snapshot);
    // the timer at D3 (both entities) and c1's expiry timer come back with the state
    assertThat(after.numEventTimeTimers()).isEqualTo(3);
    after.processWatermark(D3);
    List<ViewRow> rows = rows(after);
    Map<String, Object> c1 = only(rows, "customer_purchases", D3).values();
    // c1's D1 purchase came back with the restored history
    assertThat(rows.stream().filter(r -> r.entityKey().equals("c1")).toList()).hasSize(2);
    assertThat(c1.get("purchases_30d")).isEqualTo(2L);
    assertThat(num(c1, "cds_90d")).isEqualTo(3.0);
    ViewRow c2 =
        rows.stream()
            .filter(r -> r.entityKey().equals("c2") && r.view().equals("customer_spend"))
            .findFirst()
            .orElseThrow();
    assertThat(num(c2.values(), "spend_30d")).isEqualTo(80.0);
    assertThat(c2.values().get("big_orders_365d")).isEqualTo(1L); // 80 > 50
    // the restored run does not emit D1 again (it was emitted before the snapshot)
    assertThat(rows).noneMatch(r -> r.eventTimeMicros() == D1 * 1000);
  }

  @Test
  void anEntityWhoseEventsLeftEveryWindowKeepsNoTimerAndCountsFromZero() throws Exception {
    var h = harness(null);
    h.processElement(purchase("c1", D1, 2, 10.0));
    h.processElement(purchase("c1", D3, 1, 12.0));
    h.processWatermark(D3);
    // after the last row, one timer remains: where D3 leaves the longest window (365 days)
    assertThat(h.numEventTimeTimers()).isEqualTo(1);
    h.processWatermark(D3 + 365 * DAY_MS);
    assertThat(h.numEventTimeTimers()).isZero();
    assertThat(h.numKeyedStateEntries()).as("the latest slot stays").isEqualTo(1);

    h.getOutput().clear();
    long later = D3 + 400 * DAY_MS;
    h.processElement(purchase("c1", later, 3, 30.0));
    h.processWatermark(later);
    Map<String, Object> p = only(rows(h), "customer_purchases", later).values();
    // D1 and D3 are more than 365 days before: no window reaches them
    assertThat(p.get("purchases_365d")).isEqualTo(1L);
    assertThat(num(p, "cds_90d")).isEqualTo(3.0);
  }

  /**
   * The keyed state as jobs before {@link FeatureHistorySerializer} kept it (a Kryo generic type
   * under the same name), holding each event's history with no timers.
   */
  private static final class KryoHistoryFunction
      extends KeyedProcessFunction<String, SourceEvent, ViewRow> {
    private transient IncrementalFeatures features;
    private transient ValueState<FeatureHistory> state;

    @Override
    public void open(OpenContext ctx) {
      features =
          new IncrementalFeatures(CDNOW.sources().get("purchases"), CDNOW.viewsOf("purchases"));
      state =
          getRuntimeContext()
              .getState(
                  new ValueStateDescriptor<>("history", TypeInformation.of(FeatureHistory.class)));
    }

    @Override
    public void processElement(SourceEvent e, Context ctx, Collector<ViewRow> out)
        throws Exception {
      FeatureHistory h = state.value() == null ? new FeatureHistory() : state.value();
      features.add(h, e);
      state.update(h);
    }
  }

  @Test
  void aSnapshotOfTheKryoStateOfEarlierJobsIsRestored() throws Exception {
    var old =
        harnesses.open(
            new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new KryoHistoryFunction()),
                SourceEvent::entityKey,
                Types.STRING),
            null);
    old.processElement(purchase("c1", D1, 2, 10.0));
    OperatorSubtaskState snapshot = old.snapshot(1L, D1);

    var after = harness(snapshot);
    after.processElement(purchase("c1", D3, 1, 12.0));
    after.processWatermark(D3);
    List<ViewRow> rows = rows(after);
    // the restored D1 purchase is emitted (no row was produced for it before) and counted at D3
    assertThat(rows).extracting(ViewRow::eventTimeMicros).contains(D1 * 1000, D3 * 1000);
    Map<String, Object> c1 = only(rows, "customer_purchases", D3).values();
    assertThat(c1.get("purchases_30d")).isEqualTo(2L);
    assertThat(num(c1, "cds_90d")).isEqualTo(3.0);
    assertThat(num(only(rows, "customer_spend", D3).values(), "spend_30d")).isEqualTo(22.0);
  }
}
