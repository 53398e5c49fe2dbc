package dev.lakeops.flink.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeops.common.warehouse.PredictionLogColumns;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The prediction log's Delta columns, the dead letter's and the output topic's JSON keys are the
 * names in {@link PredictionLogColumns} (which readers such as monitoring use), written out here by
 * hand so that a renamed constant fails too.
 */
class PredictionLogTest {
  static final List<String> LOG =
      List.of(
          "event_id",
          "entity_key",
          "event_time",
          "model",
          "model_version",
          "features",
          "text_features",
          "prediction",
          "probability",
          "scored_at",
          "missing_views");

  @Test
  void theDeltaRowsUseTheSharedNames() {
    assertThat(PredictionLogColumns.ALL).isEqualTo(LOG);
    assertThat(new PredictionLog.Rows().schema().fieldNames()).isEqualTo(PredictionLogColumns.ALL);
    assertThat(PredictionLogColumns.DEAD_LETTER)
        .containsExactly("input", "event_id", "reason", "model", "model_version", "at");
    assertThat(new PredictionLog.DeadRows().schema().fieldNames())
        .isEqualTo(PredictionLogColumns.DEAD_LETTER);
  }

  @Test
  void theTopicsJsonUsesTheSameNames() throws Exception {
    Prediction p =
        new Prediction(
            "e-1",
            "NSW",
            1_000L,
            "m",
            2,
            Map.of("x", 1.0),
            Map.of("t", "a"),
            1.0,
            new double[] {0.25, 0.75},
            2_000L,
            List.of("v"));
    JsonNode json = new ObjectMapper().readTree(PredictionLog.json(p));
    List<String> keys = new ArrayList<>();
    json.fieldNames().forEachRemaining(keys::add);
    // the topic carries text features inside "features" and has no "text_features"
    List<String> expected = new ArrayList<>(LOG);
    expected.remove("text_features");
    assertThat(keys).isEqualTo(expected);
    assertThat(json.get("features").get("t").asText()).isEqualTo("a");
  }
}
