package dev.lakeops.spark.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeops.common.testing.Processes;
import dev.lakeops.common.testing.Processes.Result;
import dev.lakeops.common.testing.Processes.Started;
import dev.lakeops.spark.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark commands on a real Spark standalone cluster, launched as a cluster user launches them:
 * a Master and a Worker (each its own JVM, on 127.0.0.1) from a Spark home whose {@code jars/} is
 * Spark's own classpath without Delta and without what the job jar bundles ({@code
 * target/spark-home-classpath.txt}), and {@code submit/spark-submit --master spark://...} with
 * Delta sent along as {@code --delta jars}, and the warehouse on a Hadoop filesystem other than the
 * local one ({@code viewfs://}, mounted on a temporary folder). The executors run in the Worker's
 * JVMs, not in the driver: the Worker's work directory holds each application's executor logs with
 * the tasks they ran.
 */
class SparkClusterIT {
  @TempDir static Path dir;

  static final String VIEWFS_MOUNT = "lakeops";
  static Path sparkHome;
  static Started master;
  static Started worker;
  static int masterPort;
  static int masterUiPort;

  @BeforeAll
  static void startCluster() throws IOException {
    sparkHome = sparkHome(dir.resolve("spark-home"));
    hadoopConf(dir.resolve("hadoop-conf"), dir.resolve("warehouse-files"));
    masterPort = Processes.freePort();
    masterUiPort = Processes.freePort();
    List<String> jvm = new ArrayList<>(List.of("-Xmx256m"));
    jvm.addAll(Processes.moduleFlags());
    String classpath = sparkHome.resolve("jars") + "/*";
    master =
        Processes.java(
            "spark-master",
            jvm,
            classpath,
            "org.apache.spark.deploy.master.Master",
            List.of(
                "--host",
                "127.0.0.1",
                "--port",
                String.valueOf(masterPort),
                "--webui-port",
                String.valueOf(masterUiPort)),
            env(),
            dir.resolve("logs/master.log"));
    Processes.awaitLog(master, Pattern.compile("New state: ALIVE"), Duration.ofSeconds(60));
    worker =
        Processes.java(
            "spark-worker",
            jvm,
            classpath,
            "org.apache.spark.deploy.worker.Worker",
            List.of(
                "--host",
                "127.0.0.1",
                "--cores",
                "2",
                "--memory",
                "2g",
                "--webui-port",
                String.valueOf(Processes.freePort()),
                "--work-dir",
                dir.resolve("work").toString(),
                masterUrl()),
            env(),
            dir.resolve("logs/worker.log"));
    // The Master's JSON state lists the Worker once it has registered.
    Processes.await(
        worker,
        "the worker registered with the master",
        Duration.ofSeconds(60),
        () -> masterState().filter(state -> state.path("aliveworkers").asInt() == 1).orElse(null));
  }

  @AfterAll
  static void stopCluster() {
    if (worker != null) {
      worker.close();
    }
    if (master != null) {
      master.close();
    }
  }

  /** The Master's state as its web UI serves it in JSON (workers, applications), if it answers. */
  static Optional<JsonNode> masterState() {
    return Processes.httpJson("http://127.0.0.1:" + masterUiPort + "/json/");
  }

  static String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /**
   * SPARK_HOME for the cluster JVMs and the launcher (Spark's launcher reads it), and
   * HADOOP_CONF_DIR, which Spark's launcher puts on the driver's and the executors' classpath.
   */
  static Map<String, String> env() {
    return Map.of(
        "SPARK_HOME", sparkHome.toString(),
        "SPARK_SCALA_VERSION", "2.13",
        "SPARK_LOCAL_IP", "127.0.0.1",
        "SPARK_LOG_DIR", dir.resolve("logs").toString(),
        "HADOOP_CONF_DIR", dir.resolve("hadoop-conf").toString());
  }

  /**
   * A Hadoop configuration whose {@code viewfs://lakeops/warehouse} is mounted on a local folder:
   * the warehouse is then a filesystem of another scheme than {@code file:}, reached only through
   * Hadoop's FileSystem API (as hdfs:// or s3a:// are), by the driver, the executors and Kernel.
   */
  static void hadoopConf(Path confDir, Path files) throws IOException {
    Files.createDirectories(confDir);
    Files.createDirectories(files);
    Files.writeString(
        confDir.resolve("core-site.xml"),
        String.join(
            "\n",
            "<?xml version=\"1.0\"?>",
            "<configuration>",
            "  <property>",
            "    <name>fs.viewfs.mounttable." + VIEWFS_MOUNT + ".link./warehouse</name>",
            "    <value>" + files.toUri() + "</value>",
            "  </property>",
            "</configuration>",
            ""));
  }

  /**
   * A Spark home whose jars/ links the jars of a Spark distribution (from the Maven build), with
   * the Parquet that Spark release ships ({@code spark.parquet.version}: 1.15.2 under {@code
   * -Pspark-4.0}, older than the one Delta Kernel needs, which the job jar brings relocated).
   */
  static Path sparkHome(Path home) throws IOException {
    Path jars = home.resolve("jars");
    Processes.linkJars(Path.of("target/spark-home-classpath.txt"), jars);
    try (var parquet = Files.list(Path.of("target/spark-parquet"))) {
      for (Path jar : parquet.filter(p -> p.toString().endsWith(".jar")).toList()) {
        Path link = jars.resolve(jar.getFileName());
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, jar.toAbsolutePath());
        }
      }
    }
    return home;
  }

  /** {@code submit/spark-submit <sparkArgs> -- <command>} in its own process, to its end. */
  static Result submit(String name, List<String> sparkArgs, List<String> command) {
    List<String> cmd = new ArrayList<>();
    cmd.add(TestSpark.repo().resolve("submit/spark-submit").toString());
    cmd.addAll(sparkArgs);
    cmd.add("--");
    cmd.addAll(command);
    return Processes.run(
        name, cmd, env(), dir, dir.resolve("logs/" + name + ".log"), Duration.ofMinutes(5));
  }

  static List<String> onCluster() {
    return List.of(
        "--master",
        masterUrl(),
        "--delta",
        "jars",
        "--driver-memory",
        "1g",
        "--conf",
        "spark.executor.memory=1g",
        "--conf",
        "spark.sql.shuffle.partitions=4",
        "--conf",
        "spark.ui.enabled=false",
        "--conf",
        "spark.databricks.delta.snapshotPartitions=2");
  }

  @Test
  void featuresTrainingSetTrainAndBatchScoreRunOnTheWorkersExecutors() throws Exception {
    Path project = elec2(dir.resolve("elec2"));
    // The warehouse on a Hadoop filesystem that is not file: (the features land in its mount).
    String warehouse = "viewfs://" + VIEWFS_MOUNT + "/warehouse";
    Path files = dir.resolve("warehouse-files");
    List<String> where = List.of("--project", project.toString(), "--warehouse", warehouse);

    Result features = submit("features", onCluster(), concat(List.of("features"), where));
    assertThat(features.code()).as(features.output()).isZero();
    assertThat(features.output())
        .containsPattern(
            "source elec2_readings\\s+succeeded\\s+read 45312, written 45312, quarantined 0");

    Result set =
        submit(
            "training-set",
            onCluster(),
            concat(List.of("training-set", "--name", "price_direction"), where));
    assertThat(set.code()).as(set.output()).isZero();
    assertThat(set.output())
        .contains("training set price_direction: 45312 rows -> elec2.training_price_direction");

    Result train =
        submit("train", onCluster(), concat(List.of("train", "--model", "price_direction"), where));
    assertThat(train.code()).as(train.output()).isZero();
    assertThat(train.output()).contains("model price_direction version 1 registered");
    assertThat(files.resolve("elec2/features/market_prices/_delta_log")).isDirectory();
    assertThat(files.resolve("elec2/_lakeops/model_versions/_delta_log/00000000000000000000.json"))
        .exists();
    assertThat(train.output()).contains("artifact " + warehouse + "/elec2/models/price_direction/");

    // Batch inference on the cluster with the version just trained: every feature row of the
    // view is scored or dead-lettered, and the predictions land in the warehouse's mount.
    Result score =
        submit(
            "batch-score",
            onCluster(),
            concat(
                List.of(
                    "batch-score",
                    "--model",
                    "price_direction",
                    "--version",
                    "1",
                    "--feature-view",
                    "market_prices"),
                where));
    assertThat(score.code()).as(score.output()).isZero();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "price_direction version 1 on feature_view:market_prices \\(Delta version \\d+\\):"
                    + " 45312 rows read, (\\d+) rows? scored, (\\d+) rows? dead-lettered")
            .matcher(score.output());
    assertThat(m.find()).as(score.output()).isTrue();
    assertThat(Long.parseLong(m.group(1)) + Long.parseLong(m.group(2))).isEqualTo(45312);
    assertThat(Long.parseLong(m.group(1))).isGreaterThan(45000);
    assertThat(files.resolve("elec2/batch_predictions/price_direction/_delta_log")).isDirectory();

    // The executors ran on the Worker: one application directory per command in its work
    // directory, each with executor logs of tasks finished there (the driver ran in the
    // launcher's process, which has no work directory).
    List<Path> apps;
    try (Stream<Path> s = Files.list(dir.resolve("work"))) {
      apps = s.filter(p -> p.getFileName().toString().startsWith("app-")).sorted().toList();
    }
    assertThat(apps).hasSize(4);
    for (Path app : apps) {
      String executorLogs = executorLogs(app);
      assertThat(executorLogs)
          .as("executor logs of %s", app)
          .contains("Started daemon with process name")
          .containsPattern("Finished task [0-9.]+ in stage");
    }
    // The Master saw the four applications finish.
    JsonNode completed = masterState().orElseThrow().path("completedapps");
    assertThat(completed).hasSize(4);
    completed.forEach(app -> assertThat(app.path("state").asText()).isEqualTo("FINISHED"));
  }

  @Test
  void anUnreachableMasterFailsAtOnceNamingIt() {
    int closed = Processes.freePort(); // nothing listens there
    Result r =
        submit(
            "unreachable",
            List.of("--master", "spark://127.0.0.1:" + closed, "--delta", "jars"),
            List.of(
                "features",
                "--project",
                TestSpark.repo().resolve("conf/examples/elec2").toString(),
                "--warehouse",
                dir.resolve("unreachable").toString()));
    assertThat(r.code()).as(r.output()).isNotZero();
    assertThat(r.output())
        .contains("Cannot reach the Spark master spark://127.0.0.1:" + closed)
        .contains("Connection refused")
        .contains("Start the master");
  }

  /** Every executor's stderr under an application's directory of the Worker. */
  static String executorLogs(Path app) throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> s = Files.walk(app)) {
      for (Path f : s.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
        all.append(Files.readString(f));
      }
    }
    return all.toString();
  }

  /** The Elec2 example with its data path made absolute and a short, fixed GBT fit. */
  static Path elec2(Path to) throws IOException {
    Path from = TestSpark.repo().resolve("conf/examples/elec2");
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        String text =
            Files.readString(f)
                .replace(
                    "../../../data/elec2/electricity.csv",
                    TestSpark.repo().resolve("data/elec2/electricity.csv").toString());
        if (f.getFileName().toString().equals("models.yaml")) {
          text = text.replace("params: {maxIter: 30,", "params: {maxIter: 5,");
        }
        Files.writeString(to.resolve(f.getFileName()), text);
      }
    }
    return to;
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
