package dev.lakeops.spark.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.conformance.ExprCases;
import dev.lakeops.spark.TestSpark;
import dev.lakeops.spark.features.FeatureComputer;
import dev.lakeops.spark.ingest.RowValidator;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reported input through the offline feature path: the view with {@code least(sqrt(amount -
 * 100), 0)} and kin, loaded from YAML and computed by Spark's {@link FeatureComputer}, must give
 * the hand-worked values that {@code ExprFeaturePipelineTest} checks IncrementalFeatures (the Flink
 * job's) against.
 */
class ExprFeaturePipelineIT {

  @Test
  void nanThroughLeastAndGreatestInTheOfflineFeatures(@TempDir Path dir) {
    ExprCases.writePipelineProject(dir);
    ProjectConfig project = ProjectLoader.load(dir);
    FeatureViewConfig view = project.featureViews().get(ExprCases.PIPELINE_VIEW);

    StructType schema =
        DataTypes.createStructType(
            List.of(
                DataTypes.createStructField(ExprCases.PIPELINE_KEY, DataTypes.StringType, false),
                DataTypes.createStructField("day", DataTypes.StringType, false),
                DataTypes.createStructField("amount", DataTypes.DoubleType, true),
                DataTypes.createStructField(
                    RowValidator.EVENT_TIME, DataTypes.TimestampType, false)));
    List<Row> rows = new ArrayList<>();
    for (Object[] e : ExprCases.PIPELINE_EVENTS) {
      Timestamp t =
          Timestamp.from(
              LocalDate.parse((String) e[1], DateTimeFormatter.BASIC_ISO_DATE)
                  .atStartOfDay(ZoneOffset.UTC)
                  .toInstant());
      rows.add(RowFactory.create(e[0], e[1], e[2], t));
    }
    Dataset<Row> events = TestSpark.session().createDataFrame(rows, schema);

    Map<String, Row> byKeyAndDay = new HashMap<>();
    for (Row r : FeatureComputer.compute(view, ExprCases.PIPELINE_KEY, events).collectAsList()) {
      Timestamp t = r.getAs(RowValidator.EVENT_TIME);
      String day =
          t.toInstant()
              .atZone(ZoneOffset.UTC)
              .toLocalDate()
              .format(DateTimeFormatter.BASIC_ISO_DATE);
      byKeyAndDay.put(r.getAs(ExprCases.PIPELINE_KEY) + "/" + day, r);
    }
    assertThat(byKeyAndDay).containsOnlyKeys(ExprCases.PIPELINE_EXPECTED.keySet());
    List<String> failures = new ArrayList<>();
    ExprCases.PIPELINE_EXPECTED.forEach(
        (at, features) ->
            features.forEach(
                (name, want) -> {
                  Object got = byKeyAndDay.get(at).getAs(name);
                  if (!ExprCases.same(want, got)) {
                    failures.add(at + " " + name + ": expected " + want + ", Spark gives " + got);
                  }
                }));
    assertThat(failures).isEmpty();
  }
}
