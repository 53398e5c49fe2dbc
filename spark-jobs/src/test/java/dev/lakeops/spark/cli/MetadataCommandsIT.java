package dev.lakeops.spark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.delta.KernelReader;
import dev.lakeops.common.registry.Lineage;
import dev.lakeops.common.registry.ModelState;
import dev.lakeops.common.registry.ModelVersion;
import dev.lakeops.common.registry.RegistryTableReader;
import dev.lakeops.common.registry.Stage;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.TestSpark;
import dev.lakeops.spark.metadata.RunLog;
import dev.lakeops.spark.metadata.RunRecord;
import dev.lakeops.spark.registry.DeltaModelRegistry;
import dev.lakeops.spark.store.DeltaTables;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code models}, {@code runs} and {@code promote}'s checks answer from the Delta tables through
 * Delta Kernel, in a JVM of their own that never loads a Spark class: the tables are written here
 * with Spark (the registry's and the run log's own writers), then read by {@code mlops} in a child
 * JVM whose class loading is logged.
 */
class MetadataCommandsIT {
  @TempDir static Path dir;
  static Warehouse warehouse;
  static final Instant STARTED = Instant.parse("2026-01-02T03:04:05Z");

  @BeforeAll
  static void writeARegistryAndARun() throws Exception {
    warehouse = new Warehouse(dir.resolve("wh").toString(), "cdnow");
    var spark = TestSpark.session();
    DeltaModelRegistry registry =
        new DeltaModelRegistry(spark, new DeltaTables(spark), warehouse.modelVersions());
    registry.update(
        "repeat_purchase",
        s -> s.register(draft("run-1", 0.7123456789), "ana", STARTED, "trained"));
    registry.update(
        "repeat_purchase",
        s -> s.register(draft("run-2", 0.75), "ana", STARTED.plusSeconds(60), "trained"));
    registry.update(
        "repeat_purchase",
        s -> s.move(1, Stage.PRODUCTION, "ana", STARTED.plusSeconds(120), "first", Map.of()));
    new RunLog(spark, new DeltaTables(spark), warehouse.runs())
        .record(
            new RunRecord(
                "run-2",
                "cdnow",
                "train",
                "repeat_purchase",
                "succeeded",
                STARTED,
                STARTED.plusMillis(3_240),
                61972,
                61972,
                0,
                Map.of(),
                Map.of(),
                "c0ffee",
                "h",
                null,
                Map.of(),
                Map.of("auc_roc", 0.75)));
  }

  static ModelVersion draft(String run, double auc) {
    return new ModelVersion(
        "repeat_purchase",
        0,
        "/models/" + run,
        STARTED,
        Stage.NONE,
        Map.of("auc_roc", auc),
        Map.of("maxIter", "10"),
        "{}",
        "{}",
        new Lineage(
            run, "repeat_purchase", Map.of("cdnow.training_repeat_purchase", 3L), "c0", "h"),
        List.of());
  }

  record Result(int code, String out, String err, String loadedClasses, long millis) {}

  /** Runs {@code mlops} in a new JVM on this test's classpath, logging every class it loads. */
  static Result mlops(String... args) throws Exception {
    Path classes = Files.createTempFile(dir, "classes", ".txt");
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xlog:class+load=info:file=" + classes);
    cmd.add(
        "-Dlog4j2.configurationFile="
            + TestSpark.repo().resolve("conf/log4j2.properties")); // as submit/mlops runs it
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.lakeops.common.cli.Cli");
    cmd.addAll(List.of(args));
    cmd.addAll(
        List.of(
            "--project",
            TestSpark.repo().resolve("conf/examples/cdnow").toString(),
            "--warehouse",
            warehouse.root()));
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    Result r =
        new Result(
            p.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8),
            Files.readString(classes, StandardCharsets.UTF_8),
            ms);
    // A fact for the reader, not an assertion: how long the command took in its own JVM.
    System.out.printf("mlops %s: exit %d in %d ms%n", String.join(" ", args), r.code(), ms);
    return r;
  }

  /** The lines of stderr that are the command's own (log lines of libraries aside). */
  static List<String> errors(Result r) {
    return r.err().lines().filter(l -> l.startsWith("error:")).toList();
  }

  static void assertNoSpark(Result r) {
    assertThat(r.loadedClasses())
        .as("the child JVM's class loading was logged")
        .contains("dev.lakeops.common.cli.Cli ");
    assertThat(r.loadedClasses())
        .as("the registry and runs were read with Delta Kernel")
        .contains("io.delta.kernel.");
    assertThat(r.loadedClasses())
        .as("no Spark session, context or SQL class was loaded")
        .doesNotContain("org.apache.spark.sql.SparkSession")
        .doesNotContain("org.apache.spark.SparkContext ")
        .doesNotContain("org.apache.spark.sql.Dataset ");
  }

  @Test
  void modelsListsTheRegistryWithoutSpark() throws Exception {
    Result r = mlops("models");
    assertThat(r.code()).as(r.err()).isZero();
    assertNoSpark(r);
    // two versions registered, version 1 promoted above
    assertThat(r.out().lines())
        .containsExactly("repeat_purchase          2 versions   champion v1");
  }

  @Test
  void modelsOfOneModelRoundsItsMetrics() throws Exception {
    Result r = mlops("models", "--model", "repeat_purchase");
    assertThat(r.code()).as(r.err()).isZero();
    assertNoSpark(r);
    assertThat(r.out().lines())
        .containsExactly(
            "v1   production run run-1  auc_roc 0.712346",
            "v2   none       run run-2  auc_roc 0.75");
  }

  @Test
  void runsListsTheRunLogWithoutSpark() throws Exception {
    Result r = mlops("runs");
    assertThat(r.code()).as(r.err()).isZero();
    assertNoSpark(r);
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).startsWith("run_id").contains("started_at").contains("duration");
    assertThat(lines.get(2))
        .startsWith("run-2")
        .contains("train")
        .contains("succeeded")
        .contains("2026-01-02 03:04:05 UTC")
        .contains("3.2 s")
        .contains("61972");
    assertThat(lines).hasSize(3);
  }

  @Test
  void anUnknownModelIsRefusedAtOnceWithExit2AndOneLine() throws Exception {
    Result r = mlops("promote", "--model", "nosuch", "--version", "1");
    assertThat(r.code()).isEqualTo(2);
    assertNoSpark(r);
    assertThat(errors(r))
        .containsExactly(
            "error: no model 'nosuch' in the registry; registered models are repeat_purchase."
                + " (see 'mlops promote --help')");
    assertThat(r.err()).doesNotContain("\tat ");
    assertThat(r.out()).isEmpty();

    Result v = mlops("promote", "--model", "repeat_purchase", "--version", "7");
    assertThat(v.code()).isEqualTo(2);
    assertNoSpark(v);
    assertThat(errors(v))
        .containsExactly(
            "error: model 'repeat_purchase' has no version 7; its versions are 1, 2."
                + " (see 'mlops promote --help')");
  }

  @Test
  void kernelReadsTheSameStateAsSpark() {
    var spark = TestSpark.session();
    ModelState bySpark =
        new DeltaModelRegistry(spark, new DeltaTables(spark), warehouse.modelVersions())
            .state("repeat_purchase");
    ModelState byKernel =
        new RegistryTableReader(new KernelReader(), warehouse.modelVersions().path())
            .state("repeat_purchase");
    assertThat(byKernel).isEqualTo(bySpark);
    assertThat(byKernel.versions()).hasSize(2);
    assertThat(byKernel.versions().get(0).history()).hasSize(2); // registered, promoted
  }
}
