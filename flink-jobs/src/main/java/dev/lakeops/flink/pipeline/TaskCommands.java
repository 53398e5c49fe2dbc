package dev.lakeops.flink.pipeline;

import dev.lakeops.common.pipeline.PipelineTask;
import dev.lakeops.common.pipeline.TaskCommand;
import dev.lakeops.common.pipeline.TaskType;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.FlinkErrors;
import dev.lakeops.flink.registry.RegistryReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a task's argv when it starts ({@link TaskCommand}), with the values known only then: a
 * {@code promote} task's {@code version: latest} (the default) becomes the model's newest
 * registered version, read from the registry with Delta Kernel.
 *
 * @param launcher the {@code mlops} launcher the typed tasks run ({@code <checkout>/submit/mlops})
 * @param warehouse the project's warehouse (for the registry)
 */
record TaskCommands(Path launcher, Warehouse warehouse) {
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
    return TaskCommand.argv(task, launcher, project, warehouseRoot, params);
  }
}
