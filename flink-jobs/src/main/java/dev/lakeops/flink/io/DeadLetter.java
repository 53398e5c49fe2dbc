package dev.lakeops.flink.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakeops.common.events.Rejection;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * The dead letter of a streaming job: one JSON object per rejected record, {@code {"job", "source",
 * "rule", "reason", "raw", "origin"}}, to JSON-lines files or a Kafka topic, both exactly-once on
 * checkpoints (files are committed, Kafka transactions closed, when a checkpoint completes).
 */
public final class DeadLetter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DeadLetter() {}

  /** The JSON line of a rejection. */
  public static String toJson(String job, Rejection r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("job", job);
    n.put("source", r.source());
    n.put("rule", r.rule());
    n.put("reason", r.reason());
    n.put("raw", r.raw());
    n.put("origin", r.origin());
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** JSON lines under {@code dir}, a part file per subtask and checkpoint ({@code *.jsonl}). */
  public static FileSink<String> files(String dir) {
    return jsonLines(dir, "dead-letter");
  }

  /** Text lines under {@code dir}, rolled and committed on every checkpoint. */
  public static FileSink<String> jsonLines(String dir, String prefix) {
    return FileSink.forRowFormat(new Path(dir), new SimpleStringEncoder<String>("UTF-8"))
        .withRollingPolicy(OnCheckpointRollingPolicy.build())
        .withOutputFileConfig(
            OutputFileConfig.builder().withPartPrefix(prefix).withPartSuffix(".jsonl").build())
        .build();
  }

  /**
   * A Kafka topic, exactly-once: read it with {@code isolation.level=read_committed}.
   *
   * @param transactionalIdPrefix unique per job (two jobs must not share it)
   */
  public static Sink<String> kafka(String bootstrap, String topic, String transactionalIdPrefix) {
    Properties p = new Properties();
    p.setProperty("transaction.timeout.ms", "900000"); // the broker's default maximum (15 min)
    return KafkaSink.<String>builder()
        .setBootstrapServers(bootstrap)
        .setKafkaProducerConfig(p)
        .setRecordSerializer(
            KafkaRecordSerializationSchema.builder()
                .setTopic(topic)
                .setValueSerializationSchema(
                    new org.apache.flink.api.common.serialization.SimpleStringSchema())
                .build())
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(transactionalIdPrefix)
        .build();
  }
}
