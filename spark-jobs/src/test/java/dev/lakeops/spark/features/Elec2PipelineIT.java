package dev.lakeops.spark.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.TestSpark;
import dev.lakeops.spark.metadata.RunRecord;
import dev.lakeops.spark.store.DeltaTables;
import dev.lakeops.spark.training.TrainingSetBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Elec2 example on the real data. Expected values are recomputed here from the CSV with plain
 * Java loops, independently of Spark.
 */
class Elec2PipelineIT {
  static final Instant START = Instant.parse("1996-05-07T00:00:00Z");
  @TempDir static Path dir;
  static SparkSession spark;
  static Warehouse warehouse;
  static DeltaTables tables;
  static ProjectConfig project;
  static RunRecord run;
  static double[] price;
  static double[] demand;

  @BeforeAll
  static void runPipeline() throws IOException {
    spark = TestSpark.session();
    project = ProjectLoader.load(TestSpark.repo().resolve("conf/examples/elec2"));
    warehouse = Warehouse.of(dir.resolve("wh").toString(), project);
    tables = new DeltaTables(spark);
    run = new FeaturePipeline(spark, project, warehouse).run(false).get(0);
    List<String> lines = Files.readAllLines(TestSpark.repo().resolve("data/elec2/electricity.csv"));
    price = new double[lines.size() - 1];
    demand = new double[lines.size() - 1];
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      price[i - 1] = Double.parseDouble(f[3]);
      demand[i - 1] = Double.parseDouble(f[4]);
    }
  }

  @Test
  void everyRowIsWrittenOrQuarantined() {
    assertThat(run.rowsRead()).isEqualTo(45_312);
    long written = tables.read(warehouse.events("elec2_readings")).count();
    long quarantined = tables.read(warehouse.quarantine("elec2_readings")).count();
    assertThat(written + quarantined).isEqualTo(45_312);
    assertThat(tables.read(warehouse.featureView("market_prices")).count()).isEqualTo(written);
  }

  @Test
  void eventTimeIsTheRowIndexInHalfHours() {
    Row last =
        tables
            .read(warehouse.featureView("market_prices"))
            .orderBy(col("event_time").desc())
            .head();
    assertThat(last.<Timestamp>getAs("event_time").toInstant())
        .isEqualTo(START.plus(Duration.ofMinutes(30L * 45_311)));
    assertThat(last.<Double>getAs("nswprice")).isEqualTo(price[45_311]);
  }

  @Test
  void windowFeaturesMatchAPlainRecomputation() {
    for (int i : new int[] {0, 47, 48, 100, 336, 20_000, 45_311}) {
      Row prices = at("market_prices", i);
      Row demandRow = at("market_demand", i);
      int from24h = Math.max(0, i - 47); // 48 half-hours in (t - 24h, t]
      int from7d = Math.max(0, i - 335);
      assertThat(prices.<Double>getAs("nswprice_mean_24h"))
          .as("row %d", i)
          .isCloseTo(mean(price, from24h, i), within(1e-12));
      assertThat(prices.<Double>getAs("nswprice_mean_7d"))
          .as("row %d", i)
          .isCloseTo(mean(price, from7d, i), within(1e-12));
      assertThat(prices.<Double>getAs("nswprice_max_24h")).isEqualTo(max(price, from24h, i));
      Double std = prices.getAs("nswprice_std_24h");
      if (i == 0) {
        assertThat(std).isNull(); // one value: no sample standard deviation
      } else {
        assertThat(std).as("row %d", i).isCloseTo(stddev(price, from24h, i), within(1e-9));
      }
      assertThat(demandRow.<Double>getAs("nswdemand_mean_24h"))
          .isCloseTo(mean(demand, from24h, i), within(1e-12));
      assertThat(demandRow.<Long>getAs("readings_7d")).isEqualTo(i - from7d + 1);
      long high = 0;
      for (int j = from24h; j <= i; j++) {
        high += price[j] > 0.1 ? 1 : 0;
      }
      assertThat(demandRow.<Long>getAs("high_price_periods_24h")).as("row %d", i).isEqualTo(high);
    }
  }

  @Test
  void trainingSetHasOneRowPerReadingWithItsOwnFeatures() {
    new TrainingSetBuilder(spark, project, warehouse).build("price_direction");
    var set = tables.read(warehouse.trainingSet("price_direction"));
    assertThat(set.count()).isEqualTo(45_312);
    Row r =
        set.filter(
                col("event_time")
                    .equalTo(lit(Timestamp.from(START.plus(Duration.ofMinutes(30L * 100))))))
            .head();
    assertThat(r.<Double>getAs("nswprice_mean_24h")).isCloseTo(mean(price, 53, 100), within(1e-12));
    assertThat(r.<Double>getAs("label")).isIn(0.0, 1.0);
    assertThat(set.filter(col("label").isNull()).count()).isZero();
  }

  private static Row at(String view, int index) {
    Timestamp t = Timestamp.from(START.plus(Duration.ofMinutes(30L * index)));
    return tables
        .read(warehouse.featureView(view))
        .filter(col("event_time").equalTo(lit(t)))
        .head();
  }

  private static double mean(double[] v, int from, int to) {
    double s = 0;
    for (int j = from; j <= to; j++) {
      s += v[j];
    }
    return s / (to - from + 1);
  }

  private static double max(double[] v, int from, int to) {
    double m = Double.NEGATIVE_INFINITY;
    for (int j = from; j <= to; j++) {
      m = Math.max(m, v[j]);
    }
    return m;
  }

  private static double stddev(double[] v, int from, int to) {
    double m = mean(v, from, to);
    double ss = 0;
    for (int j = from; j <= to; j++) {
      ss += (v[j] - m) * (v[j] - m);
    }
    return Math.sqrt(ss / (to - from));
  }
}
