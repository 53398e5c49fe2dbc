package dev.lakeops.flink.pipeline;

import com.databricks.sdk.core.utils.SerDeUtils;
import com.databricks.sdk.service.compute.ClusterSpec;
import com.databricks.sdk.service.compute.Library;
import com.databricks.sdk.service.jobs.CreateJob;
import com.databricks.sdk.service.jobs.CronSchedule;
import com.databricks.sdk.service.jobs.JobCluster;
import com.databricks.sdk.service.jobs.RunIf;
import com.databricks.sdk.service.jobs.SparkJarTask;
import com.databricks.sdk.service.jobs.Task;
import com.databricks.sdk.service.jobs.TaskDependency;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.pipeline.Pipeline;
import dev.lakeops.common.pipeline.PipelineTask;
import dev.lakeops.common.pipeline.TaskCommand;
import dev.lakeops.common.pipeline.TaskType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pipeline as a Databricks multi-task job (Jobs API 2.2 {@code jobs/create} body), built with the
 * Databricks SDK for Java's types so that the field names are the API's. Each task is a {@code
 * spark_jar_task} on one job cluster: the Spark commands run the Spark jobs' jar ({@code
 * dev.lakeops.spark.cli.MlopsCli}), {@code monitor-report} the Flink jobs' jar ({@code
 * dev.lakeops.flink.cli.FlinkCli}, which reads Delta tables with Delta Kernel and needs no Flink
 * cluster). {@code depends_on}, {@code run_if}, {@code retries} ({@code max_retries}), {@code
 * retry_backoff} ({@code min_retry_interval_millis}: Databricks waits that long before every retry,
 * without doubling) and {@code timeout} ({@code timeout_seconds}) carry over. A {@code command}
 * task has no Databricks counterpart and is refused.
 *
 * @param project the project directory as the cluster sees it, e.g. {@code
 *     /Workspace/Shared/lakeops/conf/examples/elec2}
 * @param warehouse the warehouse root as the cluster sees it, e.g. {@code dbfs:/lakeops/warehouse}
 * @param sparkJar the Spark jobs' jar, e.g. {@code dbfs:/lakeops/jars/lakeops-spark-jobs.jar}
 * @param flinkJar the Flink jobs' jar (for {@code monitor-report} tasks)
 * @param cluster the job cluster every task runs on
 * @param quartzCron a schedule (Quartz cron, UTC), or null for none
 */
record DatabricksJob(
    String project,
    String warehouse,
    String sparkJar,
    String flinkJar,
    ClusterSpec cluster,
    String quartzCron) {
  /** The job cluster's key. */
  static final String CLUSTER_KEY = "lakeops";

  static final String SPARK_MAIN = "dev.lakeops.spark.cli.MlopsCli";
  static final String FLINK_MAIN = "dev.lakeops.flink.cli.FlinkCli";

  /**
   * The {@code jobs/create} body of {@code pipeline}, tasks in dependency order.
   *
   * @throws UsageException when the pipeline has a {@code command} task
   */
  CreateJob of(String database, Pipeline pipeline) {
    List<Task> tasks = new ArrayList<>();
    for (String name : pipeline.dag().topologicalOrder()) {
      tasks.add(task(pipeline.task(name)));
    }
    CreateJob job =
        new CreateJob()
            .setName("lakeops " + database + " " + pipeline.name())
            .setDescription(pipeline.description())
            .setTags(Map.of("lakeops_pipeline", pipeline.name()))
            .setMaxConcurrentRuns(1L)
            .setJobClusters(
                List.of(new JobCluster().setJobClusterKey(CLUSTER_KEY).setNewCluster(cluster)))
            .setTasks(tasks);
    if (quartzCron != null) {
      job.setSchedule(new CronSchedule().setQuartzCronExpression(quartzCron).setTimezoneId("UTC"));
    }
    return job;
  }

  private Task task(PipelineTask t) {
    if (t.type() == TaskType.COMMAND) {
      throw new UsageException(
          "pipeline export-databricks",
          "the task '"
              + t.name()
              + "' is a command task, which a Databricks job cannot run; export a pipeline of"
              + " mlops tasks only (or make the command a task of its own job).");
    }
    boolean flink = !t.type().sparkJob();
    List<String> argv =
        TaskCommand.argv(t, Path.of("mlops"), Path.of(project), warehouse, t.params());
    Task task =
        new Task()
            .setTaskKey(t.name())
            .setJobClusterKey(CLUSTER_KEY)
            .setSparkJarTask(
                new SparkJarTask()
                    .setMainClassName(flink ? FLINK_MAIN : SPARK_MAIN)
                    .setParameters(argv.subList(1, argv.size())))
            .setLibraries(List.of(new Library().setJar(flink ? flinkJar : sparkJar)))
            .setRunIf(runIf(t.runIf()));
    if (!t.dependsOn().isEmpty()) {
      task.setDependsOn(
          t.dependsOn().stream().map(d -> new TaskDependency().setTaskKey(d)).toList());
    }
    if (t.retries() > 0) {
      task.setMaxRetries((long) t.retries())
          .setMinRetryIntervalMillis(t.retryBackoff().toMillis())
          .setRetryOnTimeout(true);
    }
    if (t.timeout() != null) {
      task.setTimeoutSeconds(Math.max(1, t.timeout().toSeconds()));
    }
    return task;
  }

  private static RunIf runIf(dev.lakeops.common.pipeline.RunIf r) {
    return switch (r) {
      case ALL_SUCCESS -> RunIf.ALL_SUCCESS;
      case ALL_DONE -> RunIf.ALL_DONE;
      case AT_LEAST_ONE_FAILED -> RunIf.AT_LEAST_ONE_FAILED;
    };
  }

  /** The job as the JSON the Jobs API takes (the SDK's own mapper), indented. */
  static String json(CreateJob job) {
    try {
      return SerDeUtils.createMapper().writerWithDefaultPrettyPrinter().writeValueAsString(job)
          + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the job as JSON", e);
    }
  }

  /** Reads {@link #json} back into the SDK's type. */
  static CreateJob parse(String json) throws JsonProcessingException {
    return SerDeUtils.createMapper().readValue(json, CreateJob.class);
  }
}
