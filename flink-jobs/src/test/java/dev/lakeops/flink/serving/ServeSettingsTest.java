package dev.lakeops.flink.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link ServeSettings}' builder: defaults, the checks of {@code build()} (each names the option),
 * and the locations it names under the warehouse (expected paths written out by hand).
 */
class ServeSettingsTest {
  static ServeSettings.Builder directory() {
    return ServeSettings.builder().model("m").warehouse("/wh/", "db").inputDir("/events");
  }

  @Test
  void defaultsAndTheLocationsUnderTheWarehouse() {
    ServeSettings s = directory().build();
    assertThat(s.pollInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.checkpointInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.parallelism()).isZero();
    assertThat(s.once()).isFalse();
    assertThat(s.warehouseRoot()).isEqualTo("/wh");
    assertThat(s.predictionLog()).isEqualTo("/wh/db/predictions/m");
    assertThat(s.deadLetterLog()).isEqualTo("/wh/db/dead_letter/serve_m");
    assertThat(s.checkpointDir()).isEqualTo("/wh/db/_checkpoints/serve_m");
    assertThat(ServeJob.flinkConfig(s).toMap())
        .containsEntry("execution.checkpointing.dir", "file:///wh/db/_checkpoints/serve_m");

    ServeSettings p = s.withParallelism(3);
    assertThat(p.parallelism()).isEqualTo(3);
    assertThat(p.inputDir()).isEqualTo("/events");
    assertThat(s.parallelism()).as("unchanged").isZero();
  }

  @Test
  void requiredOptionsAreNamed() {
    assertThatThrownBy(() -> directory().model(null).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("ServeSettings.model is required");
    assertThatThrownBy(() -> directory().model("").build())
        .hasMessageStartingWith("ServeSettings.model is required");
    assertThatThrownBy(() -> ServeSettings.builder().model("m").inputDir("/events").build())
        .hasMessageStartingWith("ServeSettings.warehouse is required");
  }

  @Test
  void exactlyOneInputAndTopicsNeedBootstrapServers() {
    assertThatThrownBy(() -> directory().inputDir(null).build())
        .hasMessage("ServeSettings: give exactly one input, inputDir or inputTopic (got neither)");
    assertThatThrownBy(() -> directory().inputTopic("t").kafkaBootstrap("k:9092").build())
        .hasMessage("ServeSettings: give exactly one input, inputDir or inputTopic (got both)");
    assertThatThrownBy(() -> directory().inputDir(null).inputTopic("t").build())
        .hasMessageStartingWith("ServeSettings.kafkaBootstrap is required");
    assertThatThrownBy(() -> directory().outputTopic("out").build())
        .hasMessageStartingWith("ServeSettings.kafkaBootstrap is required");
    ServeSettings kafka =
        directory().inputDir(null).inputTopic("t").kafkaBootstrap("k:9092").build();
    assertThat(kafka.inputTopic()).isEqualTo("t");
    assertThat(kafka.inputDir()).isNull();
  }

  @Test
  void rangesAreCheckedWithTheLimitAndTheValue() {
    assertThatThrownBy(() -> directory().checkpointInterval(Duration.ofMillis(9)).build())
        .hasMessage(
            "ServeSettings.checkpointInterval must be at least 10 ms (Flink's minimum), got 9 ms");
    assertThat(directory().checkpointInterval(Duration.ofMillis(10)).build().checkpointInterval())
        .isEqualTo(Duration.ofMillis(10));
    assertThatThrownBy(() -> directory().pollInterval(Duration.ZERO).build())
        .hasMessageContaining("pollInterval must be at least 1 ms")
        .hasMessageContaining("got 0 ms");
    assertThatThrownBy(() -> directory().pollInterval(null).build())
        .hasMessageStartingWith("ServeSettings.pollInterval is required");
    assertThatThrownBy(() -> directory().parallelism(-1).build())
        .hasMessageContaining("parallelism must be at least 0")
        .hasMessageContaining("got -1");
  }
}
