package dev.lakeops.flink.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeops.common.testing.Processes;
import dev.lakeops.common.testing.Processes.Result;
import dev.lakeops.common.testing.Processes.Started;
import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.serving.ServingFixture;
import dev.lakeops.flink.testing.SparkRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flink jobs on a real Flink session cluster, submitted as a cluster user submits them: a
 * JobManager ({@code StandaloneSessionClusterEntrypoint}) and a TaskManager ({@code
 * TaskManagerRunner}), each its own JVM on 127.0.0.1 with memory sized by Flink's {@code
 * BashJavaUtils}, from a Flink home whose {@code lib/} is Flink's own classpath ({@code
 * target/flink-home-classpath.txt}); then {@code submit/flink-run} (Flink's CliFrontend) with the
 * job jar of the cluster-jar profile runs the online-store job and the serving job there. The
 * JobManager's REST API lists both jobs finished.
 */
class FlinkClusterIT {
  @TempDir static Path dir;

  static Path flinkHome;
  static Started jobManager;
  static Started taskManager;
  static int restPort;

  @BeforeAll
  static void startCluster() throws IOException {
    flinkHome = flinkHome(dir.resolve("flink-home"));
    String classpath = flinkHome.resolve("lib") + "/*";
    Path conf = flinkHome.resolve("conf");
    List<String> jm = resourceParams(classpath, conf, "GET_JM_RESOURCE_PARAMS");
    jobManager =
        Processes.java(
            "flink-jobmanager",
            jvmArgs(jm.get(0), "jobmanager"),
            classpath,
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
            args(conf, jm.get(1)),
            Map.of("FLINK_CONF_DIR", conf.toString()),
            dir.resolve("logs/jobmanager.log"));
    Processes.awaitPort(jobManager, "127.0.0.1", restPort, Duration.ofSeconds(90));
    List<String> tm = resourceParams(classpath, conf, "GET_TM_RESOURCE_PARAMS");
    taskManager =
        Processes.java(
            "flink-taskmanager",
            jvmArgs(tm.get(0), "taskmanager"),
            classpath,
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
            args(conf, tm.get(1)),
            Map.of("FLINK_CONF_DIR", conf.toString()),
            dir.resolve("logs/taskmanager.log"));
    Processes.await(
        taskManager,
        "the TaskManager registered with the JobManager",
        Duration.ofSeconds(90),
        () -> rest("/taskmanagers").filter(t -> t.path("taskmanagers").size() == 1).orElse(null));
  }

  @AfterAll
  static void stopCluster() {
    if (taskManager != null) {
      taskManager.close();
    }
    if (jobManager != null) {
      jobManager.close();
    }
  }

  /** A Flink home: lib/ links a Flink distribution's jars (from the build), conf/ a config.yaml. */
  static Path flinkHome(Path home) throws IOException {
    Processes.linkJars(Path.of("target/flink-home-classpath.txt"), home.resolve("lib"));
    Path conf = Files.createDirectories(home.resolve("conf"));
    restPort = Processes.freePort();
    Files.writeString(
        conf.resolve("config.yaml"),
        String.join(
            "\n",
            "jobmanager.rpc.address: 127.0.0.1",
            "jobmanager.rpc.port: " + Processes.freePort(),
            "jobmanager.bind-host: 127.0.0.1",
            "jobmanager.memory.process.size: 768m",
            "taskmanager.bind-host: 127.0.0.1",
            "taskmanager.host: 127.0.0.1",
            "taskmanager.numberOfTaskSlots: 2",
            "taskmanager.memory.process.size: 1280m",
            "rest.address: 127.0.0.1",
            "rest.bind-address: 127.0.0.1",
            "rest.port: " + restPort,
            "parallelism.default: 1",
            ""));
    // The cluster's own logs at INFO (each task's deployment), the client's at the project's.
    Files.writeString(
        conf.resolve("log4j.properties"),
        String.join(
            "\n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.console.ref = console",
            "appender.console.type = Console",
            "appender.console.name = console",
            "appender.console.layout.type = PatternLayout",
            "appender.console.layout.pattern = %d{HH:mm:ss} %-5p %c{1}: %m%n",
            ""));
    Files.copy(
        SparkRuns.repo().resolve("conf/flink/log4j2.properties"),
        conf.resolve("log4j-cli.properties"));
    return home;
  }

  /**
   * Flink's memory sizing for a process ({@code BashJavaUtils}, what Flink's start scripts run):
   * the JVM options (heap, direct and metaspace sizes) and the dynamic properties that go with
   * them.
   */
  static List<String> resourceParams(String classpath, Path conf, String which) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Processes.javaExecutable());
    cmd.addAll(Processes.moduleFlags());
    cmd.addAll(
        List.of(
            "-cp",
            classpath,
            "org.apache.flink.runtime.util.bash.BashJavaUtils",
            which,
            "--configDir",
            conf.toString()));
    Result r =
        Processes.run(
            which,
            cmd,
            Map.of(),
            dir,
            dir.resolve("logs/" + which + ".log"),
            Duration.ofMinutes(1));
    assertThat(r.code()).as(r.output()).isZero();
    List<String> results =
        r.output()
            .lines()
            .filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
            .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim())
            .toList();
    assertThat(results).as(r.output()).hasSizeGreaterThanOrEqualTo(2);
    return results.subList(results.size() - 2, results.size());
  }

  static List<String> jvmArgs(String sized, String name) {
    List<String> jvm = new ArrayList<>(List.of(sized.split("\\s+")));
    jvm.addAll(Processes.moduleFlags());
    jvm.add("-Dlog4j.configurationFile=" + flinkHome.resolve("conf/log4j.properties"));
    jvm.add("-Dlog.file=" + dir.resolve("logs/" + name + "-flink.log"));
    return jvm;
  }

  static List<String> args(Path conf, String dynamicProperties) {
    List<String> args = new ArrayList<>(List.of("--configDir", conf.toString()));
    if (!dynamicProperties.isBlank()) {
      args.addAll(List.of(dynamicProperties.trim().split("\\s+")));
    }
    return args;
  }

  /** A GET of the JobManager's REST API, when it answers. */
  static Optional<JsonNode> rest(String path) {
    return Processes.httpJson("http://127.0.0.1:" + restPort + path);
  }

  /** {@code submit/flink-run <flinkArgs> -- <command>} in its own process, to its end. */
  static Result flinkRun(String name, List<String> flinkArgs, List<String> command) {
    List<String> cmd = new ArrayList<>();
    cmd.add(SparkRuns.repo().resolve("submit/flink-run").toString());
    cmd.addAll(flinkArgs);
    cmd.add("--");
    cmd.addAll(command);
    return Processes.run(
        name,
        cmd,
        Map.of("FLINK_HOME", flinkHome.toString()),
        dir,
        dir.resolve("logs/" + name + ".log"),
        Duration.ofMinutes(5));
  }

  @Test
  void theOnlineStoreAndServingJobsRunOnTheSessionCluster() throws Exception {
    ServingFixture fx = ServingFixture.get();
    String model = ServingFixture.MODEL;
    String db = fx.config.database();
    Path wh = dir.resolve("warehouse");
    // The fixture's registry (a production version 1), copied: this run writes its own tables.
    fx.copyRegistryTo(wh);
    String store = "embedded:" + dir.resolve("online/features.db");
    List<String> toCluster = List.of("-m", "127.0.0.1:" + restPort);

    Result online =
        flinkRun(
            "online-store",
            toCluster,
            List.of(
                "online-store",
                "--project",
                fx.project.toString(),
                "--warehouse",
                wh.toString(),
                "--online-store",
                store,
                "--once"));
    assertThat(online.code()).as(online.output()).isZero();
    assertThat(online.output())
        .containsPattern("view market_prices\\s+\\d+ key")
        .containsPattern("done in");

    Path events = Files.createDirectories(dir.resolve("events"));
    long t = fx.lastFeatureMillis + 60_000;
    Files.write(
        events.resolve("events.json"),
        List.of(event("cluster-1", t), event("cluster-2", t + 1000), event("cluster-3", t + 2000)));
    Result serve =
        flinkRun(
            "serve",
            toCluster,
            List.of(
                "serve",
                "--project",
                fx.project.toString(),
                "--model",
                model,
                "--warehouse",
                wh.toString(),
                "--input",
                events.toString(),
                "--online-store",
                store,
                "--checkpoint-interval",
                "1s",
                "--once"));
    assertThat(serve.code()).as(serve.output()).isZero();
    assertThat(serve.output())
        .containsPattern("done in .*: 3 events scored, 0 events to the dead letter");
    assertThat(new KernelTables().readAll(wh + "/" + db + "/predictions/" + model)).hasSize(3);

    // Both jobs ran on the session cluster: its JobManager lists them, finished.
    JsonNode jobs = rest("/jobs/overview").orElseThrow().path("jobs");
    assertThat(jobs).hasSize(2);
    jobs.forEach(j -> assertThat(j.path("state").asText()).isEqualTo("FINISHED"));
    assertThat(jobs.findValuesAsText("name")).contains("lakeops-serve-" + model);
  }

  @Test
  void aClusterThatIsDownIsNamedAtOnce() {
    int closed = Processes.freePort(); // nothing listens there
    Result r =
        flinkRun(
            "down",
            List.of("-m", "127.0.0.1:" + closed),
            List.of("serve", "--project", "p", "--model", "m"));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.output())
        .contains("no Flink cluster answers at 127.0.0.1:" + closed)
        .contains("Start the session cluster");
  }

  static String event(String id, long time) {
    return "{\"event_id\":\"" + id + "\",\"market_id\":\"NSW\",\"event_time\":" + time + "}";
  }
}
