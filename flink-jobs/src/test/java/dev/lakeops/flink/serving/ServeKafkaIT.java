package dev.lakeops.flink.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeops.flink.testing.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Topic → serving job → topic on a real in-process Kafka broker (KRaft), read back committed. */
class ServeKafkaIT {
  static {
    ServingFixture.logging();
  }

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  static KafkaBroker kafka;
  static ServingFixture fx;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    fx = ServingFixture.get();
    kafka = new KafkaBroker();
  }

  @AfterAll
  static void stop() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void topicToTopicGivesExactlyOnePredictionPerEvent() throws Exception {
    String in = "events-" + UUID.randomUUID();
    String out = "predictions-" + UUID.randomUUID();
    kafka.createTopic(in, 2);
    kafka.createTopic(out, 2);
    int n = 3_000;
    long t0 = fx.lastFeatureMillis + 60_000;
    List<String> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(ServeJobIT.event("k-" + i, t0 + i, null));
    }
    events.add("{not json");
    kafka.send(in, events, null);

    ServeSettings s =
        ServeSettings.builder()
            .model(ServingFixture.MODEL)
            .warehouse(tmp.resolve("out").toString(), fx.config.database())
            .kafkaBootstrap(kafka.bootstrap())
            .inputTopic(in)
            .outputTopic(out)
            .pollInterval(Duration.ofSeconds(1))
            .once(true)
            .checkpointInterval(Duration.ofMillis(500))
            .parallelism(2)
            .build();
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(ServeJob.flinkConfig(s));
    ServeJob.build(
        env,
        ServeJob.plan(
            fx.config,
            s,
            fx.onlineStore(),
            fx.loader(),
            ChampionSource.registry(fx.registry().path())),
        s,
        null);
    env.execute("serve-kafka"); // bounded (--once): the topic up to its end, then a last commit

    Map<String, Integer> seen = new HashMap<>();
    ObjectMapper json = new ObjectMapper();
    for (ConsumerRecord<String, String> r : kafka.readCommitted(out, n, Duration.ofSeconds(60))) {
      JsonNode p = json.readTree(r.value());
      assertThat(p.get("model").asText()).isEqualTo(ServingFixture.MODEL);
      assertThat(p.get("event_id").asText()).isEqualTo(r.key());
      seen.merge(p.get("event_id").asText(), 1, Integer::sum);
    }
    assertThat(seen).hasSize(n);
    assertThat(seen.values()).allMatch(c -> c == 1);
    assertThat(ServeJobIT.read(s.predictionLog())).hasSize(n);
    assertThat(ServeJobIT.read(s.deadLetterLog()))
        .singleElement()
        .satisfies(r -> assertThat((String) r.get("reason")).startsWith("malformed JSON"));
  }
}
