package dev.lakeops.flink.pipeline;

import dev.lakeops.common.pipeline.PipelineTask;
import dev.lakeops.common.pipeline.TaskCommand;
import dev.lakeops.common.pipeline.TaskType;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.FlinkErrors;
import dev.lakeops.flink.registry.RegistryReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a task's argv when it starts ({@link TaskCommand}), with the values known only then: a
 * {@code promote} task's {@code version: latest} (the default) becomes the model's newest
 * registered version, read from the registry with Delta Kernel.
 *
 * <p>With a {@link SparkSubmit}, the Spark jobs among the tasks ({@link TaskType#sparkJob()}) run
 * through {@code <checkout>/submit/spark-submit} on its master instead of the embedded default:
 * {@code submit/spark-submit --master <url> [--conf k=v ...] [--delta mode] -- <command> ...}
 * (SPARK_HOME comes from the runner's environment). {@code monitor-report} and command tasks run as
 * before.
 *
 * @param launcher the {@code mlops} launcher the typed tasks run ({@code <checkout>/submit/mlops})
 * @param warehouse the project's warehouse (for the registry)
 * @param sparkSubmit where the Spark tasks run; null for the embedded default ({@code local[*]})
 */
record TaskCommands(Path launcher, Warehouse warehouse, SparkSubmit sparkSubmit) {
  /**
   * A Spark master for the pipeline's Spark tasks.
   *
   * @param script {@code <checkout>/submit/spark-submit}
   * @param master a Spark master URL ({@code spark://host:7077}, {@code yarn}, {@code k8s://...},
   *     {@code local[4]})
   * @param conf Spark properties passed as {@code --conf key=value}, in order
   * @param delta how Delta reaches the cluster ({@code packages}, {@code jars}, {@code provided});
   *     null for the script's default
   */
  record SparkSubmit(Path script, String master, List<String> conf, String delta) {
    /** The words before the task's {@code mlops} command line. */
    List<String> prefix() {
      List<String> out = new ArrayList<>(List.of(script.toString(), "--master", master));
      for (String c : conf) {
        out.add("--conf");
        out.add(c);
      }
      if (delta != null) {
        out.add("--delta");
        out.add(delta);
      }
      out.add("--");
      return out;
    }
  }

  TaskCommands(Path launcher, Warehouse warehouse) {
    this(launcher, warehouse, null);
  }

  /**
   * The argv of {@code task}.
   *
   * @throws dev.lakeops.common.error.LakeOpsException when {@code latest} has no version to name
   */
  List<String> argv(PipelineTask task, Path project, String warehouseRoot) {
    Map<String, Object> params = new LinkedHashMap<>(task.params());
    if (task.type() == TaskType.PROMOTE) {
      Object v = params.getOrDefault("version", "latest");
      if ("latest".equals(v)) {
        String model = task.param("model");
        int latest =
            new RegistryReader(warehouse)
                .latestVersion(model)
                .orElseThrow(() -> FlinkErrors.noVersionToPromote(model, warehouse.root()));
        params.put("version", String.valueOf(latest));
      }
    }
    List<String> argv = TaskCommand.argv(task, launcher, project, warehouseRoot, params);
    if (sparkSubmit == null || !task.type().sparkJob()) {
      return argv;
    }
    List<String> out = new ArrayList<>(sparkSubmit.prefix());
    out.addAll(argv.subList(1, argv.size()));
    return out;
  }
}
