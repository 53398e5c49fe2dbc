package dev.lakeops.flink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.databricks.sdk.service.compute.ClusterSpec;
import com.databricks.sdk.service.jobs.CreateJob;
import com.databricks.sdk.service.jobs.RunIf;
import com.databricks.sdk.service.jobs.Task;
import com.databricks.sdk.service.jobs.TaskDependency;
import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.pipeline.Dag;
import dev.lakeops.common.pipeline.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Databricks export: built with the SDK's types, it round-trips through the SDK's JSON mapper,
 * its DAG is the pipeline's, and the committed Elec2 export is what the command writes today.
 */
class DatabricksJobTest {
  private static final Path ELEC2 =
      Path.of("").toAbsolutePath().getParent().resolve("conf/examples/elec2");

  /** The options the committed export was written with (see the README). */
  static final DatabricksJob TARGET =
      new DatabricksJob(
          "/Workspace/Shared/lakeops/conf/examples/elec2",
          "dbfs:/lakeops/warehouse",
          "dbfs:/lakeops/jars/lakeops-spark-jobs.jar",
          "dbfs:/lakeops/jars/lakeops-flink-jobs.jar",
          new ClusterSpec()
              .setSparkVersion("17.3.x-scala2.13")
              .setNodeTypeId("i3.xlarge")
              .setNumWorkers(2L),
          null);

  @TempDir Path tmp;

  /**
   * --submit: the job's settings for jobs/reset are the create body under the SDK's names; the
   * run's default idempotency token follows the job's definition (a retry gets the same one).
   */
  @Test
  void aSubmitUpdatesWithTheSameSettingsAndRetriesWithTheSameToken() throws Exception {
    ProjectConfig p = ProjectLoader.load(ELEC2);
    CreateJob job = TARGET.of(p.database(), p.pipelines().pipeline("retrain").orElseThrow());
    String json = DatabricksJob.json(job);
    var mapper = com.databricks.sdk.core.utils.SerDeUtils.createMapper();
    assertThat(mapper.readTree(mapper.writeValueAsString(DatabricksSubmit.settings(job))))
        .isEqualTo(mapper.readTree(json));
    String token = DatabricksSubmit.defaultToken(json);
    assertThat(token).matches("lakeops-[0-9a-f]{32}").hasSizeLessThanOrEqualTo(64);
    assertThat(DatabricksSubmit.defaultToken(json)).isEqualTo(token);
    String other = DatabricksJob.json(job.setName("lakeops elec2 other"));
    assertThat(DatabricksSubmit.defaultToken(other)).isNotEqualTo(token);
  }

