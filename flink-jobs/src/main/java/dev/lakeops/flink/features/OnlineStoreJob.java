package dev.lakeops.flink.features;

import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.config.SourceFormat;
import dev.lakeops.common.events.Rejection;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.flink.io.DeadLetter;
import dev.lakeops.flink.io.OptionChecks;
import dev.lakeops.flink.io.PerEventBound;
import dev.lakeops.flink.io.RawRecord;
import dev.lakeops.flink.io.SourceEventSerializer;
import dev.lakeops.flink.io.StreamSources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
   * Everything the job needs, built and checked by {@link #builder()}. The loaded configuration
   * (the source and its feature views) is shipped to the tasks as it is: no task reads the project
   * directory or parses YAML.
   */
  /**
   * How long a computed row waits at most in the store sink's batch by default: features reach the
   * store within this of their row being computed, whatever the checkpoint interval.
   */
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(200);

  public static final class Options {
    private static final String NAME = "OnlineStoreJob.Options";

    private final String jobName;
    private final SourceConfig source;
    private final List<FeatureViewConfig> views;
    private final Input input;
    private final DeadLetterTarget deadLetter;
    private final StoreOpener store;
    private final Duration outOfOrderness;
    private final Duration checkpointInterval;
    private final int parallelism;
    private final int storeBatchSize;
    private final Duration storeFlushInterval;
    private final String featureLogDir;
    private final Map<String, String> flinkConf;
    private final UnaryOperator<DataStream<SourceEvent>> eventTap;

    private Options(Builder b, SourceConfig source, List<FeatureViewConfig> views) {
      this.jobName = b.jobName;
      this.source = source;
      this.views = views;
      this.input = b.input;
      this.deadLetter = b.deadLetter;
      this.store = b.store;
      this.outOfOrderness = b.outOfOrderness;
      this.checkpointInterval = b.checkpointInterval;
      this.parallelism = b.parallelism;
      this.storeBatchSize = b.storeBatchSize;
      this.storeFlushInterval = b.storeFlushInterval;
      this.featureLogDir = b.featureLogDir;
      this.flinkConf = Map.copyOf(b.flinkConf);
      this.eventTap = b.eventTap;
    }

    /** A builder with the defaults (parallelism 1, store batches of 1000, no feature log). */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder holding these options (to change some of them). */
    public Builder toBuilder() {
      Builder b = new Builder();
      b.jobName = jobName;
      b.sourceConfig = source;
      b.views = views;
      b.input = input;
      b.deadLetter = deadLetter;
      b.store = store;
      b.outOfOrderness = outOfOrderness;
      b.checkpointInterval = checkpointInterval;
      b.parallelism = parallelism;
      b.storeBatchSize = storeBatchSize;
      b.storeFlushInterval = storeFlushInterval;
      b.featureLogDir = featureLogDir;
      b.flinkConf.putAll(flinkConf);
      b.eventTap = eventTap;
      return b;
    }

    /** The Flink job's name (also the dead letter's job field). */
    public String jobName() {
      return jobName;
    }

    /** The source's name. */
    public String source() {
      return source.name();
    }

    /** The source as loaded (schema, validation rules, event time), shipped to the tasks. */
    public SourceConfig sourceConfig() {
      return source;
    }

    /** The source's feature views as loaded, in the project's order, shipped to the tasks. */
    public List<FeatureViewConfig> views() {
      return views;
    }

    /** Where the events come from. */
    public Input input() {
      return input;
    }

    /** Where rejected and late records go. */
    public DeadLetterTarget deadLetter() {
      return deadLetter;
    }

    /** Opens the online store (once per sink subtask). */
    public StoreOpener store() {
      return store;
    }

    /** How far behind the latest event time an event may come and still count. */
    public Duration outOfOrderness() {
      return outOfOrderness;
    }

    /** How often state is checkpointed and the sinks commit. */
    public Duration checkpointInterval() {
      return checkpointInterval;
    }

    /** The job's parallelism (at least 1). */
    public int parallelism() {
      return parallelism;
    }

    /** How many rows the store sink writes per batch (at least 1). */
    public int storeBatchSize() {
      return storeBatchSize;
    }

    /**
     * The longest a row waits in the store sink's batch before it is written (zero: only full
     * batches and checkpoints write).
     */
    public Duration storeFlushInterval() {
      return storeFlushInterval;
    }

    /** Where every computed row is logged (JSON lines), or null for no log. */
    public String featureLogDir() {
      return featureLogDir;
    }

    /**
     * Further Flink settings over the job's defaults (restart strategy, checkpoint storage, ...).
     */
    public Map<String, String> flinkConf() {
      return flinkConf;
    }

    /** Applied to the decoded event stream (tests inject failures here), or null. */
    public UnaryOperator<DataStream<SourceEvent>> eventTap() {
      return eventTap;
    }

    /** The same options with another event tap. */
    public Options withEventTap(UnaryOperator<DataStream<SourceEvent>> tap) {
      return toBuilder().eventTap(tap).build();
    }

    /**
     * Builds {@link Options}. Required: {@link #jobName}, the source ({@link #project} with {@link
     * #source}, or {@link #source(SourceConfig, List)}), {@link #input}, {@link #deadLetter},
     * {@link #store}, {@link #outOfOrderness} and {@link #checkpointInterval}. {@link #build()}
     * checks them and the ranges, and names the option that is wrong.
     */
    public static final class Builder {
      private String jobName;
      private ProjectConfig project;
      private String sourceName;
      private SourceConfig sourceConfig;
      private List<FeatureViewConfig> views;
      private Input input;
      private DeadLetterTarget deadLetter;
      private StoreOpener store;
      private Duration outOfOrderness;
      private Duration checkpointInterval;
      private int parallelism = 1;
      private int storeBatchSize = 1000;
      private Duration storeFlushInterval = DEFAULT_FLUSH_INTERVAL;
      private String featureLogDir;
      private final Map<String, String> flinkConf = new LinkedHashMap<>();
      private UnaryOperator<DataStream<SourceEvent>> eventTap;
      private String origin = NAME;

      private Builder() {}

      /** The Flink job's name (required), e.g. {@code online_store_<source>}. */
      public Builder jobName(String name) {
        this.jobName = name;
        return this;
      }

      /** The loaded project (required with {@link #source(String)}). */
      public Builder project(ProjectConfig project) {
        this.project = project;
        return this;
      }

      /**
       * The project's source whose feature views the job computes (required; it must have views).
       */
      public Builder source(String name) {
        this.sourceName = name;
        this.sourceConfig = null;
        this.views = null;
        return this;
      }

      /** The source and its views as loaded (instead of {@link #project} and a source name). */
      public Builder source(SourceConfig source, List<FeatureViewConfig> views) {
        this.sourceConfig = source;
        this.views = views == null ? null : List.copyOf(views);
        this.sourceName = null;
        return this;
      }

      /** Where the events come from (required): {@link Files} or {@link Kafka}. */
      public Builder input(Input input) {
        this.input = input;
        return this;
      }

      /** Where rejected and late records go (required). */
      public Builder deadLetter(DeadLetterTarget target) {
        this.deadLetter = target;
        return this;
      }

      /** Opens the online store, once per sink subtask (required; serializable). */
      public Builder store(StoreOpener store) {
        this.store = store;
        return this;
      }

      /**
       * How far behind the latest event time an event may come and still count (required; zero or
       * more): rows at time {@code t} are emitted once an event later than {@code t + bound}
       * arrived.
       */
      public Builder outOfOrderness(Duration bound) {
        this.outOfOrderness = bound;
        return this;
      }

      /** How often state is checkpointed and the sinks commit (required; at least 10 ms). */
      public Builder checkpointInterval(Duration interval) {
        this.checkpointInterval = interval;
        return this;
      }

      /** The job's parallelism (default 1; at least 1). */
      public Builder parallelism(int parallelism) {
        this.parallelism = parallelism;
        return this;
      }

      /** How many rows the store sink writes per batch (default 1000; at least 1). */
      public Builder storeBatchSize(int rows) {
        this.storeBatchSize = rows;
        return this;
      }

      /**
       * The longest a row waits in the store sink's batch before it is written (default {@link
       * OnlineStoreJob#DEFAULT_FLUSH_INTERVAL}; zero: only full batches and checkpoints write; not
       * negative).
       */
      public Builder storeFlushInterval(Duration interval) {
        this.storeFlushInterval = interval;
        return this;
      }

      /** Where to log every computed row as JSON lines; null (default) for no log. */
      public Builder featureLogDir(String dir) {
        this.featureLogDir = dir;
        return this;
      }

      /**
       * Further Flink settings, over the job's defaults and those set before (null values fail).
       */
      public Builder flinkConf(Map<String, String> conf) {
        this.flinkConf.putAll(conf);
        return this;
      }

      /**
       * Applied to the decoded event stream (tests inject failures here); null (default) for none.
       */
      public Builder eventTap(UnaryOperator<DataStream<SourceEvent>> tap) {
        this.eventTap = tap;
        return this;
      }

      /** Where the options come from, named in each problem (default the type's name). */
      public Builder origin(String source) {
        this.origin = source;
        return this;
      }

      /**
       * The checked options.
       *
       * @throws dev.lakeops.common.error.ConfigException listing every problem, each naming the
       *     option: a required one missing, a source the project does not have or that has no
       *     feature views, a duration or number out of range
       */
      public Options build() {
        OptionChecks c = new OptionChecks(origin);
        c.required("jobName", jobName, "the Flink job's name");
        SourceConfig src = sourceConfig;
        List<FeatureViewConfig> vs = views;
        if (src == null
            && c.required("project", project, "the loaded project")
            && c.required("source", sourceName, "the source whose feature views are computed")) {
          src = project.sources().get(sourceName);
          if (src == null) {
            c.problem(
                "source",
                "'"
                    + sourceName
                    + "' is not a source of the project; it has "
                    + project.sources().keySet()
                    + ".",
                "name one of them (--source).");
          } else {
            vs = project.viewsOf(sourceName);
          }
        }
        if (src != null && c.required("views", vs, "the source's feature views") && vs.isEmpty()) {
          c.problem(
              "source",
              "'" + src.name() + "' has no feature views: there is nothing to compute.",
              "name a source that feature views read (--source), or add a view of it.");
        }
        c.required("input", input, "the events: Files or Kafka");
        c.required("deadLetter", deadLetter, "where rejected records go");
        c.required("store", store, "the online store");
        c.atLeast("outOfOrderness", outOfOrderness, Duration.ZERO, "zero or more");
        c.atLeast(
            "checkpointInterval",
            checkpointInterval,
            OptionChecks.MIN_CHECKPOINT_INTERVAL,
            "Flink's minimum");
        c.atLeast("parallelism", parallelism, 1, "one subtask or more");
        c.atLeast("storeBatchSize", storeBatchSize, 1, "rows per store write");
        c.atLeast("storeFlushInterval", storeFlushInterval, Duration.ZERO, "zero or more");
        c.throwIfAny();
        return new Options(this, src, List.copyOf(vs));
      }
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

  /**
   * Adds the job to {@code env}; returns the feature rows (before the sinks) for inspection. The
   * rows carry their values only when the options have a feature log ({@link
   * Options#featureLogDir()}); else each row's values are an empty map (the store reads the
   * history).
   */
  public static DataStream<ViewRow> build(StreamExecutionEnvironment env, Options o) {
    env.setParallelism(o.parallelism());
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
        raw.process(new DecodeFunction(o.sourceConfig(), format), SourceEventSerializer.TYPE)
            .name("decode")
            .uid("decode");
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

    // Views are keyed by their own entity: a source whose rows carry several entities' keys (a
    // rating: user and item) feeds each entity's views from its own keyed stream.
    SourceConfig source = o.sourceConfig();
    Map<String, List<FeatureViewConfig>> byEntity = new LinkedHashMap<>();
    o.views().forEach(v -> byEntity.computeIfAbsent(v.entity(), e -> new ArrayList<>()).add(v));
    DataStream<ViewRow> rows = null;
    DataStream<Rejection> late = null;
    for (Map.Entry<String, List<FeatureViewConfig>> g : byEntity.entrySet()) {
      int k = source.keyIndex(g.getKey());
      boolean own = k == 0;
      DataStream<SourceEvent> keyed =
          own
              ? timed
              : timed
                  .map(e -> e.forEntity(k), SourceEventSerializer.TYPE)
                  .name("key " + g.getKey())
                  .uid("key-" + g.getKey());
      SingleOutputStreamOperator<ViewRow> computed =
          keyed
              .keyBy(SourceEvent::entityKey, Types.STRING)
              // Only the feature log reads the rows' values; the store needs only the history.
              .process(
                  new FeatureFunction(source, g.getValue(), o.featureLogDir() != null),
                  ViewRowSerializer.TYPE)
              .name(own ? "features" : "features " + g.getKey())
              .uid(own ? "features" : "features-" + g.getKey());
      rows = rows == null ? computed : rows.union(computed);
      DataStream<Rejection> l = computed.getSideOutput(FeatureFunction.LATE);
      late = late == null ? l : late.union(l);
    }

    rows.sinkTo(
            new OnlineStoreSink(o.store(), o.storeBatchSize(), o.storeFlushInterval().toMillis()))
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
