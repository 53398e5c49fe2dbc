package dev.lakeops.flink.io;

import java.io.IOException;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.fs.Path;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The text-record sources of the streaming jobs: files in a directory, or a Kafka topic. */
public final class StreamSources {
  private StreamSources() {}

  /**
   * The files under {@code dir} (or one file), read line by line.
   *
   * @param monitor how often to look for new files, or null to read the files present and finish
   */
  public static FileSource<RawRecord> files(String dir, Duration monitor) {
    FileSource.FileSourceBuilder<RawRecord> b =
        FileSource.forBulkFileFormat(new LineFileFormat(), new Path(dir));
    if (monitor != null) {
      b.monitorContinuously(monitor);
    }
    return b.build();
  }

  /**
   * A topic's records (values as UTF-8 text), from the committed offsets of {@code groupId} or the
   * earliest.
   *
   * @param bounded stop at the offsets that are latest when the job starts
   */
  public static KafkaSource<RawRecord> kafka(
      String bootstrap, String topic, String groupId, boolean bounded) {
    var b =
        KafkaSource.<RawRecord>builder()
            .setBootstrapServers(bootstrap)
            .setTopics(topic)
            .setGroupId(groupId)
            .setStartingOffsets(
                OffsetsInitializer.committedOffsets(
                    org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST))
            .setDeserializer(new Records());
    if (bounded) {
      b.setBounded(OffsetsInitializer.latest());
    }
    return b.build();
  }

  private static final class Records implements KafkaRecordDeserializationSchema<RawRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<RawRecord> out)
        throws IOException {
      String text =
          r.value() == null ? "" : new String(r.value(), java.nio.charset.StandardCharsets.UTF_8);
      out.collect(new RawRecord(r.topic() + "-" + r.partition() + "@" + r.offset(), -1, text));
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
      return TypeInformation.of(RawRecord.class);
    }
  }
}
