package dev.lakeops.spark.features;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.TestSpark;
import dev.lakeops.spark.store.DeltaTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Epoch seconds through the Spark feature pipeline: declared {@code unit: s} they land at their
 * instants; declared {@code unit: ms} they land in January 1970 and the run warns, naming seconds.
 * 1,700,000,000 s is 2023-11-14T22:13:20Z; read as ms it is 1970-01-20T16:13:20Z.
 */
class EventTimeUnitIT {
  @TempDir Path dir;

  /** Collects the feature pipeline's warnings while a run goes. */
  static final class Warnings extends AbstractAppender {
    final List<String> messages = Collections.synchronizedList(new ArrayList<>());

    Warnings() {
      super("warnings", null, null, true, Property.EMPTY_ARRAY);
    }

    @Override
    public void append(LogEvent e) {
      if (e.getLevel().isMoreSpecificThan(Level.WARN)) {
        messages.add(e.getMessage().getFormattedMessage());
      }
    }
  }

  @Test
  void secondsDeclaredAsSecondsLandAtTheirInstantsWithoutAWarning() throws IOException {
    Run r = run("s");
    assertThat(r.warnings).noneMatch(w -> w.contains("every event time"));
    assertThat(r.times).containsExactly("2023-11-14T22:13:20Z", "2023-11-14T23:13:20Z");
  }

  @Test
  void secondsDeclaredAsMillisecondsWarnAndNameSeconds() throws IOException {
    Run r = run("ms");
    assertThat(r.times).containsExactly("1970-01-20T16:13:20Z", "1970-01-20T16:13:23.600Z");
    assertThat(r.warnings)
        .anyMatch(
            w ->
                w.startsWith("source 'readings': every event time is before 1971")
                    && w.contains("as epoch s they would be 2023-11-14T22:13:20Z")
                    && w.contains("set 'unit: s'"));
  }

  /**
   * A view added to feature_views.yaml after its source's input was ingested is written from the
   * events table by the next run, though no input is new (it used to print the view as written and
   * write nothing until a full refresh).
   */
  @Test
  void aViewAddedLaterIsWrittenWithoutNewInput() throws IOException {
    run("s");
    Path p = dir.resolve("project-s");
    Files.writeString(
        p.resolve("feature_views.yaml"),
        Files.readString(p.resolve("feature_views.yaml"))
            + """
              - name: reading_counts
                entity: item
                source: readings
                ttl: 1d
                features:
                  - {name: readings_2h, agg: count, window: 2h}
            """);
    ProjectConfig project = ProjectLoader.load(p);
    Warehouse warehouse = Warehouse.of(dir.resolve("wh-s").toString(), project);

    var r =
        new FeaturePipeline(TestSpark.session(), project, warehouse)
            .run(project.sources().get("readings"), false);

    assertThat(r.rowsRead()).isZero();
    assertThat(r.outputs()).containsOnlyKeys(warehouse.featureView("reading_counts").name());
    List<Long> counts = new ArrayList<>();
    for (Row row :
        new DeltaTables(TestSpark.session())
            .read(warehouse.featureView("reading_counts"))
            .orderBy("event_time")
            .collectAsList()) {
      counts.add(((Number) row.getAs("readings_2h")).longValue());
    }
    // the two readings are an hour apart: one in the first 2h window, two in the second
    assertThat(counts).containsExactly(1L, 2L);
  }

  record Run(List<String> warnings, List<String> times) {}

  private Run run(String unit) throws IOException {
    Path p = dir.resolve("project-" + unit);
    Files.createDirectories(p.resolve("readings"));
    Files.writeString(p.resolve("project.yaml"), "name: sensors\n");
    Files.writeString(p.resolve("entities.yaml"), "entities:\n  - {name: item, key: item_id}\n");
    Files.writeString(
        p.resolve("sources.yaml"),
        """
        sources:
          - name: readings
            format: jsonl
            path: readings
            entity: item
            entity_key: item_id
            event_time: {column: ts, unit: %s}
            schema:
              - {name: item_id, type: string, nullable: false}
              - {name: ts, type: long, nullable: false}
              - {name: value, type: double}
        """
            .formatted(unit));
    Files.writeString(
        p.resolve("feature_views.yaml"),
        """
        feature_views:
          - name: reading_stats
            entity: item
            source: readings
            ttl: 1d
            features:
              - {name: value_last, agg: last, expr: value, window: 1d}
        """);
    Files.writeString(
        p.resolve("readings/part-1.jsonl"),
        """
        {"item_id": "a", "ts": 1700000000, "value": 1.5}
        {"item_id": "a", "ts": 1700003600, "value": 2.5}
        """);
    ProjectConfig project = ProjectLoader.load(p);
    Warehouse warehouse = Warehouse.of(dir.resolve("wh-" + unit).toString(), project);
    Warnings warnings = new Warnings();
    warnings.start();
    Logger logger = (Logger) LogManager.getLogger(FeaturePipeline.class);
    logger.addAppender(warnings);
    try {
      new FeaturePipeline(TestSpark.session(), project, warehouse)
          .run(project.sources().get("readings"), false);
    } finally {
      logger.removeAppender(warnings);
      warnings.stop();
    }
    List<String> times = new ArrayList<>();
    for (Row r :
        new DeltaTables(TestSpark.session())
            .read(warehouse.events("readings"))
            .orderBy("event_time")
            .collectAsList()) {
      times.add(r.<Timestamp>getAs("event_time").toInstant().toString());
    }
    return new Run(List.copyOf(warnings.messages), times);
  }
}
