package dev.lakeops.flink.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeops.common.error.ConfigException;
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
    assertThat(s.discoveryInterval()).isEqualTo(Duration.ofSeconds(1));
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

  private static final String AT = "Invalid configuration: ServeSettings at ";

  @Test
  void requiredOptionsAreNamed() {
    assertThatThrownBy(() -> directory().model(null).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(AT + "'model': a value is required (the model to serve)");
    assertThatThrownBy(() -> directory().model("").build())
        .hasMessageStartingWith(AT + "'model': a value is required");
    assertThatThrownBy(() -> ServeSettings.builder().model("m").inputDir("/events").build())
        .hasMessageStartingWith(AT + "'warehouse': a value is required");
  }

  @Test
  void exactlyOneInputAndTopicsNeedBootstrapServers() {
    assertThatThrownBy(() -> directory().inputDir(null).build())
        .hasMessageStartingWith(
            AT + "'inputDir/inputTopic': expected exactly one input, got neither.");
    assertThatThrownBy(() -> directory().inputTopic("t").kafkaBootstrap("k:9092").build())
        .hasMessageStartingWith(
            AT + "'inputDir/inputTopic': expected exactly one input, got both.");
    assertThatThrownBy(() -> directory().inputDir(null).inputTopic("t").build())
        .hasMessageStartingWith(AT + "'kafkaBootstrap': a value is required");
    assertThatThrownBy(() -> directory().outputTopic("out").build())
        .hasMessageStartingWith(AT + "'kafkaBootstrap': a value is required");
    ServeSettings kafka =
        directory().inputDir(null).inputTopic("t").kafkaBootstrap("k:9092").build();
    assertThat(kafka.inputTopic()).isEqualTo("t");
    assertThat(kafka.inputDir()).isNull();
  }

  @Test
  void rangesAreCheckedWithTheLimitAndTheValue() {
    assertThatThrownBy(() -> directory().checkpointInterval(Duration.ofMillis(9)).build())
        .hasMessage(
            AT
                + "'checkpointInterval': expected at least 10 ms (Flink's minimum), got 9 ms."
                + " Fix: give 10 ms or more.");
    assertThat(directory().checkpointInterval(Duration.ofMillis(10)).build().checkpointInterval())
        .isEqualTo(Duration.ofMillis(10));
    assertThatThrownBy(() -> directory().pollInterval(Duration.ZERO).build())
        .hasMessageContaining("'pollInterval': expected at least 1 ms")
        .hasMessageContaining("got 0 ms");
    assertThatThrownBy(() -> directory().pollInterval(null).build())
        .hasMessageStartingWith(AT + "'pollInterval': a value is required");
    assertThatThrownBy(() -> directory().discoveryInterval(Duration.ZERO).build())
        .hasMessageContaining("'discoveryInterval': expected at least 1 ms")
        .hasMessageContaining("got 0 ms");
    assertThat(
            directory().discoveryInterval(Duration.ofMillis(200)).build().toBuilder()
                .build()
                .discoveryInterval())
        .isEqualTo(Duration.ofMillis(200));
    assertThatThrownBy(() -> directory().parallelism(-1).build())
        .hasMessageContaining("'parallelism': expected at least 0")
        .hasMessageContaining("got -1");
  }

  @Test
  void allProblemsAreReportedTogetherUnderTheSourceGiven() {
    assertThatThrownBy(
            () ->
                ServeSettings.builder()
                    .source("the options of mlops serve")
                    .outputTopic("out")
                    .parallelism(-1)
                    .build())
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .extracting(p -> p.file() + ": " + p.field())
                    .containsExactly(
                        "the options of mlops serve: model",
                        "the options of mlops serve: warehouse",
                        "the options of mlops serve: inputDir/inputTopic",
                        "the options of mlops serve: kafkaBootstrap",
                        "the options of mlops serve: parallelism"));
  }
}
