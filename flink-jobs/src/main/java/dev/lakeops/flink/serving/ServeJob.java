package dev.lakeops.flink.serving;

import dev.lakeops.common.config.EntityConfig;
import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.LabelConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.TrainingSetConfig;
import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.flink.FlinkErrors;
import dev.lakeops.flink.delta.DeltaSink;
import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.io.OptionChecks;
import io.delta.kernel.types.StructType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Streaming inference: events (JSON lines from a watched directory or a Kafka topic) → features
 * from the online store as of each event's time, overlaid with the event's request-time fields →
 * scored by the model's production version, hot-swapped when the registry changes → the prediction
 * log (a Delta table, exactly once) and, when configured, an output topic (Kafka transactions,
 * exactly once). Events that cannot be scored go to a dead-letter Delta table with the reason.
 *
 * <p>The prediction log holds at most one prediction per event id, whatever the restarts: a
 * failover or a resume from a checkpoint or savepoint (the state and the sink's commits agree), a
 * rerun over the same input ({@link LoggedOnce} reads the log's event ids at start).
 */
public final class ServeJob {
  private ServeJob() {}

  /** The job's streams, for tests and for callers that add outputs. */
  public record Streams(
      SingleOutputStreamOperator<Prediction> predictions, DataStream<DeadLetter> deadLetters) {}

  /**
   * Checkpointing (exactly-once) and a restart strategy, through Flink 2.x config keys. A job that
   * runs until cancelled ({@code once} false) keeps its checkpoints under {@link
   * ServeSettings#checkpointDir()} and retains the latest on cancellation, so {@code serve
   * --resume} can restart from it; a {@code --once} job keeps none.
   */
  public static Configuration flinkConfig(ServeSettings s) {
    return flinkConfig(s.checkpointInterval(), s.once(), s.checkpointDir());
  }

  /**
   * The same settings for any job that commits Delta tables on checkpoints (the monitoring job
   * too): exactly-once checkpoints every {@code interval}, retained under {@code checkpointDir}
   * unless {@code once}, and a fixed-delay restart strategy.
   */
  public static Configuration flinkConfig(Duration interval, boolean once, String checkpointDir) {
    Configuration c = new Configuration();
    c.setString("execution.checkpointing.interval", interval.toMillis() + " ms");
    c.setString("execution.checkpointing.mode", "EXACTLY_ONCE");
    if (!once) {
      // Flink wants a scheme: a local warehouse is a file:// URI
      c.setString("execution.checkpointing.dir", OptionChecks.uri(checkpointDir));
      c.setString(
          "execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    }
    c.setString("restart-strategy.type", "fixed-delay");
    c.setString("restart-strategy.fixed-delay.attempts", "10");
    c.setString("restart-strategy.fixed-delay.delay", "1 s");
    return c;
  }

  /**
   * The latest retained checkpoint under {@code checkpointDir} ({@code <job id>/chk-<n>} holding a
   * {@code _metadata} file), by modification time; empty when there is none.
   */
  public static Optional<String> latestCheckpoint(String checkpointDir) throws IOException {
    Path root = new Path(checkpointDir);
    FileSystem fs = root.getFileSystem();
    if (!fs.exists(root)) {
      return Optional.empty();
    }
    String best = null;
    long bestTime = Long.MIN_VALUE;
    long bestId = Long.MIN_VALUE;
    for (FileStatus job : fs.listStatus(root)) {
      if (!job.isDir()) {
        continue;
      }
      for (FileStatus chk : fs.listStatus(job.getPath())) {
        String name = chk.getPath().getName();
        if (!chk.isDir() || !name.matches("chk-\\d+")) {
          continue;
        }
        Path metadata = new Path(chk.getPath(), "_metadata");
        if (!fs.exists(metadata)) {
          continue; // still being written, or a failed one
        }
        long time = fs.getFileStatus(metadata).getModificationTime();
        long id = Long.parseLong(name.substring("chk-".length()));
        if (time > bestTime || (time == bestTime && id > bestId)) {
          best = chk.getPath().toString();
          bestTime = time;
          bestId = id;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Resolves what the tasks need from the project: the model's training set, its views and their
   * features, and the events' entity key field.
   *
   * @throws ConfigException naming models.yaml when the model is not defined
   */
  public static ServingPlan plan(
      ProjectConfig project,
      ServeSettings s,
      StoreOpener store,
      ModelLoader loader,
      ChampionSource champions) {
    return plan(project, s.model(), s.pollInterval(), store, loader, champions);
  }

  /**
   * The plan of {@code model}, its registry polled every {@code pollInterval} (benchmarks, which
   * generate their events, build it without settings).
   *
   * @throws ConfigException naming models.yaml when the model is not defined
   */
  public static ServingPlan plan(
      ProjectConfig project,
      String model,
      java.time.Duration pollInterval,
      StoreOpener store,
      ModelLoader loader,
      ChampionSource champions) {
    ModelSpec spec = project.models().get(model);
    if (spec == null) {
      throw FlinkErrors.unknownModel(project, model);
    }
    TrainingSetConfig set = project.trainingSets().get(spec.trainingSet());
    Map<String, List<String>> views = new LinkedHashMap<>();
    Map<String, String> viewKeys = new LinkedHashMap<>();
    Map<String, List<String>> keyFields = new LinkedHashMap<>();
    // The label's entities: an event carries the keys of those its views need, the model's first.
    LabelConfig label = project.labels().get(set.label());
    EntityConfig own = project.entities().get(label.entity());
    String keyField = spec.keyColumn() != null ? spec.keyColumn() : own.key();
    keyFields.put(keyField, own.parts());
    for (TrainingSetConfig.FeatureRef ref : set.features()) {
      FeatureViewConfig view = project.featureViews().get(ref.view());
      List<String> features = views.computeIfAbsent(view.name(), v -> new ArrayList<>());
      if (ref.feature() == null) {
        view.features().stream().map(FeatureSpec::name).forEach(features::add);
      } else {
        features.add(ref.feature());
      }
      EntityConfig entity = project.entities().get(view.entity());
      viewKeys.put(view.name(), entity.key());
      keyFields.putIfAbsent(entity.key(), entity.parts());
    }
    views.replaceAll((k, v) -> List.copyOf(v));
    keyFields.replaceAll((k, v) -> List.copyOf(v));
    return new ServingPlan(
        model,
        keyField,
        java.util.Collections.unmodifiableMap(views),
        champions,
        loader,
        store,
        pollInterval,
        spec.onMissingFeatures(),
        java.util.Collections.unmodifiableMap(keyFields),
        java.util.Collections.unmodifiableMap(viewKeys));
  }

  /** The registry of the settings' warehouse. */
  public static ChampionSource registry(ServeSettings s) {
    return ChampionSource.registry(s.warehouse().modelVersions().path());
  }

  /** The event lines: a watched directory or a Kafka topic. */
  public static DataStream<String> input(StreamExecutionEnvironment env, ServeSettings s) {
    if (s.inputTopic() != null) {
      var builder =
          KafkaSource.<String>builder()
              .setBootstrapServers(s.kafkaBootstrap())
              .setTopics(s.inputTopic())
              .setGroupId("lakeops-serve-" + s.model())
              .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
              .setProperty("isolation.level", "read_committed")
              .setValueOnlyDeserializer(new SimpleStringSchema(StandardCharsets.UTF_8));
      if (s.once()) {
        builder.setBounded(OffsetsInitializer.latest());
      }
      return env.fromSource(
              builder.build(), WatermarkStrategy.noWatermarks(), "events-" + s.inputTopic())
          .uid("serve-kafka-source");
    }
    var files = FileSource.forRecordStreamFormat(new TextLineInputFormat(), new Path(s.inputDir()));
    if (!s.once()) {
      files.monitorContinuously(s.discoveryInterval());
    }
    return env.fromSource(files.build(), WatermarkStrategy.noWatermarks(), "events-" + s.inputDir())
        .uid("serve-file-source");
  }

  /**
   * Scores {@code lines} and writes the outputs.
   *
   * @param hook applied to the lines before scoring (tests inject failures there), or null
   */
  public static Streams attach(
      DataStream<String> lines,
      ServingPlan plan,
      ServeSettings s,
      UnaryOperator<DataStream<String>> hook) {
    // Created here, once, before the tasks start (the writers create them too when missing).
    KernelTables tables = new KernelTables();
    tables.createIfMissing(s.predictionLog(), new PredictionLog.Rows().schema());
    tables.createIfMissing(s.deadLetterLog(), new PredictionLog.DeadRows().schema());
    checkLogSchema(tables, s.predictionLog(), new PredictionLog.Rows().schema());
    DataStream<String> in = hook == null ? lines : hook.apply(lines);
    // One prediction per event across restarts: events whose prediction is logged (or on its way)
    // stop here; see LoggedOnce.
    DataStream<String> fresh =
        in.keyBy(new LoggedOnce.Key())
            .process(new LoggedOnce(s.predictionLog()))
            .name("logged-once-" + s.model())
            .uid("serve-logged-once");
    SingleOutputStreamOperator<Prediction> predictions =
        fresh.process(new ScoreFunction(plan)).name("score-" + s.model()).uid("serve-score");
    DataStream<DeadLetter> dead = predictions.getSideOutput(ScoreFunction.DEAD_LETTER);
    predictions
        .sinkTo(new DeltaSink<>(s.predictionLog(), "serve-" + s.model(), new PredictionLog.Rows()))
        .name("prediction-log")
        .uid("serve-prediction-log");
    dead.sinkTo(
            new DeltaSink<>(
                s.deadLetterLog(), "serve-dead-" + s.model(), new PredictionLog.DeadRows()))
        .name("dead-letter")
        .uid("serve-dead-letter");
    if (s.outputTopic() != null) {
      predictions.sinkTo(kafkaSink(s)).name("output-" + s.outputTopic()).uid("serve-kafka-sink");
    }
    return new Streams(predictions, dead);
  }

  /**
   * Refuses a prediction log written with another layout (e.g. before {@code missing_views}).
   *
   * @throws ConfigException naming the table, the columns and the fix
   */
  static void checkLogSchema(KernelTables tables, String path, StructType expected) {
    tables
        .snapshot(path)
        .ifPresent(
            snap -> {
              StructType actual = snap.getSchema();
              if (!actual.fieldNames().equals(expected.fieldNames())) {
                throw FlinkErrors.predictionLogLayout(
                    path, actual.fieldNames(), expected.fieldNames());
              }
            });
  }

  static KafkaSink<Prediction> kafkaSink(ServeSettings s) {
    return KafkaSink.<Prediction>builder()
        .setBootstrapServers(s.kafkaBootstrap())
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix("lakeops-serve-" + s.model() + "-" + s.outputTopic())
        // at most the broker's transaction.max.timeout.ms (15 minutes by default)
        .setProperty("transaction.timeout.ms", "900000")
        .setRecordSerializer(
            KafkaRecordSerializationSchema.<Prediction>builder()
                .setTopic(s.outputTopic())
                .setKeySerializationSchema(new EventIdKey())
                .setValueSerializationSchema(new PredictionJson())
                .build())
        .build();
  }

  /** The output record's key: the event id (so a topic can be compacted per event). */
  static final class EventIdKey implements SerializationSchema<Prediction> {
    private static final long serialVersionUID = 1L;

    @Override
    public byte[] serialize(Prediction p) {
      return p.eventId().getBytes(StandardCharsets.UTF_8);
    }
  }

  /** The output record's value: the prediction as JSON. */
  static final class PredictionJson implements SerializationSchema<Prediction> {
    private static final long serialVersionUID = 1L;

    @Override
    public byte[] serialize(Prediction p) {
      return PredictionLog.json(p);
    }
  }

  /** Builds the whole job on {@code env}. */
  public static Streams build(
      StreamExecutionEnvironment env,
      ServingPlan plan,
      ServeSettings s,
      UnaryOperator<DataStream<String>> hook) {
    if (s.parallelism() > 0) {
      env.setParallelism(s.parallelism());
    }
    return attach(input(env, s), plan, s, hook);
  }
}
