package dev.lakeops.flink.features;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeops.common.config.SourceFormat;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.flink.testing.KafkaBroker;
import dev.lakeops.flink.testing.SparkRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The online-store job's delivery guarantees and inputs on the CDNOW example: a failure and restore
 * from a checkpoint leaves the store and dead letter as an uninterrupted run; a Kafka topic (real
 * KRaft broker) fills the store as the files do; bad records go to the dead letter with their
 * reason while the good ones around them are processed.
 */
class OnlineStoreJobIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  private static final Duration ALL = Duration.ofDays(1000);
  private static final int EVENTS = 20_000;
  private static final List<String> BAD =
      List.of(
          "00042 19970105 3", // malformed: 3 fields
          "00043 19970105 two 12.50", // type
          "00044 19970105 2 -4.00", // range
          "00045 19971332 1 9.99"); // event_time: month 13

  @TempDir static Path shared;
  @TempDir Path dir;
  private static Path input;
  private static Reference reference;
  private static KafkaBroker kafka;

  /** The first {@value #EVENTS} CDNOW purchases with the bad lines spread among them. */
  @BeforeAll
  static void input() throws Exception {
    List<String> lines =
        Files.readAllLines(SparkRuns.repo().resolve("data/cdnow/CDNOW_master.txt"));
    List<String> out = new ArrayList<>(lines.subList(0, EVENTS + 1)); // header + events
    for (int i = 0; i < BAD.size(); i++) {
      out.add(1 + (i + 1) * EVENTS / (BAD.size() + 1), BAD.get(i));
    }
    input = Files.createDirectories(shared.resolve("in"));
    Files.write(input.resolve("purchases.txt"), out);
  }

  @AfterAll
  static void stopKafka() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  record Reference(Map<String, String> store, List<String> deadLetter, int featureRows) {}

  /** The uninterrupted run over the files (once per class). */
  private static synchronized Reference reference() throws Exception {
    if (reference == null) {
      Path d = Files.createDirectories(shared.resolve("reference"));
      OnlineStoreJob.Options o = JobRuns.options("cdnow", d, files(), ALL);
      OnlineStoreJob.run(o);
      reference =
          new Reference(
              JobRuns.dumpStore(o, d.resolve("online.db")),
              deadLetter(d),
              JobRuns.featureLog(d.resolve("feature_log")).values().stream()
                  .mapToInt(Map::size)
                  .sum());
    }
    return reference;
  }

  private static OnlineStoreJob.Files files() {
    return new OnlineStoreJob.Files(input.toString(), null);
  }

  private static List<String> deadLetter(Path d) throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode n : JobRuns.jsonLines(d.resolve("dead_letter"))) {
      out.add(
          n.get("rule").asText()
              + " | "
              + n.get("reason").asText()
              + " | "
              + n.get("raw").asText());
    }
    out.sort(null);
    return out;
  }

  @Test
  void theReferenceRunRejectsTheBadLinesWithTheirReasons() throws Exception {
    Reference r = reference();
    assertThat(r.deadLetter())
        .containsExactly(
            "event_time | cannot derive the event time from column 'date' = '19971332' with format"
                + " yyyyMMdd | 00045 19971332 1 9.99",
            "malformed | malformed record: expected 4 whitespace-separated fields, got 3 | 00042"
                + " 19970105 3",
            "range | column 'dollar_value' = -4.0 is below the minimum 0.0 | 00044 19970105 2 -4.00",
            "type | column 'number_of_cds': expected int, got 'two' | 00043 19970105 two 12.50");
    assertThat(r.store()).isNotEmpty();
    // 00042..00045 had good purchases too; their rows do not include the bad ones.
    assertThat(r.featureRows()).isGreaterThan(EVENTS);
  }

  @Test
  void aFailureAndRestoreLeaveTheSameStoreAndNoDuplicates() throws Exception {
    Reference ref = reference();
    FailOnce.arm(EVENTS / 2);
    OnlineStoreJob.Options o =
        JobRuns.options("cdnow", dir, files(), ALL)
            .withEventTap(s -> s.map(new FailOnce()).name("fail once").uid("fail-once"));
    OnlineStoreJob.run(o);
    assertThat(FailOnce.FAILURES.get()).as("injected failures").isEqualTo(1);
    assertThat(FailOnce.checkpointBeforeFailure).as("restored from a checkpoint").isTrue();

    assertThat(JobRuns.dumpStore(o, dir.resolve("online.db"))).isEqualTo(ref.store());
    List<String> dead = deadLetter(dir);
    assertThat(dead).isEqualTo(ref.deadLetter()).doesNotHaveDuplicates();
    // featureLog() fails on a row logged twice
    int rows =
        JobRuns.featureLog(dir.resolve("feature_log")).values().stream().mapToInt(Map::size).sum();
    assertThat(rows).isEqualTo(ref.featureRows());
  }

  @Test
  void aKafkaTopicFillsTheStoreAsTheFilesDo() throws Exception {
    Reference ref = reference();
    kafka = new KafkaBroker();
    kafka.createTopic("purchases", 2);
    kafka.createTopic("purchases_dead_letter", 1);
    List<String> lines = Files.readAllLines(input.resolve("purchases.txt"));
    // Keyed by customer: each customer's events stay in order within a partition.
    kafka.send("purchases", lines.subList(1, lines.size()), l -> l.trim().split("\\s+")[0]);

    OnlineStoreJob.Options o =
        JobRuns.options(
            "cdnow",
            dir,
            new OnlineStoreJob.Kafka(kafka.bootstrap(), "purchases", "it", true, null),
            ALL);
    o =
        o.toBuilder()
            .deadLetter(
                new OnlineStoreJob.DeadLetterKafka(kafka.bootstrap(), "purchases_dead_letter"))
            .parallelism(2)
            .build();
    OnlineStoreJob.run(o);

    assertThat(JobRuns.dumpStore(o, dir.resolve("online.db"))).isEqualTo(ref.store());
    List<String> dead = new ArrayList<>();
    for (String json : readCommitted("purchases_dead_letter", BAD.size())) {
      JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
      dead.add(
          n.get("rule").asText()
              + " | "
              + n.get("reason").asText()
              + " | "
              + n.get("raw").asText());
      assertThat(n.get("origin").asText()).startsWith("purchases-");
    }
    dead.sort(null);
    assertThat(dead).isEqualTo(ref.deadLetter());
  }

  @Test
  void badJsonEventsGoToTheDeadLetterAndTheGoodOnesAroundThemAreProcessed() throws Exception {
    // JSON events in time order; the bound is a day, so an event two weeks behind is late.
    List<String> good = new ArrayList<>();
    String[] days = {"19970101", "19970102", "19970105", "19970110", "19970120", "19970201"};
    for (int i = 0; i < days.length; i++) {
      for (String c : List.of("00001", "00002", "00003")) {
        good.add(
            "{\"customer_id\": \""
                + c
                + "\", \"date\": \""
                + days[i]
                + "\", \"number_of_cds\": "
                + (i + 1)
                + ", \"dollar_value\": "
                + (10.5 * (i + 1) + c.hashCode() % 7)
                + "}");
      }
    }
    List<String> mixed = new ArrayList<>(good);
    mixed.add(3, "{\"customer_id\": \"00001\", \"date\": \"19970102\""); // malformed
    mixed.add(5, "{\"date\": \"19970102\", \"number_of_cds\": 1, \"dollar_value\": 3}"); // no key
    mixed.add(
        8,
        "{\"customer_id\": \"00002\", \"date\": \"19970105\", \"number_of_cds\": 1.5,"
            + " \"dollar_value\": 3}"); // wrong type
    mixed.add(
        12,
        "{\"customer_id\": \"00003\", \"date\": \"19970110\", \"number_of_cds\": 1,"
            + " \"dollar_value\": 100001}"); // out of range
    mixed.add(
        "{\"customer_id\": \"00001\", \"date\": \"19970115\", \"number_of_cds\": 1,"
            + " \"dollar_value\": 5}"); // late: 17 days behind the latest (1997-02-01)
    String late = mixed.get(mixed.size() - 1);

    Map<String, String> goodStore = runJson(dir.resolve("good"), good).store();
    Reference r = runJson(dir.resolve("mixed"), mixed);

    assertThat(r.store()).isEqualTo(goodStore).hasSize(2 * 3);
    assertThat(r.featureRows()).isEqualTo(2 * good.size());
    List<String> rules = r.deadLetter().stream().map(l -> l.split(" \\| ")[0]).toList();
    assertThat(rules).containsExactlyInAnyOrder("malformed", "not_null", "type", "range", "late");
    assertThat(r.deadLetter())
        .anySatisfy(l -> assertThat(l).contains("the entity key (customer_id) is null"))
        .anySatisfy(l -> assertThat(l).contains("column 'number_of_cds': expected int, got '1.5'"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("column 'dollar_value' = 100001.0 is above the maximum 100000.0"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith(
                        "late | event time 1997-01-15T00:00:00Z is at or behind the watermark 1997-01-30T23:59:59.999Z"))
        .anySatisfy(
            l -> assertThat(l).startsWith("malformed | malformed record: not a valid JSON object"));
    assertThat(r.deadLetter())
        .anySatisfy(l -> assertThat(l).startsWith("late |").endsWith(" | " + late));
  }

  /**
   * New files are picked up while the job runs, and their rows reach the store within the flush
   * interval: checkpoints here come once an hour, so a store written only at checkpoints (and full
   * batches, 500 rows) would hold none of them within the 30 s each wait allows.
   */
  @Test
  void
      aMonitoredDirectoryPicksUpNewFilesWhileTheJobRunsAndTheirRowsAreWrittenWithinTheFlushInterval()
          throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    OnlineStoreJob.Options o =
        JobRuns.options(
                "cdnow",
                dir,
                new OnlineStoreJob.Files(in.toString(), Duration.ofMillis(200), SourceFormat.JSONL),
                Duration.ZERO)
            .toBuilder()
            .checkpointInterval(Duration.ofHours(1))
            .storeFlushInterval(Duration.ofMillis(200))
            .build();
    var env =
        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment
            .getExecutionEnvironment(OnlineStoreJob.configuration(o));
    OnlineStoreJob.build(env, o);
    var job = env.executeAsync(o.jobName());
    try (var store = o.store().open()) {
      drop(
          in,
          "a.jsonl",
          purchase("00007", "19970101", 1, 10.0),
          purchase("00008", "19970103", 2, 20.0));
      // The watermark is at the latest time: 1997-01-01 is complete, 1997-01-03 may still grow.
      FeatureRowCheck.await(store, "customer_spend", "00007", "1997-01-01T00:00:00Z", 30_000);
      long jan3 = java.time.Instant.parse("1997-01-03T00:00:00Z").toEpochMilli();
      assertThat(store.read("customer_spend", "00008", jan3)).isEmpty();

      // One file at a time: files found in one scan are read in no particular order.
      drop(
          in,
          "b.jsonl",
          purchase("00007", "19970105", 3, 5.0),
          purchase("00010", "19970106", 1, 1.0));
      var seven =
          FeatureRowCheck.await(store, "customer_spend", "00007", "1997-01-05T00:00:00Z", 30_000);
      assertThat(seven.values().get("spend_30d")).isEqualTo(15.0);
      assertThat(store.read("customer_spend", "00008", jan3)).isPresent();

      drop(
          in,
          "c.jsonl",
          purchase("00008", "19970107", 1, 1.0),
          purchase("00009", "19970110", 1, 1.0));
      var eight =
          FeatureRowCheck.await(
              store, "customer_purchases", "00008", "1997-01-07T00:00:00Z", 30_000);
      assertThat(eight.values().get("purchases_30d")).isEqualTo(2L);
      assertThat(eight.values().get("cds_90d")).isEqualTo(3.0);
      assertThat(JobRuns.jsonLines(dir.resolve("dead_letter"))).isEmpty();
    } finally {
      job.cancel().get();
    }
  }

  private static String purchase(String customer, String day, int cds, double dollars) {
    return "{\"customer_id\": \""
        + customer
        + "\", \"date\": \""
        + day
        + "\", \"number_of_cds\": "
        + cds
        + ", \"dollar_value\": "
        + dollars
        + "}";
  }

  /** Writes a file under a hidden name, then renames it: the source never sees half a file. */
  private static void drop(Path in, String name, String... lines) throws Exception {
    Path tmp = in.resolve("." + name);
    Files.write(tmp, List.of(lines));
    Files.move(tmp, in.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private Reference runJson(Path d, List<String> lines) throws Exception {
    Path in = Files.createDirectories(d.resolve("in"));
    Files.write(in.resolve("events.jsonl"), lines);
    OnlineStoreJob.Options o =
        JobRuns.options(
            "cdnow",
            d,
            new OnlineStoreJob.Files(in.toString(), null, SourceFormat.JSONL),
            Duration.ofDays(1));
    OnlineStoreJob.run(o);
    return new Reference(
        JobRuns.dumpStore(o, d.resolve("online.db")),
        deadLetter(d),
        JobRuns.featureLog(d.resolve("feature_log")).values().stream().mapToInt(Map::size).sum());
  }

  private static List<String> readCommitted(String topic, int atLeast) {
    return kafka.readCommitted(topic, atLeast, Duration.ofSeconds(20)).stream()
        .map(ConsumerRecord::value)
        .toList();
  }

  /**
   * Throws once, at the first event after {@code n} events that comes after a completed checkpoint,
   * so the job restarts from that checkpoint. Static: it survives the restart.
   */
  static final class FailOnce extends RichMapFunction<SourceEvent, SourceEvent>
      implements CheckpointListener {
    static final AtomicInteger FAILURES = new AtomicInteger();
    static volatile boolean armed;
    static volatile int after;
    static volatile boolean checkpointed;
    static volatile boolean checkpointBeforeFailure;
    private long seen;

    static void arm(int n) {
      FAILURES.set(0);
      after = n;
      checkpointed = false;
      checkpointBeforeFailure = false;
      armed = true;
    }

    @Override
    public SourceEvent map(SourceEvent e) throws Exception {
      seen++;
      if (armed && seen % 50 == 0) {
        Thread.sleep(1); // leave room for checkpoints before the failure
      }
      if (armed && seen >= after && checkpointed) {
        armed = false;
        checkpointBeforeFailure = true;
        FAILURES.incrementAndGet();
        throw new IllegalStateException("injected failure after " + seen + " events");
      }
      return e;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      if (armed && seen > 0) {
        checkpointed = true;
      }
    }
  }
}
