package dev.lakeops.flink.monitoring.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.config.MonitoringConfig;
import dev.lakeops.common.monitoring.ModelMonitoring;
import dev.lakeops.common.monitoring.ModelMonitoring.Rule;
import dev.lakeops.common.monitoring.Statistic;
import dev.lakeops.common.monitoring.WindowStatistic;
import dev.lakeops.common.monitoring.trigger.MarkedStatistic;
import dev.lakeops.common.monitoring.trigger.Trigger;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.delta.KernelTables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trigger stage in a Flink job: window statistics in, keyed by model, rules applied with keyed
 * state; triggers land in {@code <db>.lakeops_triggers} (Delta), the marked statistics come back.
 */
class TriggerStageIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  private static final long DAY = 86_400_000L;
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  @TempDir Path dir;

  @Test
  void breachesInARowRaiseTriggersIntoTheDeltaTableAndStatisticsComeBackMarked() throws Exception {
    MonitoringConfig monitoring =
        new MonitoringConfig(
            "monitoring.yaml",
            Map.of(
                "m",
                new ModelMonitoring(
                    "m",
                    Duration.ofDays(1),
                    null,
                    null,
                    List.of(new Rule("shift", Statistic.PSI, "any", 0.2, 2, Duration.ZERO)))),
            null);
    double[] psi = {0.1, 0.3, 0.3, 0.3, 0.3};
    List<WindowStatistic> input = new ArrayList<>();
    for (int i = 0; i < psi.length; i++) {
      long start = T0 + i * DAY;
      input.add(new WindowStatistic("m", 1, start, start + DAY, "a", Statistic.PSI, psi[i], 50));
      input.add(new WindowStatistic("m", 1, start, start + DAY, "b", Statistic.PSI, 0.0, 50));
      if (i == 2) { // window 2's breach read twice
        input.add(new WindowStatistic("m", 1, start, start + DAY, "a", Statistic.PSI, psi[i], 50));
      }
      // a model monitoring.yaml does not name: passes through, unmarked
      input.add(new WindowStatistic("other", 1, start, start + DAY, "a", Statistic.PSI, 9, 50));
    }
    Warehouse wh = new Warehouse(dir.resolve("warehouse").toString(), "db");

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    DataStream<WindowStatistic> stats =
        env.fromData(input)
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<WindowStatistic>forMonotonousTimestamps()
                    .withTimestampAssigner((s, ts) -> s.windowEndMillis() - 1));
    TriggerStage.Attached attached = TriggerStage.attach(stats, monitoring, wh, "monitor-test");
    List<MarkedStatistic> marked = new ArrayList<>();
    try (CloseableIterator<MarkedStatistic> it = attached.marked().executeAndCollect()) {
      it.forEachRemaining(marked::add);
    }

    assertThat(marked).hasSize(input.size());
    assertThat(marked.stream().filter(MarkedStatistic::breached).count())
        .as("a's PSI above 0.2 in windows 1-4, window 2 twice")
        .isEqualTo(5);
    assertThat(marked)
        .filteredOn(x -> x.statistic().model().equals("other"))
        .allSatisfy(x -> assertThat(x.rule()).isNull());

    // breaches in windows 1,2 -> trigger at window 2's end; the run restarts: 3,4 -> window 4's
    List<Map<String, Object>> rows = new KernelTables().readAll(wh.triggers().path());
    assertThat(rows)
        .extracting(r -> r.get("trigger_id"))
        .containsExactlyInAnyOrder(
            Trigger.ruleTriggerId("m", 1, "shift", T0 + 3 * DAY),
            Trigger.ruleTriggerId("m", 1, "shift", T0 + 5 * DAY));
    Map<String, Object> first =
        rows.stream()
            .filter(r -> r.get("window_end").equals((T0 + 3 * DAY) * 1000))
            .findFirst()
            .orElseThrow();
    assertThat(first)
        .containsEntry("model", "m")
        .containsEntry("model_version", 1)
        .containsEntry("rule", "shift")
        .containsEntry("reason", "drift")
        .containsEntry("feature", "a")
        .containsEntry("statistic", "psi")
        .containsEntry("value", 0.3)
        .containsEntry("threshold", 0.2)
        .containsEntry("window_start", (T0 + 2 * DAY) * 1000)
        .containsEntry("statistics", "{\"psi[a]\":0.3}");
  }
}
