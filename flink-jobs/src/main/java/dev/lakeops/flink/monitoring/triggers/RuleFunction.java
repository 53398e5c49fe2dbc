package dev.lakeops.flink.monitoring.triggers;

import dev.lakeops.common.config.MonitoringConfig;
import dev.lakeops.common.monitoring.ModelMonitoring;
import dev.lakeops.common.monitoring.WindowStatistic;
import dev.lakeops.common.monitoring.trigger.MarkedStatistic;
import dev.lakeops.common.monitoring.trigger.RuleEngine;
import dev.lakeops.common.monitoring.trigger.Trigger;
import dev.lakeops.flink.FlinkErrors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per model (the key): buffers each window's statistics until the watermark passes the window's end
 * − 1 ms, then hands them to the model's {@link RuleEngine}, one model version at a time, in window
 * end order. Emits the marked statistics; triggers go to {@link #TRIGGERS}.
 *
 * <p>Keyed state: the engine's {@link RuleEngine.State} and the buffered statistics, both as Java
 * serialized bytes (small: one entry per rule and version, and the statistics of the windows not
 * yet due), so a restart from a checkpoint resumes the runs and cooldowns and re-raises the same
 * trigger ids.
 */
final class RuleFunction extends KeyedProcessFunction<String, WindowStatistic, MarkedStatistic> {
  private static final long serialVersionUID = 1L;

  /** The triggers raised. */
  static final OutputTag<Trigger> TRIGGERS = new OutputTag<>("triggers") {};

  private final MonitoringConfig monitoring;
  private transient ValueState<byte[]> engineState;
  private transient MapState<Long, byte[]> pending;

  RuleFunction(MonitoringConfig monitoring) {
    this.monitoring = monitoring;
  }

  @Override
  public void open(OpenContext ctx) {
    engineState =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "rule-engine", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    pending =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "pending-windows",
                    Types.LONG,
                    PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
  }

  @Override
  public void processElement(WindowStatistic s, Context ctx, Collector<MarkedStatistic> out)
      throws Exception {
    if (monitoring.model(s.model()).isEmpty()) {
      out.collect(new MarkedStatistic(s, null, false, null));
      return;
    }
    long end = s.windowEndMillis();
    byte[] bytes = pending.get(end);
    ArrayList<WindowStatistic> list =
        bytes == null ? new ArrayList<>() : read(bytes, ArrayList.class);
    list.add(s);
    pending.put(end, write(list));
    ctx.timerService().registerEventTimeTimer(end - 1);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<MarkedStatistic> out)
      throws Exception {
    Optional<ModelMonitoring> m = monitoring.model(ctx.getCurrentKey());
    if (m.isEmpty()) {
      return;
    }
    TreeMap<Long, byte[]> due = new TreeMap<>();
    for (Map.Entry<Long, byte[]> e : pending.entries()) {
      if (e.getKey() - 1 <= timestamp) {
        due.put(e.getKey(), e.getValue());
      }
    }
    if (due.isEmpty()) {
      return;
    }
    byte[] stateBytes = engineState.value();
    RuleEngine engine =
        new RuleEngine(
            m.get(), stateBytes == null ? null : read(stateBytes, RuleEngine.State.class));
    long now = System.currentTimeMillis();
    for (Map.Entry<Long, byte[]> e : due.entrySet()) {
      @SuppressWarnings("unchecked")
      List<WindowStatistic> stats = read(e.getValue(), ArrayList.class);
      // one evaluation per (version, window start): windows of one end may differ in start
      // only when the slide changed; versions in ascending order
      TreeMap<String, List<WindowStatistic>> groups = new TreeMap<>();
      stats.stream()
          .sorted(Comparator.comparingInt(WindowStatistic::modelVersion))
          .forEach(
              s ->
                  groups
                      .computeIfAbsent(
                          String.format("%010d|%020d", s.modelVersion(), s.windowStartMillis()),
                          k -> new ArrayList<>())
                      .add(s));
      for (List<WindowStatistic> window : groups.values()) {
        RuleEngine.Evaluation ev = engine.evaluate(window, now);
        ev.marked().forEach(out::collect);
        ev.triggers().forEach(t -> ctx.output(TRIGGERS, t));
      }
      pending.remove(e.getKey());
    }
    engineState.update(write(engine.state()));
  }

  static byte[] write(Object o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  @SuppressWarnings("unchecked")
  static <T> T read(byte[] bytes, Class<?> type) throws IOException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return (T) type.cast(in.readObject());
    } catch (ClassNotFoundException e) {
      throw FlinkErrors.incompatibleRuleState(e);
    }
  }
}
