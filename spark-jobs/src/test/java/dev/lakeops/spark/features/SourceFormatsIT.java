package dev.lakeops.spark.features;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.TestSpark;
import dev.lakeops.spark.metadata.RunRecord;
import dev.lakeops.spark.store.DeltaTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Typed inputs: Parquet files, a Delta table by path and a Delta table by catalog name. */
class SourceFormatsIT {
  @TempDir static Path dir;
  static SparkSession spark;
  static DeltaTables tables;
  static ProjectConfig project;
  static Warehouse warehouse;

  @BeforeAll
  static void inputs() throws IOException {
    spark = TestSpark.session();
    tables = new DeltaTables(spark);
    StructType schema =
        new StructType()
            .add("shop", DataTypes.StringType)
            .add("at", DataTypes.TimestampType)
            .add("amount", DataTypes.DoubleType)
            .add("units", DataTypes.IntegerType);
    Dataset<Row> orders =
        spark.createDataFrame(
            List.of(
                RowFactory.create("s1", Timestamp.valueOf("2024-03-01 10:00:00"), 10.0, 1),
                RowFactory.create("s1", Timestamp.valueOf("2024-03-01 11:00:00"), 30.0, 3),
                RowFactory.create("s2", Timestamp.valueOf("2024-03-01 10:00:00"), -5.0, 1),
                RowFactory.create("s2", null, 7.0, 1)),
            schema);
    Path p = dir.resolve("project");
    Files.createDirectories(p);
    orders.write().parquet(p.resolve("orders_parquet").toString());
    orders.write().format("delta").save(p.resolve("orders_delta").toString());
    spark.sql("CREATE DATABASE IF NOT EXISTS shopdata");
    orders.write().format("delta").mode(SaveMode.Overwrite).saveAsTable("shopdata.orders");

    Files.writeString(p.resolve("project.yaml"), "name: shops\n");
    Files.writeString(p.resolve("entities.yaml"), "entities:\n  - {name: shop, key: shop_id}\n");
    StringBuilder sources = new StringBuilder("sources:\n");
    StringBuilder views = new StringBuilder("feature_views:\n");
    String[][] kinds = {
      {"from_parquet", "parquet", "path: orders_parquet"},
      {"from_delta", "delta", "path: orders_delta"},
      {"from_table", "delta", "table: shopdata.orders"}
    };
    for (String[] k : kinds) {
      sources.append(
          """
            - name: %s
              format: %s
              %s
              entity: shop
              entity_key: shop
              event_time: {column: at}
              schema:
                - {name: shop, type: string, nullable: false}
                - {name: at, type: timestamp}
                - {name: amount, type: double, min: 0}
                - {name: units, type: int}
          """
              .formatted(k[0], k[1], k[2]));
      views.append(
          """
            - name: %s_spend
              entity: shop
              source: %s
              ttl: 1d
              features:
                - {name: spend_2h, agg: sum, expr: amount, window: 2h}
                - {name: price_per_unit, expr: amount / units}
          """
              .formatted(k[0], k[0]));
    }
    Files.writeString(p.resolve("sources.yaml"), sources.toString());
    Files.writeString(p.resolve("feature_views.yaml"), views.toString());
    project = ProjectLoader.load(p);
    warehouse = Warehouse.of(dir.resolve("wh").toString(), project);
  }

  @Test
  void everyTypedFormatIsValidatedAndComputedAlike() {
    for (String source : List.of("from_parquet", "from_delta", "from_table")) {
      RunRecord r =
          new FeaturePipeline(spark, project, warehouse).run(project.sources().get(source), false);
      assertThat(r.rowsRead()).as(source).isEqualTo(4);
      assertThat(r.rowsWritten()).as(source).isEqualTo(2);
      assertThat(r.rowsQuarantined()).as(source).isEqualTo(2);
      List<String> rules =
          tables
              .read(warehouse.quarantine(source))
              .select("rule")
              .orderBy("rule")
              .collectAsList()
              .stream()
              .map(x -> x.getString(0))
              .toList();
      assertThat(rules).as(source).containsExactly("event_time", "range");
      Row last =
          tables
              .read(warehouse.featureView(source + "_spend"))
              .orderBy("event_time")
              .collectAsList()
              .get(1);
      assertThat(last.<Double>getAs("spend_2h")).isEqualTo(40.0);
      assertThat(last.<Double>getAs("price_per_unit")).isEqualTo(10.0);
    }
  }

  @Test
  void aDeltaSourceIsReadAsASnapshotAndRecordsItsVersion() {
    RunRecord first =
        new FeaturePipeline(spark, project, warehouse)
            .run(project.sources().get("from_delta"), false);
    RunRecord second =
        new FeaturePipeline(spark, project, warehouse)
            .run(project.sources().get("from_delta"), false);
    assertThat(second.inputs().keySet())
        .singleElement()
        .satisfies(k -> assertThat(k).endsWith("orders_delta@v0"));
    assertThat(second.rowsRead()).isEqualTo(first.rowsRead());
    assertThat(tables.read(warehouse.events("from_delta")).count()).isEqualTo(2);
    assertThat(tables.read(warehouse.featureView("from_delta_spend")).count()).isEqualTo(2);
  }
}
