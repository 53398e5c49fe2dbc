package dev.lakeops.spark.scoring;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.registry.Lineage;
import dev.lakeops.common.registry.ModelVersion;
import dev.lakeops.common.registry.Stage;
import dev.lakeops.common.scoring.PipelineScorer;
import dev.lakeops.common.scoring.Scored;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.Signature;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.TestSpark;
import dev.lakeops.spark.cli.MlopsCli;
import dev.lakeops.spark.features.FeaturePipeline;
import dev.lakeops.spark.registry.DeltaModelRegistry;
import dev.lakeops.spark.store.DeltaTables;
import dev.lakeops.spark.training.ModelPromotion;
import dev.lakeops.spark.training.ModelTrainer;
import dev.lakeops.spark.training.TrainResult;
import dev.lakeops.spark.training.TrainingJob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code batch-score} on the Elec2 example (its first 1,500 half-hours; two versions trained once
 * for the class, the second on fewer inputs): counts that add up, the version columns, an
 * idempotent rerun, production against an explicit version, rows without features dead-lettered
 * with the serving reason, parity with the scorer streaming inference uses (and with Spark's {@code
 * transform()}), and the errors.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BatchScoreIT {
  static final String MODEL = "price_direction";
  static final int READINGS = 1_500;

  @TempDir static Path dir;
  static SparkSession spark;
  static ProjectConfig project;
  static Path projectDir;
  static Warehouse warehouse;
  static DeltaTables tables;
  static BatchScorer.Result first;
  static long started;
  static double cpuAtStart;
  static double cpuAfterSetUp;

  @BeforeAll
  static void trainTwoVersionsAndPromoteTheFirst() throws IOException {
    long t0 = System.nanoTime();
    started = t0;
    cpuAtStart = cpuSeconds();
    spark = TestSpark.session();
    tables = new DeltaTables(spark);
    projectDir = dir.resolve("elec2");
    Files.createDirectories(projectDir);
    Path data = dir.resolve("electricity.csv");
    try (Stream<String> lines =
        Files.lines(TestSpark.repo().resolve("data/elec2/electricity.csv"))) {
      Files.write(data, lines.limit(READINGS + 1).toList()); // the header, then the readings
    }
    try (Stream<Path> files = Files.list(TestSpark.repo().resolve("conf/examples/elec2"))) {
      for (Path f : files.toList()) {
        Files.writeString(
            projectDir.resolve(f.getFileName()),
            Files.readString(f)
                .replace("../../../data/elec2/electricity.csv", data.toString())
                .replace("maxIter: 30", "maxIter: 5"));
      }
    }
    project = ProjectLoader.load(projectDir);
    warehouse = Warehouse.of(dir.resolve("wh").toString(), project);
    double cpu0 = cpuSeconds();
    new FeaturePipeline(spark, project, warehouse).run(false);
    double cpu1 = cpuSeconds();
    new TrainingJob(spark, project, warehouse).train(MODEL, "ci");
    double cpu2 = cpuSeconds();
    registerAVersionOnFewerInputs();
    new ModelPromotion(spark, warehouse).force(MODEL, 1, Stage.PRODUCTION, "ci", "batch test");
    System.out.printf(
        "BatchScoreIT set-up: %d s wall; CPU: session %.0f s, features %.0f s, training run %.0f s,"
            + " second fit %.0f s%n",
        (System.nanoTime() - t0) / 1_000_000_000,
        cpu0 - cpuAtStart,
        cpu1 - cpu0,
        cpu2 - cpu1,
        cpuSeconds() - cpu2);
    cpuAfterSetUp = cpuSeconds();
  }

  /** What the class cost: wall time, and the JVM's CPU time (the same on a busy machine). */
  @AfterAll
  static void reportTheCost() {
    System.out.printf(
        "BatchScoreIT: %d s wall, %.0f s of CPU (%.0f s in the tests)%n",
        (System.nanoTime() - started) / 1_000_000_000,
        cpuSeconds() - cpuAtStart,
        cpuSeconds() - cpuAfterSetUp);
  }

  private static double cpuSeconds() {
    return ProcessHandle.current()
            .info()
            .totalCpuDuration()
            .map(java.time.Duration::toMillis)
            .orElse(0L)
        / 1000.0;
  }

  /**
   * Version 2: the same model on two of version 1's inputs, fitted on version 1's training set and
   * registered with its own artifact (without a second training run: only the fit is needed), so
   * the two versions predict differently.
   */
  static void registerAVersionOnFewerInputs() throws IOException {
    ModelSpec full = project.models().get(MODEL);
    ModelSpec.Builder b =
        ModelSpec.builder(MODEL, full.task(), full.algorithm())
            .trainingSet(full.trainingSet())
            .features(List.of("price_up_now", "time_of_day"))
            .impute(full.impute())
            .scale(full.scale())
            .split(full.split())
            .seed(full.seed());
    full.params().forEach(b::param);
    TrainResult fit =
        ModelTrainer.train(spark, b.build(), tables.read(warehouse.trainingSet(MODEL)));
    String artifact = warehouse.modelArtifact(MODEL, "fewer-inputs");
    fit.model().save(Warehouse.artifactModel(artifact));
    Instant now = Instant.now();
    ModelVersion draft =
        new ModelVersion(
            MODEL,
            0,
            artifact,
            now,
            Stage.NONE,
            fit.metrics(),
            fit.params(),
            fit.signature().toJson(),
            "{}",
            new Lineage("fewer-inputs", MODEL, Map.of(), null, null),
            List.of());
    new DeltaModelRegistry(spark, tables, warehouse.modelVersions())
        .update(MODEL, s -> s.register(draft, "ci", now, "fewer inputs"));
  }

  static BatchScorer scorer() {
    return new BatchScorer(spark, project, warehouse);
  }

  static BatchScorer.Request request(
      Integer version, BatchScorer.Kind kind, String input, Long inputVersion) {
    return new BatchScorer.Request(MODEL, version, kind, input, inputVersion, null);
  }

  static Dataset<Row> predictions() {
    return tables.read(warehouse.batchPredictions(MODEL));
  }

  static Dataset<Row> deadLetter() {
    return tables.read(warehouse.batchDeadLetter(MODEL));
  }

  @Test
  @Order(1)
  void aFeatureViewScoredByTheProductionVersionAddsUpWithItsVersions() {
    long viewVersion = tables.version(warehouse.featureView("market_prices"));
    long viewRows = tables.read(warehouse.featureView("market_prices"), viewVersion).count();

    first = scorer().score(request(null, BatchScorer.Kind.FEATURE_VIEW, "market_prices", null));

    assertThat(first.modelVersion()).as("the production version").isEqualTo(1);
    assertThat(first.inputVersion()).isEqualTo(viewVersion);
    assertThat(first.rowsRead()).isEqualTo(viewRows).isEqualTo(READINGS);
    assertThat(first.scored() + first.deadLettered()).isEqualTo(viewRows);
    // Every reading has its own view's row: nothing misses features.
    assertThat(first.deadLettered()).isZero();
    Dataset<Row> p = predictions();
    assertThat(p.columns())
        .containsExactly(
            dev.lakeops.common.warehouse.BatchPredictionColumns.ALL.toArray(String[]::new));
    assertThat(p.count()).isEqualTo(first.scored());
    Row versions =
        p.groupBy("model", "model_version", "input", "input_version", "run_id")
            .count()
            .collectAsList()
            .get(0);
    assertThat(p.select("model_version").distinct().count()).isEqualTo(1);
    assertThat(versions.<String>getAs("model")).isEqualTo(MODEL);
    assertThat(versions.<Integer>getAs("model_version")).isEqualTo(1);
    assertThat(versions.<String>getAs("input")).isEqualTo("feature_view:market_prices");
    assertThat(versions.<Long>getAs("input_version")).isEqualTo(viewVersion);
    assertThat(versions.<String>getAs("run_id")).isEqualTo(first.runId());
    assertThat(p.filter(col("entity_key").notEqual(lit("NSW"))).count()).isZero();
    assertThat(p.select("event_time").distinct().count()).isEqualTo(READINGS);
    assertThat(p.filter("size(probability) != 2 or size(missing_views) != 0").count()).isZero();
    // The run is recorded with what it read and wrote.
    Row run = tables.read(warehouse.runs()).filter(col("run_id").equalTo(first.runId())).head();
    assertThat(run.<String>getAs("command")).isEqualTo("batch-score");
    assertThat(run.<String>getAs("status")).isEqualTo("succeeded");
    assertThat(run.<Long>getAs("rows_written")).isEqualTo(first.scored());
    assertThat(run.getJavaMap(run.fieldIndex("params")))
        .containsEntry("model_version", "1")
        .containsEntry("input", "feature_view:market_prices");
  }

  @Test
  @Order(2)
  void aRerunThroughTheCommandLineReplacesItsRowsAndAnotherVersionAddsItsOwn() {
    long before = tables.version(warehouse.batchPredictions(MODEL));
    assertThat(cli("--feature-view", "market_prices")).as(err()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("price_direction version 1 on feature_view:market_prices")
        .contains(READINGS + " rows read, " + first.scored() + " rows scored, 0 rows dead-lettered")
        .contains("elec2.batch_predictions_price_direction");
    assertThat(tables.version(warehouse.batchPredictions(MODEL))).isGreaterThan(before);
    Dataset<Row> p = predictions();
    assertThat(p.count()).as("replaced, not duplicated").isEqualTo(first.scored());
    List<String> runIds =
        p.select("run_id").distinct().collectAsList().stream().map(r -> r.getString(0)).toList();
    assertThat(runIds).hasSize(1).doesNotContain(first.runId());

    // An explicit version that is not in production: its own rows next to version 1's.
    BatchScorer.Result v2 =
        scorer().score(request(2, BatchScorer.Kind.FEATURE_VIEW, "market_prices", null));
    assertThat(v2.modelVersion()).isEqualTo(2);
    assertThat(predictions().count()).isEqualTo(first.scored() + v2.scored());
    assertThat(predictions().filter(col("model_version").equalTo(2)).count())
        .isEqualTo(v2.scored());
    // Each row was scored by the version it names: version 2's fewer inputs predict otherwise.
    Dataset<Row> one =
        predictions().filter("model_version = 1").select("event_time", "probability");
    Dataset<Row> two =
        predictions()
            .filter("model_version = 2")
            .select(col("event_time"), col("probability").as("probability_2"));
    assertThat(one.join(two, "event_time").filter("probability != probability_2").count())
        .isPositive();
  }

  @Test
  @Order(3)
  void aTrainingSetMatchesTheServingScorerAndSparkTransformRowForRow() {
    long setVersion = tables.version(warehouse.trainingSet(MODEL));
    Dataset<Row> set = tables.read(warehouse.trainingSet(MODEL), setVersion);
    long setRows = set.count();
    BatchScorer.Result r =
        scorer().score(request(1, BatchScorer.Kind.TRAINING_SET, MODEL, setVersion));
    assertThat(r.scored() + r.deadLettered()).isEqualTo(setRows);
    // The first label (30 minutes ahead of the first reading) sees no reading: no feature row.
    long noFeatures = set.filter(col("market_prices__event_time").isNull()).count();
    assertThat(noFeatures).isPositive();
    assertThat(r.deadLettered()).isEqualTo(noFeatures);
    Dataset<Row> dead = deadLetter().filter(col("input").equalTo("training_set:" + MODEL));
    assertThat(dead.count()).isEqualTo(noFeatures);
    assertThat(dead.head().<String>getAs("reason"))
        .startsWith("no feature row as of the event time ")
        .contains("market_id 'NSW' in any of the views [market_prices]")
        .contains("serving.on_missing_features: dead_letter_all_missing");

    // Parity: the serving scorer (what ModelLoader.pipeline() loads in the Flink job) on the
    // training set's own values, and Spark's transform() on the same rows.
    ModelVersion v1 = BatchScorer.resolveVersion(warehouse, MODEL, 1);
    Signature signature = Signature.fromJson(v1.signature());
    String modelDir = Warehouse.artifactModel(v1.artifact());
    PipelineScorer serving = PipelineScorer.load(modelDir, signature);
    Dataset<Row> scoredRows = set.filter(col("market_prices__event_time").isNotNull());
    Map<Long, Row> batch = new HashMap<>();
    for (Row b :
        predictions().filter(col("input").equalTo("training_set:" + MODEL)).collectAsList()) {
      batch.put(micros(b.getAs("event_time")), b);
    }
    assertThat(batch).hasSize((int) r.scored());
    double maxServing = 0;
    for (Row row : scoredRows.collectAsList()) {
      Map<String, Object> values = new HashMap<>();
      for (String f : signature.inputNames()) {
        values.put(f, row.getAs(f));
      }
      Scored s = serving.score(values);
      Row b = batch.get(micros(row.getAs("event_time")));
      maxServing = Math.max(maxServing, Math.abs(s.prediction() - b.<Double>getAs("prediction")));
      List<Double> p = b.getList(b.fieldIndex("probability"));
      for (int i = 0; i < p.size(); i++) {
        maxServing = Math.max(maxServing, Math.abs(s.probability()[i] - p.get(i)));
      }
    }
    double maxSpark = 0;
    for (Row t : PipelineModel.load(modelDir).transform(scoredRows).collectAsList()) {
      Row b = batch.get(micros(t.getAs("event_time")));
      maxSpark =
          Math.max(
              maxSpark, Math.abs(t.<Double>getAs("prediction") - b.<Double>getAs("prediction")));
      double[] p = t.<Vector>getAs("probability").toArray();
      List<Double> q = b.getList(b.fieldIndex("probability"));
      for (int i = 0; i < p.length; i++) {
        maxSpark = Math.max(maxSpark, Math.abs(p[i] - q.get(i)));
      }
    }
    System.out.printf(
        "batch-score parity on %d training rows: max |diff| vs the serving scorer %s, vs Spark"
            + " transform() %s%n",
        r.scored(), maxServing, maxSpark);
    assertThat(maxServing).as("vs the serving scorer").isZero();
    assertThat(maxSpark).as("vs Spark's transform()").isLessThanOrEqualTo(1e-9);
  }

  @Test
  @Order(4)
  void aTableWithoutSomeFeatureRowsDeadLettersThemAndAnOlderVersionIsReadByTimeTravel() {
    String path = dir.resolve("to_score").toString();
    Dataset<Row> set = tables.read(warehouse.trainingSet(MODEL));
    set.write().format("delta").mode(SaveMode.Overwrite).save(path); // version 0
    // Version 1: every fifth half-hour (times on the 2.5 hours) loses its feature row, as a
    // point-in-time join that found none marks it.
    Dataset<Row> thinned =
        set.withColumn(
            "market_prices__event_time",
            when(col("event_time").cast("long").$percent(9000).equalTo(0), lit(null))
                .otherwise(col("market_prices__event_time")));
    thinned.write().format("delta").mode(SaveMode.Overwrite).save(path);
    long missing = thinned.filter(col("market_prices__event_time").isNull()).count();
    long before = set.filter(col("market_prices__event_time").isNull()).count();
    assertThat(missing).isGreaterThan(before);

    BatchScorer.Result latest = scorer().score(request(1, BatchScorer.Kind.TABLE, path, null));
    assertThat(latest.inputVersion()).isEqualTo(1);
    assertThat(latest.deadLettered()).isEqualTo(missing);
    assertThat(latest.scored() + latest.deadLettered()).isEqualTo(set.count());
    BatchScorer.Result old = scorer().score(request(1, BatchScorer.Kind.TABLE, path, 0L));
    assertThat(old.inputVersion()).isZero();
    assertThat(old.deadLettered()).isEqualTo(before);
    assertThat(
            deadLetter()
                .filter(col("input").equalTo("table:" + path))
                .groupBy("input_version")
                .count()
                .orderBy("input_version")
                .collectAsList())
        .extracting(c -> c.getLong(1))
        .containsExactly(before, missing);
  }

  @Test
  @Order(5)
  void wrongModelsVersionsAndInputsAreNamedClearly() {
    assertThatThrownBy(
            () ->
                scorer()
                    .score(
                        new BatchScorer.Request(
                            "nope",
                            null,
                            BatchScorer.Kind.FEATURE_VIEW,
                            "market_prices",
                            null,
                            null)))
        .isInstanceOf(UsageException.class)
        .hasMessage("no model 'nope' in the registry; registered models are price_direction.");
    assertThatThrownBy(
            () -> scorer().score(request(9, BatchScorer.Kind.FEATURE_VIEW, "market_prices", null)))
        .isInstanceOf(UsageException.class)
        .hasMessage("model 'price_direction' has no version 9; its versions are 1, 2.");
    assertThatThrownBy(
            () -> scorer().score(request(null, BatchScorer.Kind.FEATURE_VIEW, "nope", null)))
        .isInstanceOf(UsageException.class)
        .hasMessage("unknown feature view 'nope'; the project has [market_prices, market_demand].");
    assertThatThrownBy(
            () ->
                scorer().score(request(null, BatchScorer.Kind.FEATURE_VIEW, "market_demand", null)))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(
            "feature view 'market_demand' holds none of the inputs of model 'price_direction'");
    String nowhere = dir.resolve("nowhere").toString();
    assertThatThrownBy(
            () -> scorer().score(request(null, BatchScorer.Kind.TABLE, "elec2.nope", null)))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("no Delta table 'elec2.nope'; --table takes");
    assertThatThrownBy(() -> scorer().score(request(null, BatchScorer.Kind.TABLE, nowhere, null)))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("no Delta table '" + nowhere + "';");
    assertThatThrownBy(
            () ->
                scorer().score(request(null, BatchScorer.Kind.FEATURE_VIEW, "market_prices", 99L)))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("input feature_view:market_prices has no Delta version 99;");
    String noFeatures = dir.resolve("no_features").toString();
    tables
        .read(warehouse.trainingSet(MODEL))
        .drop("price_vs_mean_24h_z")
        .write()
        .format("delta")
        .save(noFeatures);
    assertThatThrownBy(
            () -> scorer().score(request(null, BatchScorer.Kind.TABLE, noFeatures, null)))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(
            "lacks the columns [price_vs_mean_24h_z] that model 'price_direction' version 1 takes");
  }

  @Test
  @Order(6)
  void theCommandLineRefusesTwoInputsAndAModelWithoutAProductionVersion() {
    assertThat(cli("--feature-view", "market_prices", "--table", "x")).isEqualTo(2);
    assertThat(err()).contains("more than one input");

    new ModelPromotion(spark, warehouse).force(MODEL, 1, Stage.ARCHIVED, "ci", "batch test");
    assertThat(cli("--feature-view", "market_prices")).isEqualTo(2);
    assertThat(err())
        .contains("model 'price_direction' has no production version")
        .contains("or pass --version (its versions are 1, 2)");
  }

  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** Runs {@code mlops batch-score} on the test's project and warehouse with {@code args}. */
  int cli(String... args) {
    out.reset();
    err.reset();
    String[] common = {
      "batch-score",
      "--project",
      projectDir.toString(),
      "--warehouse",
      warehouse.root(),
      "--model",
      MODEL
    };
    return new MlopsCli(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .run(Stream.concat(Stream.of(common), Stream.of(args)).toArray(String[]::new));
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static long micros(Object time) {
    java.time.Instant i =
        time instanceof java.sql.Timestamp t ? t.toInstant() : (java.time.Instant) time;
    return i.getEpochSecond() * 1_000_000 + i.getNano() / 1_000;
  }
}
