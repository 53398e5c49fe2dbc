package dev.lakeops.flink.monitoring;

import dev.lakeops.common.events.Rejection;
import dev.lakeops.common.monitoring.Statistic;
import dev.lakeops.common.monitoring.WindowStatistic;
import dev.lakeops.common.monitoring.trigger.MarkedStatistic;
import dev.lakeops.common.monitoring.trigger.Trigger;
import dev.lakeops.flink.delta.DeltaSink;
import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.io.DeadLetter;
import dev.lakeops.flink.io.PerEventBound;
import dev.lakeops.flink.io.RawRecord;
import dev.lakeops.flink.io.StreamSources;
import dev.lakeops.flink.monitoring.triggers.StatisticRows;
import dev.lakeops.flink.monitoring.triggers.TriggerStage;
import dev.lakeops.flink.serving.Prediction;
import dev.lakeops.flink.serving.ServeJob;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The monitoring job ({@code mlops monitor}): the serving job's predictions (its Delta prediction
 * log followed as it grows, or its output topic) and the delayed labels (CSV files in a directory
 * followed as it grows, or a Kafka topic of JSON objects) →
 *
 * <ol>
 *   <li>event time: the predictions' event time, with a watermark at most {@link
 *       MonitorSettings#maxOutOfOrderness()} behind the latest prediction (emitted after every
 *       prediction that raises it, as the online-store job does); labels do not move it;
 *   <li>the label join ({@link LabelJoin}, keyed by event id, TTL in event time) → outcomes:
 *       labelled, expired, unmatched;
 *   <li>performance windows ({@link PerformanceWindows}) per model version → live accuracy, emitted
 *       one TTL after the window ends;
 *   <li>drift windows ({@link DriftStage}) over the predictions alone, per model version;
 *   <li>both as {@code DataStream<WindowStatistic>} → {@link #rules} (the rule stage's place) →
 *       Flink gauges ({@link StatisticGauges}) and the {@code drift_<model>} and {@code
 *       performance_<model>} Delta tables (exactly once, {@link DeltaSink}).
 * </ol>
 *
 * Malformed label lines, prediction records that cannot be read, and late predictions (at or behind
 * the watermark when they come: {@link LateFilter}) go to the dead letter, JSON lines under {@link
 * MonitorSettings#deadLetterDir()}, with the reason.
 */
public final class MonitorJob {
  private MonitorJob() {}

  /**
   * The job's streams.
   *
   * @param statistics every window statistic before the rule stage (performance and drift)
   * @param rows the table rows after the rule stage
   * @param deadLetters rejected label and prediction records, late predictions
   * @param inputs the predictions and labels read (decoded), before the late filter
   * @param outcomes what became of each prediction and label in the label join
   * @param triggers the triggers the rule stage raised, or null when the model has no rules
   */
  public record Streams(
      DataStream<WindowStatistic> performance,
      DataStream<WindowStatistic> drift,
      DataStream<WindowStatistic> statistics,
      DataStream<MarkedStatistic> rows,
      DataStream<Rejection> deadLetters,
      DataStream<MonitorInput> inputs,
      DataStream<Outcome> outcomes,
      DataStream<Trigger> triggers) {}

  /**
   * Checkpointing (exactly-once; the tables commit on checkpoints) and a restart strategy; a job
   * that runs until cancelled retains its latest checkpoint under {@link
   * MonitorSettings#checkpointDir()}.
   */
  public static Configuration flinkConfig(MonitorSettings s) {
    return ServeJob.flinkConfig(s.checkpointInterval(), s.once(), s.checkpointDir());
  }

  /** Builds the whole job on {@code env}: sources, statistics, tables, gauges, dead letter. */
  public static Streams build(StreamExecutionEnvironment env, MonitorSettings s) {
    if (s.parallelism() > 0) {
      env.setParallelism(s.parallelism());
    }
    Duration poll = s.once() ? null : s.pollInterval();
    SingleOutputStreamOperator<Prediction> predictions;
    if (s.predictionTopic() != null) {
      predictions =
          env.fromSource(
                  StreamSources.kafka(
                      s.kafkaBootstrap(),
                      s.predictionTopic(),
                      "lakeops-monitor-" + s.model(),
                      s.once()),
                  WatermarkStrategy.noWatermarks(),
                  "predictions-" + s.predictionTopic())
              .uid("monitor-prediction-topic")
              .process(new PredictionDecoder())
              .name("decode-predictions")
              .uid("monitor-decode-predictions");
    } else {
      predictions =
          env.fromSource(
                  PredictionLogSource.of(s.predictionLog(), poll),
                  WatermarkStrategy.noWatermarks(),
                  "prediction-log")
              .uid("monitor-prediction-log")
              .process(new PassThrough())
              .name("predictions")
              .uid("monitor-predictions");
    }
    DataStream<RawRecord> rawLabels =
        s.labelTopic() != null
            ? env.fromSource(
                    StreamSources.kafka(
                        s.kafkaBootstrap(),
                        s.labelTopic(),
                        "lakeops-monitor-labels-" + s.model(),
                        s.once()),
                    WatermarkStrategy.noWatermarks(),
                    "labels-" + s.labelTopic())
                .uid("monitor-label-topic")
            : env.fromSource(
                    StreamSources.files(s.labelDir(), poll),
                    WatermarkStrategy.noWatermarks(),
                    "labels")
                .uid("monitor-label-files");
    SingleOutputStreamOperator<Label> labels =
        rawLabels
            .process(new Parsers.LabelDecoder(s.eventIdColumn(), s.labelColumn()))
            .name("decode-labels")
            .uid("monitor-decode-labels");
    DataStream<MonitorInput> inputs =
        predictions
            .map(MonitorInput::of, TypeInformation.of(MonitorInput.class))
            .name("prediction-input")
            .uid("monitor-prediction-input")
            .union(
                labels
                    .map(MonitorInput::of, TypeInformation.of(MonitorInput.class))
                    .name("label-input")
                    .uid("monitor-label-input"));
    DataStream<Rejection> rejected =
        labels.getSideOutput(Parsers.REJECTED).union(predictions.getSideOutput(Parsers.REJECTED));
    return attach(inputs, rejected, s);
  }

  /**
   * Adds the statistics and the outputs to an input stream (tests feed one ordered stream here).
   *
   * @param inputs predictions and labels, without timestamps or watermarks
   * @param rejected records the decoders rejected, for the dead letter
   */
  public static Streams attach(
      DataStream<MonitorInput> inputs, DataStream<Rejection> rejected, MonitorSettings s) {
    long bound = s.maxOutOfOrderness().toMillis();
    DataStream<MonitorInput> timed =
        inputs
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<MonitorInput>forGenerator(
                        ctx -> new PerEventBound<>(bound, in -> in.prediction() != null))
                    .withTimestampAssigner(
                        (in, ts) ->
                            in.prediction() != null
                                ? in.prediction().eventTimeMillis()
                                : Long.MIN_VALUE)
                    .withIdleness(Duration.ofSeconds(30)))
            .name("event-time")
            .uid("monitor-event-time")
            // One generator sees every prediction: with several, one that received only labels
            // (which carry no event time) would hold the job's watermark back for good.
            .setParallelism(1);

    SingleOutputStreamOperator<MonitorInput> onTime =
        timed.process(new LateFilter()).name("late-filter").uid("monitor-late-filter");
    DataStream<Rejection> late = onTime.getSideOutput(LateFilter.LATE);

    long ttl = s.labelTtl().toMillis();
    DataStream<Outcome> outcomes =
        onTime
            .keyBy(MonitorInput::eventId, Types.STRING)
            .process(new LabelJoin(s.model(), ttl), TypeInformation.of(Outcome.class))
            .name("label-join-" + s.model())
            .uid("monitor-label-join");
    var keyedOutcomes = outcomes.keyBy(Outcome::model, Types.STRING);
    DataStream<WindowStatistic> performance =
        s.computeStatistics()
            ? keyedOutcomes
                .process(
                    new PerformanceWindows(Windows.of(s.windowSize(), s.windowSlide()), ttl),
                    TypeInformation.of(WindowStatistic.class))
                .name("performance-windows-" + s.model())
                .uid("monitor-performance-windows")
            : keyedOutcomes
                .process(new CountOutcomes(), TypeInformation.of(WindowStatistic.class))
                .name("outcome-count-" + s.model())
                .uid("monitor-outcome-count");

    DataStream<Prediction> predictions =
        onTime
            .filter(in -> in.prediction() != null)
            .name("predictions-only")
            .uid("monitor-predictions-only")
            .map(MonitorInput::prediction, TypeInformation.of(Prediction.class))
            .name("prediction")
            .uid("monitor-prediction");
    SingleOutputStreamOperator<WindowStatistic> drift = DriftStage.attach(predictions, s);

    DataStream<WindowStatistic> statistics = performance.union(drift);
    TriggerStage.Attached ruled = rules(statistics, s);
    DataStream<MarkedStatistic> rows =
        ruled
            .marked()
            .map(new StatisticGauges(), TypeInformation.of(MarkedStatistic.class))
            .name("gauges")
            .uid("monitor-gauges");

    var tables = new KernelTables();
    String driftPath = s.warehouse().drift(s.model()).path();
    String performancePath = s.warehouse().performance(s.model()).path();
    tables.createIfMissing(driftPath, new StatisticRows().schema());
    tables.createIfMissing(performancePath, new StatisticRows().schema());
    rows.filter(r -> r.statistic().statistic().kind() == Statistic.Kind.DRIFT)
        .name("drift-rows")
        .uid("monitor-drift-rows")
        .sinkTo(new DeltaSink<>(driftPath, "monitor-drift-" + s.model(), new StatisticRows()))
        .name("drift-table")
        .uid("monitor-drift-table");
    rows.filter(r -> r.statistic().statistic().kind() == Statistic.Kind.PERFORMANCE)
        .name("performance-rows")
        .uid("monitor-performance-rows")
        .sinkTo(
            new DeltaSink<>(
                performancePath, "monitor-performance-" + s.model(), new StatisticRows()))
        .name("performance-table")
        .uid("monitor-performance-table");

    DataStream<Rejection> dead = rejected.union(late);
    String job = "monitor_" + s.model();
    dead.map(r -> DeadLetter.toJson(job, r), Types.STRING)
        .name("dead-letter-json")
        .uid("monitor-dead-letter-json")
        .sinkTo(DeadLetter.files(s.deadLetterDir()))
        .name("dead-letter")
        .uid("monitor-dead-letter");
    return new Streams(
        performance, drift, statistics, rows, dead, inputs, outcomes, ruled.triggers());
  }

  /**
   * The rule stage ({@link TriggerStage.Attached#triggers()} null without rules): every window
   * statistic of the job (drift and performance) comes in, marked rows go out. With rules for the
   * model in {@code monitoring.yaml}, {@link TriggerStage} marks each statistic (threshold,
   * breached, rule) and writes the triggers it raises to {@code <db>.lakeops_triggers}; without,
   * every statistic goes out unmarked (threshold and rule null, breached false).
   */
  public static TriggerStage.Attached rules(
      DataStream<WindowStatistic> statistics, MonitorSettings s) {
    if (s.monitoring().model(s.model()).isPresent()) {
      return TriggerStage.attach(statistics, s.monitoring(), s.warehouse(), "monitor-" + s.model());
    }
    return new TriggerStage.Attached(
        statistics
            .map(
                w -> new MarkedStatistic(w, null, false, null),
                TypeInformation.of(MarkedStatistic.class))
            .name("rules-" + s.model())
            .uid("monitor-rules"),
        null);
  }

  /**
   * Predictions at or behind the watermark when they come are late (the rule of the other jobs):
   * they go to {@link #LATE} with rule {@code late} and take part in no statistic; labels pass.
   */
  static final class LateFilter extends ProcessFunction<MonitorInput, MonitorInput> {
    private static final long serialVersionUID = 1L;

    static final OutputTag<Rejection> LATE =
        new OutputTag<>("late-predictions", TypeInformation.of(Rejection.class)) {};

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LateFilter.class);

    /** Late predictions this subtask has seen (since it started; for the warning). */
    private transient long lates;

    @Override
    public void processElement(MonitorInput in, Context ctx, Collector<MonitorInput> out) {
      Prediction p = in.prediction();
      long wm = ctx.timerService().currentWatermark();
      if (p == null || p.eventTimeMillis() > wm) {
        out.collect(in);
        return;
      }
      lates++;
      if (lates == 1 || lates % 1000 == 0) {
        // Late predictions are left out of every statistic, and a window that misses many of
        // them misreads accuracy and its no-change baseline: say so where the user looks.
        LOG.warn(
            "{} prediction(s) dead-lettered as late so far (the latest: {} behind the watermark"
                + " {}). The watermark bound must cover the event time that one checkpoint of the"
                + " prediction log spans: with several serving writers, or a backfill replayed"
                + " faster than real time, raise --max-out-of-orderness.",
            lates,
            java.time.Duration.ofMillis(wm - p.eventTimeMillis()),
            java.time.Instant.ofEpochMilli(wm));
      }
      ctx.output(
          LATE,
          new Rejection(
              "predictions",
              "late",
              "event time "
                  + java.time.Instant.ofEpochMilli(p.eventTimeMillis())
                  + " is at or behind the watermark "
                  + java.time.Instant.ofEpochMilli(wm)
                  + " (more than the max out-of-orderness behind the latest prediction)",
              p.eventId(),
              "prediction " + p.eventId() + " of version " + p.version()));
    }
  }

  /**
   * With {@link MonitorSettings#computeStatistics()} off (the benchmark's baseline): counts each
   * model's outcomes in keyed state instead of the performance windows, and emits nothing.
   */
  static final class CountOutcomes extends KeyedProcessFunction<String, Outcome, WindowStatistic> {
    private static final long serialVersionUID = 1L;
    private transient ValueState<Long> count;

    @Override
    public void open(OpenContext ctx) {
      count = getRuntimeContext().getState(new ValueStateDescriptor<>("outcomes", Types.LONG));
    }

    @Override
    public void processElement(Outcome o, Context ctx, Collector<WindowStatistic> out)
        throws Exception {
      Long n = count.value();
      count.update(n == null ? 1L : n + 1);
    }
  }

  /** The output topic's JSON into predictions; unreadable records to the dead letter. */
  static final class PredictionDecoder extends ProcessFunction<RawRecord, Prediction> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(RawRecord r, Context ctx, Collector<Prediction> out) {
      try {
        out.collect(Parsers.prediction(r.text()));
      } catch (RuntimeException e) {
        ctx.output(
            Parsers.REJECTED,
            new Rejection("predictions", "malformed", e.getMessage(), r.text(), r.origin()));
      }
    }
  }

  /** The prediction log's rows need no decoding (kept as an operator so both inputs look alike). */
  static final class PassThrough extends ProcessFunction<Prediction, Prediction> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(Prediction p, Context ctx, Collector<Prediction> out) {
      out.collect(p);
    }
  }
}
