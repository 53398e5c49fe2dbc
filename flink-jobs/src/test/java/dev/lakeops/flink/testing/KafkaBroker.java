package dev.lakeops.flink.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** A real single-node Kafka (KRaft, broker and controller in one) in the test JVM. */
public final class KafkaBroker implements AutoCloseable {
  private final KafkaClusterTestKit cluster;

  public KafkaBroker() throws Exception {
    cluster =
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
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
  }

  public String bootstrap() {
    return cluster.bootstrapServers();
  }

  public void createTopic(String topic, int partitions) throws Exception {
    try (Admin admin = Admin.create(props())) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
  }

  /** Sends the lines, keyed by {@code key.apply(line)} (null: round robin), and waits for acks. */
  public void send(
      String topic, List<String> lines, java.util.function.Function<String, String> key)
      throws Exception {
    Properties p = props();
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    p.put("linger.ms", "5");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (String line : lines) {
        producer.send(new ProducerRecord<>(topic, key == null ? null : key.apply(line), line));
      }
      producer.flush();
    }
  }

  /**
   * Reads a topic from the start with {@code isolation.level=read_committed} until at least {@code
   * atLeast} records have arrived and then nothing new for a while (so duplicates would show), or
   * until {@code timeout} passes.
   */
  public List<ConsumerRecord<String, String>> readCommitted(
      String topic, int atLeast, Duration timeout) {
    Properties p = props();
    p.put("group.id", "check-" + UUID.randomUUID());
    p.put("auto.offset.reset", "earliest");
    p.put("isolation.level", "read_committed");
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      c.subscribe(List.of(topic));
      long end = System.nanoTime() + timeout.toNanos();
      long quietUntil = 0;
      while (System.nanoTime() < end) {
        ConsumerRecords<String, String> records = c.poll(Duration.ofMillis(300));
        records.forEach(out::add);
        if (out.size() >= atLeast) {
          if (quietUntil == 0) {
            quietUntil = System.nanoTime() + Duration.ofMillis(1500).toNanos();
          } else if (records.isEmpty() && System.nanoTime() > quietUntil) {
            break;
          }
        }
      }
    }
    return out;
  }

  private Properties props() {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap());
    return p;
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
