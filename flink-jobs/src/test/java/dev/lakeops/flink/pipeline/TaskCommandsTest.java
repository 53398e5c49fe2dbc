package dev.lakeops.flink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.pipeline.Pipeline;
import dev.lakeops.common.warehouse.Warehouse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The argv of a pipeline's tasks: on the embedded default every typed task runs {@code
 * submit/mlops}; with a Spark master the Spark jobs go through {@code submit/spark-submit} with the
 * master, the Spark properties and the Delta mode before {@code --}, the rest unchanged.
 */
class TaskCommandsTest {
  private static final Path ELEC2 =
      Path.of("").toAbsolutePath().getParent().resolve("conf/examples/elec2");
  private static final Path HOME = Path.of("/opt/lakeops");

  @Test
  void sparkTasksGoToTheMasterThroughSparkSubmitAndTheRestStayLocal() throws Exception {
    ProjectConfig p = ProjectLoader.load(ELEC2);
    Pipeline retrain = p.pipelines().pipeline("retrain").orElseThrow();
    Warehouse wh = Warehouse.of("/data/wh", p);
    TaskCommands embedded = new TaskCommands(HOME.resolve("submit/mlops"), wh);
    TaskCommands cluster =
        new TaskCommands(
            HOME.resolve("submit/mlops"),
            wh,
            new TaskCommands.SparkSubmit(
                HOME.resolve("submit/spark-submit"),
                "spark://10.0.0.5:7077",
                List.of("spark.executor.memory=2g", "spark.sql.shuffle.partitions=8"),
                "jars"));

    List<String> local = embedded.argv(retrain.tasks().get("train"), ELEC2, "/data/wh");
    assertThat(local)
        .containsExactly(
            "/opt/lakeops/submit/mlops",
            "train",
            "--project",
            ELEC2.toString(),
            "--warehouse",
            "/data/wh",
            "--model",
            "price_direction",
            "--by",
            "pipeline");
    assertThat(cluster.argv(retrain.tasks().get("train"), ELEC2, "/data/wh"))
        .containsExactly(
            "/opt/lakeops/submit/spark-submit",
            "--master",
            "spark://10.0.0.5:7077",
            "--conf",
            "spark.executor.memory=2g",
            "--conf",
            "spark.sql.shuffle.partitions=8",
            "--delta",
            "jars",
            "--",
            "train",
            "--project",
            ELEC2.toString(),
            "--warehouse",
            "/data/wh",
            "--model",
            "price_direction",
            "--by",
            "pipeline");
  }

  @Test
  void monitorReportAndCommandTasksAreNotSparkJobs() {
    assertThat(
            java.util.Arrays.stream(dev.lakeops.common.pipeline.TaskType.values())
                .filter(t -> !t.sparkJob())
                .map(dev.lakeops.common.pipeline.TaskType::key))
        .containsExactlyInAnyOrder("monitor-report", "command");
  }
}