  /** Without a workspace configured, --submit stops at once and says what to set. */
  @Test
  void aSubmitWithoutCredentialsSaysWhatToSet() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        System.getenv("DATABRICKS_HOST") == null
            && !java.nio.file.Files.exists(
                Path.of(System.getProperty("user.home"), ".databrickscfg")));
    assertThatThrownBy(DatabricksSubmit::config)
        .isInstanceOf(dev.lakeops.common.cli.CliArgs.UsageException.class)
        .hasMessageContaining("--submit needs a Databricks workspace and credentials")
        .hasMessageContaining("DATABRICKS_HOST")
        .hasMessageContaining("databricks jobs create --json @<file>");
  }

  @Test
  void theExportRoundTripsThroughTheSdkAndItsDagIsThePipelines() throws Exception {
    ProjectConfig p = ProjectLoader.load(ELEC2);
    Pipeline retrain = p.pipelines().pipeline("retrain").orElseThrow();
    CreateJob job = TARGET.of(p.database(), retrain);
    String json = DatabricksJob.json(job);
    assertThat(DatabricksJob.parse(json)).isEqualTo(job);
    assertThat(dagOf(DatabricksJob.parse(json)).edges()).isEqualTo(retrain.dag().edges());
    assertThat(json)
        .contains("\"task_key\" : \"training_set\"")
        .contains("\"depends_on\"")
        .contains("\"spark_jar_task\"")
        .contains("\"main_class_name\" : \"dev.lakeops.spark.cli.MlopsCli\"")
        .contains("\"job_cluster_key\" : \"lakeops\"");
    Task features =
        job.getTasks().stream()
            .filter(t -> t.getTaskKey().equals("features"))
            .findFirst()
            .orElseThrow();
    assertThat(features.getMaxRetries()).isEqualTo(1L);
    assertThat(features.getMinRetryIntervalMillis()).isEqualTo(30_000L);
    assertThat(features.getTimeoutSeconds()).isEqualTo(1800L);
    assertThat(features.getSparkJarTask().getParameters())
        .containsExactly(
            "features",
            "--project",
            "/Workspace/Shared/lakeops/conf/examples/elec2",
            "--warehouse",
            "dbfs:/lakeops/warehouse");
    Task promote =
        job.getTasks().stream()
            .filter(t -> t.getTaskKey().equals("promote"))
            .findFirst()
            .orElseThrow();
    assertThat(promote.getSparkJarTask().getParameters())
        .containsSubsequence("--model", "price_direction", "--version", "latest");
  }

  @Test
  void theCommittedElec2ExportIsWhatTheCommandWrites() throws IOException {
    ProjectConfig p = ProjectLoader.load(ELEC2);
    String json =
        DatabricksJob.json(
            TARGET.of(p.database(), p.pipelines().pipeline("retrain").orElseThrow()));
    assertThat(Files.readString(ELEC2.resolve("retrain.databricks.json")))
        .as("regenerate with the command in the README")
        .isEqualTo(json);
  }

  @Test
  void runIfRetriesAndTimeoutsCarryOverAndCommandTasksAreRefused() throws Exception {
    Path project = copy();
    Files.writeString(
        project.resolve("pipelines.yaml"),
        """
        pipelines:
          - name: p
            tasks:
              - {name: a, type: validate}
              - {name: b, type: monitor-report, params: {model: price_direction}, depends_on: [a], run_if: all_done}
              - {name: c, type: train, params: {model: price_direction}, depends_on: [a, b], run_if: at_least_one_failed, retries: 2, retry_backoff: 5s, timeout: 90s}
          - name: q
            tasks:
              - {name: x, type: command, params: {argv: [sh, -c, "true"]}}
        """);
    ProjectConfig p = ProjectLoader.load(project);
    CreateJob job = TARGET.of(p.database(), p.pipelines().pipeline("p").orElseThrow());
    Map<String, Task> tasks = new LinkedHashMap<>();
    job.getTasks().forEach(t -> tasks.put(t.getTaskKey(), t));
    assertThat(tasks.keySet()).containsExactly("a", "b", "c");
    assertThat(tasks.get("a").getRunIf()).isEqualTo(RunIf.ALL_SUCCESS);
    assertThat(tasks.get("a").getSparkJarTask().getParameters())
        .containsExactly("validate", "--project", "/Workspace/Shared/lakeops/conf/examples/elec2");
    assertThat(tasks.get("b").getRunIf()).isEqualTo(RunIf.ALL_DONE);
    assertThat(tasks.get("b").getSparkJarTask().getMainClassName())
        .isEqualTo(DatabricksJob.FLINK_MAIN);
    assertThat(tasks.get("b").getLibraries().iterator().next().getJar())
        .isEqualTo("dbfs:/lakeops/jars/lakeops-flink-jobs.jar");
    assertThat(tasks.get("c").getRunIf()).isEqualTo(RunIf.AT_LEAST_ONE_FAILED);
    assertThat(tasks.get("c").getMaxRetries()).isEqualTo(2L);
    assertThat(tasks.get("c").getMinRetryIntervalMillis()).isEqualTo(5000L);
    assertThat(tasks.get("c").getTimeoutSeconds()).isEqualTo(90L);
    assertThat(DatabricksJob.parse(DatabricksJob.json(job))).isEqualTo(job);
    assertThatThrownBy(() -> TARGET.of(p.database(), p.pipelines().pipeline("q").orElseThrow()))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("'x' is a command task");
  }

  private static Dag dagOf(CreateJob job) {
    Map<String, List<String>> deps = new LinkedHashMap<>();
    for (Task t : job.getTasks()) {
      deps.put(
          t.getTaskKey(),
          t.getDependsOn() == null
              ? List.of()
              : t.getDependsOn().stream().map(TaskDependency::getTaskKey).toList());
    }
    return new Dag(deps);
  }

  private Path copy() throws IOException {
    Path dir = tmp.resolve("elec2");
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(ELEC2)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName().toString()));
      }
    }
    return dir;
  }
}
