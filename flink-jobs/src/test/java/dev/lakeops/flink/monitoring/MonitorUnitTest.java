package dev.lakeops.flink.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.events.Rejection;
import dev.lakeops.flink.io.RawRecord;
import dev.lakeops.flink.serving.Prediction;
import dev.lakeops.flink.serving.PredictionLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.junit.jupiter.api.Test;

/** The monitoring job's pieces that need no Flink cluster. */
class MonitorUnitTest {

  MonitorSettings.Builder valid() {
    return MonitorSettings.builder()
        .model("m")
        .warehouse("/w", "db")
        .window(Duration.ofHours(1))
        .labelTtl(Duration.ofDays(1))
        .labelDir("/labels");
  }

  @Test
  void settingsDefaultToTumblingWindowsAndTheModelsPredictionLog() {
    MonitorSettings s = valid().build();
    assertThat(s.windowSlide()).isEqualTo(Duration.ofHours(1));
    assertThat(s.predictionLog()).isEqualTo("/w/db/predictions/m");
    assertThat(s.warehouse().performance("m").path()).isEqualTo("/w/db/monitoring/performance/m");
  }

  @Test
  void badSettingsFailTogetherNamingSourceFieldAndFix() {
    assertThatThrownBy(
            () ->
                valid()
                    .source("monitoring.yaml")
                    .window(Duration.ofHours(1), Duration.ofHours(2))
                    .labelTtl(Duration.ZERO)
                    .labelTopic("labels")
                    .build())
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.problems())
                  .extracting(p -> p.file() + "@" + p.field())
                  .containsExactlyInAnyOrder(
                      "monitoring.yaml@window.slide",
                      "monitoring.yaml@labels.ttl",
                      "monitoring.yaml@labels",
                      "monitoring.yaml@kafka.bootstrap");
              assertThat(e.problems()).allSatisfy(p -> assertThat(p.fix()).isNotBlank());
            });
  }

  /** The windows of a time, against Flink's own assigner arithmetic (TimeWindow). */
  @Test
  void windowStartsAreFlinksForTumblingAndSlidingWindows() {
    long[][] shapes = {{10, 10}, {10, 5}, {10, 3}, {7, 7}};
    for (long[] shape : shapes) {
      Windows w = new Windows(shape[0], shape[1]);
      for (long time = -25; time <= 25; time++) {
        long t = time;
        long last = TimeWindow.getWindowStartWithOffset(t, 0, shape[1]);
        long[] expected =
            java.util.stream.LongStream.iterate(last, s -> s > t - shape[0], s -> s - shape[1])
                .toArray();
        assertThat(w.starts(t)).as("t=%d %s", t, Arrays.toString(shape)).containsExactly(expected);
        for (long s : w.starts(t)) {
          assertThat(t).isBetween(s, w.end(s) - 1);
        }
      }
    }
    assertThat(Windows.plus(Long.MAX_VALUE - 1, 5)).isEqualTo(Long.MAX_VALUE);
  }

  static RawRecord line(long index, String text) {
    return new RawRecord("f.csv:" + (index + 1), index, text, "event_id,label,extra");
  }

  @Test
  void labelLinesAreReadOrRejectedWithTheirRule() {
    assertThat(Parsers.label(line(0, "event_id,label,extra"), "event_id", "label")).isNull();
    assertThat(Parsers.label(line(1, "e1, 1 ,x"), "event_id", "label"))
        .isEqualTo(new Label("e1", 1.0, "f.csv:2"));
    assertThat(rule(Parsers.label(line(2, "e2,one,x"), "event_id", "label"))).isEqualTo("type");
    assertThat(rule(Parsers.label(line(3, "e3,1"), "event_id", "label"))).isEqualTo("malformed");
    assertThat(rule(Parsers.label(line(4, ",1,x"), "event_id", "label"))).isEqualTo("not_null");
    assertThat(rule(Parsers.label(line(5, "e5,1,x"), "id", "label"))).isEqualTo("header");
    RawRecord json = new RawRecord("t-0@1", -1, "{\"event_id\":\"k\",\"label\":0}");
    assertThat(Parsers.label(json, "event_id", "label")).isEqualTo(new Label("k", 0.0, "t-0@1"));
    assertThat(rule(Parsers.label(new RawRecord("t-0@2", -1, "{oops"), "event_id", "label")))
        .isEqualTo("malformed");
    assertThat(rule(Parsers.label(new RawRecord("t-0@3", -1, "a,1"), "event_id", "label")))
        .isEqualTo("header");
  }

  static String rule(Object o) {
    assertThat(o).isInstanceOf(Rejection.class);
    Rejection r = (Rejection) o;
    assertThat(r.reason()).isNotBlank();
    assertThat(r.source()).isEqualTo(Parsers.LABELS);
    return r.rule();
  }

  @Test
  void theServingJobsTopicJsonReadsBackAsThePrediction() {
    Map<String, Double> f = new HashMap<>();
    f.put("x", 1.5);
    f.put("gone", null);
    Prediction p =
        new Prediction(
            "e",
            "k",
            1_700_000_000_123L,
            "m",
            4,
            f,
            Map.of("city", "Oslo"),
            1.0,
            new double[] {0.25, 0.75},
            1_700_000_000_456L,
            List.of("v"));
    Prediction back = Parsers.prediction(new String(PredictionLog.json(p), StandardCharsets.UTF_8));
    assertThat(back.eventId()).isEqualTo("e");
    assertThat(back.eventTimeMillis()).isEqualTo(1_700_000_000_123L);
    assertThat(back.version()).isEqualTo(4);
    assertThat(back.features()).isEqualTo(f);
    assertThat(back.textFeatures()).isEqualTo(Map.of("city", "Oslo"));
    assertThat(back.probability()).containsExactly(0.25, 0.75);
    assertThat(back.missingViews()).containsExactly("v");
  }
}
