package dev.lakeops.spark.conformance;

import static dev.lakeops.common.conformance.FeatureCases.assertValue;
import static dev.lakeops.common.conformance.FeatureCases.micros;
import static dev.lakeops.common.conformance.FeatureCases.x;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.conformance.FeatureCases;
import dev.lakeops.common.conformance.FeatureCases.Case;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.features.FeatureHistory;
import dev.lakeops.common.features.IncrementalFeatures;
import dev.lakeops.spark.TestSpark;
import dev.lakeops.spark.features.FeatureComputer;
import dev.lakeops.spark.training.PointInTimeJoin;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The aggregate, window and TTL cases of the conformance suite ({@code
 * common/src/test/resources/conformance/features.yaml}, also run through common's {@code
 * IncrementalFeatures} by {@code FeatureConformanceTest}) through Spark: (a) {@link
 * FeatureComputer}'s offline rows at event times, (b) the training set's point-in-time join at
 * label times; and (c) the offline rows equal, bit for bit, what {@code IncrementalFeatures} (the
 * Flink job's code) computes at the same times.
 */
class FeatureConformanceIT {
  static final SparkSession spark = TestSpark.session();

  static final StructType EVENTS =
      new StructType()
          .add("k", DataTypes.StringType)
          .add("event_time", DataTypes.TimestampType)
          .add("x", DataTypes.DoubleType)
          .add("c", DataTypes.StringType)
          .add("_run_id", DataTypes.StringType);

  static Stream<Case> cases() throws IOException {
    return FeatureCases.all().stream();
  }

  static long microsOf(Timestamp t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t.toInstant());
  }

  static Timestamp timestamp(Object iso) {
    return Timestamp.from(Instant.parse((String) iso));
  }

  static Dataset<Row> events(Case c) {
    List<Row> rows = new ArrayList<>();
    for (List<Object> e : c.events()) {
      rows.add(RowFactory.create(e.get(0), timestamp(e.get(1)), x(e), e.get(3), "r"));
    }
    return spark.createDataFrame(rows, EVENTS);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void offlineRowsAtEventTimes(Case c) {
    List<Row> got = FeatureComputer.compute(c.view(), "k", events(c)).collectAsList();
    Map<String, Row> byKey = new HashMap<>();
    got.forEach(r -> byKey.put(r.getString(0) + "@" + microsOf(r.<Timestamp>getAs(1)), r));
    assertThat(got).as(c.name() + ": one row per entity and event time").hasSize(c.rows().size());
    List<FeatureSpec> features = c.view().features();
    for (List<Object> want : c.rows()) {
      String at = want.get(0) + "@" + micros(want.get(1));
      Row r = byKey.get(at);
      assertThat(r).as(c.name() + ": row " + want.get(0) + " " + want.get(1)).isNotNull();
      for (int i = 0; i < features.size(); i++) {
        assertValue(
            c.name() + ": row " + want.get(0) + "@" + want.get(1) + " " + features.get(i).name(),
            want.get(2 + i),
            r.getAs(features.get(i).name()));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void trainingSetAtLabelTimes(Case c) {
    List<Row> labels = new ArrayList<>();
    for (int i = 0; i < c.reads().size(); i++) {
      List<Object> r = c.reads().get(i);
      labels.add(RowFactory.create(r.get(0), timestamp(r.get(1)), (double) i));
    }
    StructType schema =
        new StructType()
            .add("k", DataTypes.StringType)
            .add("event_time", DataTypes.TimestampType)
            .add("label", DataTypes.DoubleType);
    List<String> names = c.view().features().stream().map(FeatureSpec::name).toList();
    List<Row> got =
        PointInTimeJoin.join(
                spark.createDataFrame(labels, schema),
                List.of(
                    new PointInTimeJoin.SourceInput(
                        FeatureCases.SOURCE,
                        "k",
                        events(c),
                        List.of(new PointInTimeJoin.ViewInput(c.view(), names)))))
            .collectAsList();
    assertThat(got).hasSize(c.reads().size());
    for (Row r : got) {
      List<Object> want = c.reads().get((int) r.getDouble(2));
      String at = c.name() + ": label " + want.get(0) + "@" + want.get(1);
      Timestamp rowTime = r.getAs("v__event_time");
      if (want.get(2) == null) {
        assertThat(rowTime).as(at + " has no row").isNull();
        for (String f : names) {
          assertThat((Object) r.getAs(f)).as(at + " " + f).isNull();
        }
        continue;
      }
      assertThat(rowTime).as(at + " row time").isEqualTo(timestamp(want.get(2)));
      for (int i = 0; i < names.size(); i++) {
        assertValue(at + " " + names.get(i), want.get(3 + i), r.getAs(names.get(i)));
      }
    }
  }

  /** Spark's offline rows equal IncrementalFeatures' (Flink's) bit for bit, on every case. */
  @Test
  void offlineRowsEqualIncrementalFeaturesBitForBit() throws IOException {
    int compared = 0;
    for (Case c : cases().toList()) {
      IncrementalFeatures inc = new IncrementalFeatures(FeatureCases.SOURCE, List.of(c.view()));
      Map<String, FeatureHistory> byEntity = new HashMap<>();
      for (SourceEvent e : c.sourceEvents()) {
        inc.add(byEntity.computeIfAbsent(e.entityKey(), k -> new FeatureHistory()), e);
      }
      for (Row r : FeatureComputer.compute(c.view(), "k", events(c)).collectAsList()) {
        Map<String, Object> want =
            inc.compute(byEntity.get(r.getString(0)), 0, microsOf(r.<Timestamp>getAs(1)));
        for (FeatureSpec f : c.view().features()) {
          assertThat((Object) r.getAs(f.name()))
              .as(c.name() + " " + r.get(0) + "@" + r.get(1) + " " + f.name())
              .isEqualTo(want.get(f.name()));
          compared++;
        }
      }
    }
    assertThat(compared).isGreaterThan(100);
  }
}
