package dev.lakeops.flink.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.events.Rejection;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.flink.io.RawRecord;
import dev.lakeops.flink.testing.SparkRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.util.Collector;
import org.apache.flink.util.InstantiationUtil;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OnlineStoreJob.Options}' builder: required options and ranges are checked at build time
 * and named in the error; and the tasks receive the loaded source and views as they are, so a task
 * decodes without the project's files.
 */
class OnlineStoreJobOptionsTest {
  static final ProjectConfig CDNOW =
      ProjectLoader.load(SparkRuns.repo().resolve("conf/examples/cdnow"));

  static OnlineStoreJob.Options.Builder complete() {
    return OnlineStoreJob.Options.builder()
        .jobName("job")
        .project(CDNOW)
        .source("purchases")
        .input(new OnlineStoreJob.Files("/in", null))
        .deadLetter(new OnlineStoreJob.DeadLetterFiles("/dead"))
        .store(() -> null)
        .outOfOrderness(Duration.ZERO)
        .checkpointInterval(Duration.ofSeconds(1));
  }

  @Test
  void aCompleteBuilderHasTheSourceItsViewsAndTheDefaults() {
    OnlineStoreJob.Options o = complete().build();
    assertThat(o.source()).isEqualTo("purchases");
    assertThat(o.sourceConfig().name()).isEqualTo("purchases");
    // feature_views.yaml of cdnow, in its order
    assertThat(o.views())
        .extracting(FeatureViewConfig::name)
        .containsExactly("customer_purchases", "customer_spend");
    assertThat(o.parallelism()).isEqualTo(1);
    assertThat(o.storeBatchSize()).isEqualTo(1000);
    assertThat(o.storeFlushInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(o.toBuilder().build().storeFlushInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(o.featureLogDir()).isNull();
    assertThat(o.flinkConf()).isEmpty();

    OnlineStoreJob.Options two = o.toBuilder().parallelism(2).flinkConf(Map.of("a", "b")).build();
    assertThat(two.parallelism()).isEqualTo(2);
    assertThat(two.flinkConf()).containsExactly(Map.entry("a", "b"));
    assertThat(two.jobName()).isEqualTo("job");
    assertThat(two.views()).isEqualTo(o.views());
    assertThat(o.parallelism()).as("the original is unchanged").isEqualTo(1);
  }

  @Test
  void everyMissingRequiredOptionIsNamed() {
    Map<String, UnaryOperator<OnlineStoreJob.Options.Builder>> unset =
        Map.of(
            "jobName", b -> b.jobName(null),
            "project", b -> b.project(null),
            "source", b -> b.source((String) null),
            "input", b -> b.input(null),
            "deadLetter", b -> b.deadLetter(null),
            "store", b -> b.store(null),
            "outOfOrderness", b -> b.outOfOrderness(null),
            "checkpointInterval", b -> b.checkpointInterval(null));
    unset.forEach(
        (option, clear) ->
            assertThatThrownBy(() -> clear.apply(complete()).build())
                .as(option)
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                    "Invalid configuration: OnlineStoreJob.Options at '"
                        + option
                        + "': a value is"
                        + " required"));
    assertThatThrownBy(() -> complete().jobName("  ").build())
        .hasMessageStartingWith(
            "Invalid configuration: OnlineStoreJob.Options at 'jobName': a value is required");
  }

  @Test
  void valuesOutOfRangeAreNamedWithTheLimitAndTheValue() {
    assertThatThrownBy(() -> complete().checkpointInterval(Duration.ofMillis(9)).build())
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid configuration: OnlineStoreJob.Options at 'checkpointInterval': expected at"
                + " least 10 ms (Flink's minimum), got 9 ms. Fix: give 10 ms or more.");
    assertThat(complete().checkpointInterval(Duration.ofMillis(10)).build().checkpointInterval())
        .isEqualTo(Duration.ofMillis(10));
    assertThatThrownBy(() -> complete().outOfOrderness(Duration.ofMillis(-1)).build())
        .hasMessageContaining("'outOfOrderness': expected at least 0 ms")
        .hasMessageContaining("got -1 ms");
    assertThatThrownBy(() -> complete().parallelism(0).build())
        .hasMessageContaining("'parallelism': expected at least 1")
        .hasMessageContaining("got 0");
    assertThatThrownBy(() -> complete().storeBatchSize(0).build())
        .hasMessageContaining("'storeBatchSize': expected at least 1");
    assertThatThrownBy(() -> complete().storeFlushInterval(Duration.ofMillis(-1)).build())
        .hasMessageContaining("'storeFlushInterval': expected at least 0 ms")
        .hasMessageContaining("got -1 ms");
    assertThat(complete().storeFlushInterval(Duration.ZERO).build().storeFlushInterval()).isZero();
  }

