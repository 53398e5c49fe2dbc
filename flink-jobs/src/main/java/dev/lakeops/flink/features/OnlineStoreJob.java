package dev.lakeops.flink.features;

import dev.lakeops.common.config.SourceFormat;
import dev.lakeops.common.events.Rejection;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.flink.io.DeadLetter;
import dev.lakeops.flink.io.PerEventBound;
import dev.lakeops.flink.io.RawRecord;
import dev.lakeops.flink.io.StreamSources;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The online-store job: the feature views of one source, computed on a stream with the offline
 * pipeline's definitions and semantics, written to the online store.
 *
 * <pre>
 * files (monitored directory, or the files present with --once) | Kafka topic
 *   → decode + validate (rejections → dead letter, with rule and reason; the job keeps going)
 *   → event time, bounded-out-of-orderness watermarks (events behind the watermark → dead letter, "late")
 *   → keyBy entity key → per-entity state (events within the longest window), a timer per event time
 *   → one row per view and event time → online store (per-subtask store, batches, flush on checkpoint)
 *                                      → feature log (optional, JSON lines)
 * </pre>
 *
 * <p><b>Row-index event time</b> (Elec2: {@code event_time: {row_index: ...}}): a file record's
 * time is {@code start + index * step}, its index counted among its file's data lines, which equals
 * the offline pipeline's when the input is one file (or the files are read one after another with
 * the offsets of the earlier ones, which a stream cannot know). A stream of such a source should
 * therefore stamp each event with an explicit {@code event_time} (JSON, ISO-8601 or epoch ms) equal
 * to the time the offline pipeline derives; Kafka records of a row-index source must carry it and
 * are rejected ({@code event_time}) without it.
 *
 * <p><b>Freshness and order</b>: a row at time {@code t} is emitted once the watermark passes
 * {@code t}, i.e. once an event later than {@code t + out-of-orderness} arrived (or the input
 * ended), so the store trails the stream by the bound. A monitored directory's files are read one
 * after another in the order they are found; files found in one scan come in no particular order,
 * so the bound must cover the time span of files dropped together. With {@code --once} the whole
 * input is read before rows are due (the command's default bound is then unlimited).
 *
 * <p><b>Not done on the stream</b>: the offline {@code duplicate_key} rule ({@code unique_key}
 * needs all earlier events).
 *
 * <p><b>Delivery</b>: checkpoints are exactly-once; the file sinks (dead letter, feature log)
 * commit on checkpoints; the store is written at least once per checkpoint and its idempotent
 * writes make replays harmless. Keyed state is kept on the heap ({@code state.backend.type:
 * hashmap}); restart strategy and checkpoint storage come from the Flink configuration ({@link
 * Options#flinkConf}).
 */
public final class OnlineStoreJob {
  private OnlineStoreJob() {}

  /** Where the events come from. */
  public sealed interface Input {}

  /**
   * Files under a directory (or one file).
   *
   * @param monitor how often to look for new files; null reads the files present and finishes
   * @param format how records are written: null for the source's format, or JSONL
   */
  public record Files(String path, Duration monitor, SourceFormat format) implements Input {
    public Files(String path, Duration monitor) {
      this(path, monitor, null);
    }
  }

  /**
   * A Kafka topic.
   *
   * @param bounded stop at the offsets that are latest at start (demos, tests)
   * @param format how records are written: JSONL, or null for the source's format
   */
  public record Kafka(
      String bootstrap, String topic, String groupId, boolean bounded, SourceFormat format)
      implements Input {}

  /** Where rejected records go: JSON-lines files under a directory, or a Kafka topic. */
  public sealed interface DeadLetterTarget {}

  public record DeadLetterFiles(String dir) implements DeadLetterTarget {}

  public record DeadLetterKafka(String bootstrap, String topic) implements DeadLetterTarget {}

  /**
   * Everything the job needs.
   *
   * @param projectDir the project directory (its files are shipped with the job's tasks)
   * @param outOfOrderness how far behind the latest event time an event may come and still count
   * @param checkpointInterval how often state is checkpointed and the sinks commit
   * @param featureLogDir where to log every computed row (JSON lines), or null
   * @param flinkConf further Flink settings (restart strategy, checkpoint storage, ...)
   * @param eventTap applied to the decoded event stream (tests inject failures here), or null
   */
  public record Options(
      String jobName,
      String projectDir,
      String source,
      Input input,
      DeadLetterTarget deadLetter,
      StoreOpener store,
      Duration outOfOrderness,
      Duration checkpointInterval,
      int parallelism,
      int storeBatchSize,
      String featureLogDir,
      Map<String, String> flinkConf,
      UnaryOperator<DataStream<SourceEvent>> eventTap) {

    /** The same options with another event tap. */
    public Options withEventTap(UnaryOperator<DataStream<SourceEvent>> tap) {
      return new Options(
          jobName,
          projectDir,
          source,
          input,
          deadLetter,
          store,
          outOfOrderness,
          checkpointInterval,
          parallelism,
          storeBatchSize,
          featureLogDir,
          flinkConf,
          tap);
    }

    /** The same options with another input. */
    public Options withInput(Input in) {
      return new Options(
          jobName,
          projectDir,
          source,
          in,
          deadLetter,
          store,
          outOfOrderness,
          checkpointInterval,
          parallelism,
          storeBatchSize,
          featureLogDir,
          flinkConf,
          eventTap);
    }
  }

  /** The Flink settings the job runs with: defaults, then {@code options.flinkConf()}. */
  public static Configuration configuration(Options o) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("execution.checkpointing.interval", o.checkpointInterval().toMillis() + " ms");
    c.put("execution.checkpointing.mode", "EXACTLY_ONCE");
    c.put("state.backend.type", "hashmap");
    c.put("restart-strategy.type", "fixed-delay");
    c.put("restart-strategy.fixed-delay.attempts", "3");
    c.put("restart-strategy.fixed-delay.delay", "1 s");
    c.put("pipeline.name", o.jobName());
    c.putAll(o.flinkConf());
    return Configuration.fromMap(c);
  }

  /** Adds the job to {@code env}; returns the feature rows (before the sinks) for inspection. */
  public static DataStream<ViewRow> build(StreamExecutionEnvironment env, Options o) {
    env.setParallelism(o.parallelism());
    ProjectFiles project = ProjectFiles.of(o.projectDir());
    DataStream<RawRecord> raw;
    SourceFormat format = null;
    if (o.input() instanceof Files f) {
      format = f.format();
      raw =
          env.fromSource(
                  StreamSources.files(f.path(), f.monitor()),
                  WatermarkStrategy.noWatermarks(),
                  "files")
              .uid("files");
    } else {
      Kafka k = (Kafka) o.input();
      format = k.format();
      raw =
          env.fromSource(
                  StreamSources.kafka(k.bootstrap(), k.topic(), k.groupId(), k.bounded()),
                  WatermarkStrategy.noWatermarks(),
                  "kafka")
              .uid("kafka");
    }

    SingleOutputStreamOperator<SourceEvent> decoded =
        raw.process(new DecodeFunction(project, o.source(), format)).name("decode").uid("decode");
    DataStream<Rejection> rejected = decoded.getSideOutput(DecodeFunction.REJECTED);

    DataStream<SourceEvent> events = decoded;
    if (o.eventTap() != null) {
      events = o.eventTap().apply(events);
    }
    long boundMs = o.outOfOrderness().toMillis();
    DataStream<SourceEvent> timed =
        events
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<SourceEvent>forGenerator(ctx -> new PerEventBound<>(boundMs))
                    .withTimestampAssigner((e, ts) -> Math.floorDiv(e.eventTimeMicros(), 1000L))
                    .withIdleness(Duration.ofSeconds(30)))
            .name("event time")
            .uid("event-time");

    SingleOutputStreamOperator<ViewRow> rows =
        timed
            .keyBy(SourceEvent::entityKey, Types.STRING)
            .process(new FeatureFunction(project, o.source()))
            .name("features")
            .uid("features");
    DataStream<Rejection> late = rows.getSideOutput(FeatureFunction.LATE);

    rows.sinkTo(new OnlineStoreSink(o.store(), o.storeBatchSize()))
        .name("online store")
        .uid("online-store");
    if (o.featureLogDir() != null) {
      rows.map(FeatureLog::toJson)
          .name("feature log json")
          .uid("feature-log-json")
          .sinkTo(DeadLetter.jsonLines(o.featureLogDir(), "features"))
          .name("feature log")
          .uid("feature-log");
    }

    String job = o.jobName();
    DataStream<String> dead =
        rejected
            .union(late)
            .map(r -> DeadLetter.toJson(job, r))
            .name("dead letter json")
            .uid("dl-json");
    if (o.deadLetter() instanceof DeadLetterKafka k) {
      dead.sinkTo(DeadLetter.kafka(k.bootstrap(), k.topic(), job + "-dead-letter"))
          .name("dead letter")
          .uid("dead-letter");
    } else {
      dead.sinkTo(DeadLetter.files(((DeadLetterFiles) o.deadLetter()).dir()))
          .name("dead letter")
          .uid("dead-letter");
    }
    return rows;
  }

  /** Builds and runs the job on the context environment (a MiniCluster when run locally). */
  public static JobExecutionResult run(Options o) throws Exception {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(configuration(o));
    build(env, o);
    return env.execute(o.jobName());
  }
}
