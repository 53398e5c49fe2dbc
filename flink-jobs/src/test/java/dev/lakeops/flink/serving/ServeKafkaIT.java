package dev.lakeops.flink.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
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

  static KafkaClusterTestKit kafka;
  static ServingFixture fx;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    fx = ServingFixture.get();
    kafka =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .build();
    kafka.format();
    kafka.startup();
    kafka.waitForReadyBrokers();
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
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(in, 2, (short) 1), new NewTopic(out, 2, (short) 1)))
          .all()
          .get();
    }
    int n = 3_000;
    long t0 = fx.lastFeatureMillis + 60_000;
    Properties pp = new Properties();
    pp.put("bootstrap.servers", kafka.bootstrapServers());
    pp.put("key.serializer", StringSerializer.class.getName());
    pp.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
      for (int i = 0; i < n; i++) {
        producer.send(new ProducerRecord<>(in, "k" + i, ServeJobIT.event("k-" + i, t0 + i, null)));
      }
      producer.send(new ProducerRecord<>(in, "bad", "{not json"));
    }

    ServeSettings s =
        new ServeSettings(
            ServingFixture.MODEL,
            tmp.resolve("out").toString(),
            fx.config.database(),
            null,
            kafka.bootstrapServers(),
            in,
            out,
            Duration.ofSeconds(1),
            true,
            Duration.ofMillis(500),
            2);
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

    Properties cp = new Properties();
    cp.put("bootstrap.servers", kafka.bootstrapServers());
    cp.put("group.id", "check-" + UUID.randomUUID());
    cp.put("auto.offset.reset", "earliest");
    cp.put("isolation.level", "read_committed");
    cp.put("key.deserializer", StringDeserializer.class.getName());
    cp.put("value.deserializer", StringDeserializer.class.getName());
    Map<String, Integer> seen = new HashMap<>();
    ObjectMapper json = new ObjectMapper();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp)) {
      consumer.subscribe(List.of(out));
      long quietUntil = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      int lastSize = -1;
      while (System.nanoTime() < quietUntil) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          JsonNode p = json.readTree(r.value());
          assertThat(p.get("model").asText()).isEqualTo(ServingFixture.MODEL);
          assertThat(p.get("event_id").asText()).isEqualTo(r.key());
          seen.merge(p.get("event_id").asText(), 1, Integer::sum);
        }
        if (seen.size() >= n && seen.size() == lastSize) {
          break; // all there, and one more poll brought nothing new
        }
        lastSize = seen.size();
      }
    }
    assertThat(seen).hasSize(n);
    assertThat(seen.values()).allMatch(c -> c == 1);
    assertThat(ServeJobIT.read(s.predictionLog())).hasSize(n);
    assertThat(ServeJobIT.read(s.deadLetterLog()))
        .singleElement()
        .satisfies(r -> assertThat((String) r.get("reason")).startsWith("malformed JSON"));
  }
}