  @Test
  void everyProblemIsListedAtOnceWithTheOriginGiven() {
    assertThatThrownBy(
            () ->
                complete()
                    .origin("the options of mlops online-store")
                    .jobName(null)
                    .parallelism(-2)
                    .checkpointInterval(Duration.ZERO)
                    .build())
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .extracting(p -> p.file() + " " + p.field())
                    .containsExactly(
                        "the options of mlops online-store jobName",
                        "the options of mlops online-store checkpointInterval",
                        "the options of mlops online-store parallelism"));
  }

  @Test
  void anUnknownSourceOrOneWithoutViewsIsRefused() {
    assertThatThrownBy(() -> complete().source("orders").build())
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid configuration: OnlineStoreJob.Options at 'source': 'orders' is not a source"
                + " of the project; it has [purchases]. Fix: name one of them (--source).");
    assertThatThrownBy(() -> complete().source(CDNOW.sources().get("purchases"), List.of()).build())
        .hasMessageContaining("'purchases' has no feature views");
  }

  /**
   * The decode task as Flink ships it (Java serialization), opened after the project's files are
   * gone: it decodes with the loaded rules (a header, whitespace-separated fields, a yyyyMMdd event
   * time, typed columns) and rejects a bad value.
   */
  @Test
  void theDecodeTaskCarriesTheLoadedSourceAndNeedsNoProjectFiles(@TempDir Path tmp)
      throws Exception {
    Path copy = Files.createDirectories(tmp.resolve("cdnow"));
    Path conf = SparkRuns.repo().resolve("conf/examples/cdnow");
    try (Stream<Path> files = Files.list(conf)) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    ProjectConfig loaded = ProjectLoader.load(copy);
    OnlineStoreJob.Options o = complete().project(loaded).build();
    // as Flink ships a function: Java serialization (InstantiationUtil), read back in a fresh
    // object
    DecodeFunction shipped =
        InstantiationUtil.clone(
            new DecodeFunction(o.sourceConfig(), null), getClass().getClassLoader());
    try (Stream<Path> files = Files.list(copy)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(copy);

    shipped.open(null);
    List<SourceEvent> events = new ArrayList<>();
    List<Rejection> rejected = new ArrayList<>();
    var ctx = context(shipped, rejected);
    Collector<SourceEvent> out = collector(events);
    String header = "customer_id date number_of_cds dollar_value";
    shipped.processElement(new RawRecord("f:1", 0, header, header), ctx, out);
    shipped.processElement(new RawRecord("f:2", 1, "00007 19970102 3 25.50", header), ctx, out);
    shipped.processElement(new RawRecord("f:3", 2, "00008 19970103 two 1.00", header), ctx, out);

    assertThat(events).hasSize(1);
    SourceEvent e = events.get(0);
    assertThat(e.entityKey()).isEqualTo("00007");
    // 1997-01-02T00:00:00Z in microseconds
    assertThat(e.eventTimeMicros())
        .isEqualTo(Instant.parse("1997-01-02T00:00:00Z").getEpochSecond() * 1_000_000L);
    assertThat(e.values()).containsExactly("00007", "19970102", 3, 25.5);
    assertThat(rejected).singleElement().satisfies(r -> assertThat(r.rule()).isEqualTo("type"));
  }

  static <T> Collector<T> collector(List<T> into) {
    return new Collector<>() {
      @Override
      public void collect(T record) {
        into.add(record);
      }

      @Override
      public void close() {}
    };
  }

  static DecodeFunction.Context context(DecodeFunction fn, List<Rejection> rejected) {
    return fn.new Context() {
      @Override
      public Long timestamp() {
        return null;
      }

      @Override
      public TimerService timerService() {
        throw new UnsupportedOperationException();
      }

      @Override
      public <X> void output(OutputTag<X> tag, X value) {
        assertThat(tag).isEqualTo(DecodeFunction.REJECTED);
        rejected.add((Rejection) value);
      }
    };
  }
}
