package dev.lakeops.common.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The argv a task runs. A typed task is {@code <launcher> <mlops command> --project <dir>
 * --warehouse <root>} followed by its params as options ({@code training_set: x} becomes {@code
 * --name x} for {@code training-set}; any other {@code key_word: v} becomes {@code --key-word v}; a
 * {@code true} flag becomes {@code --flag}, a {@code false} one nothing); {@code validate}, which
 * reads the configuration only, gets no {@code --warehouse}. A {@code command} task is its {@code
 * argv} as written.
 */
public final class TaskCommand {
  private TaskCommand() {}

  /**
   * @param launcher the {@code mlops} launcher, e.g. {@code <checkout>/submit/mlops}
   * @param project the project directory (absolute)
   * @param warehouse the warehouse root, as the runner was given it
   * @param params the task's params with run-time values resolved (e.g. a promote's {@code version:
   *     latest} replaced by a number); usually {@link PipelineTask#params()}
   */
  public static List<String> argv(
      PipelineTask task,
      Path launcher,
      Path project,
      String warehouse,
      Map<String, Object> params) {
    List<String> out = new ArrayList<>();
    if (task.type() == TaskType.COMMAND) {
      for (Object word : (List<?>) params.get("argv")) {
        out.add(String.valueOf(word));
      }
      return out;
    }
    out.add(launcher.toString());
    out.add(task.type().mlopsCommand());
    out.add("--project");
    out.add(project.toString());
    if (task.type() != TaskType.VALIDATE) {
      out.add("--warehouse");
      out.add(warehouse);
    }
    params.forEach(
        (key, value) -> {
          if (value instanceof Boolean b) {
            if (b) {
              out.add(option(task.type(), key));
            }
            return;
          }
          out.add(option(task.type(), key));
          out.add(String.valueOf(value));
        });
    return out;
  }

  private static String option(TaskType type, String key) {
    if (type == TaskType.TRAINING_SET && key.equals("training_set")) {
      return "--name";
    }
    return "--" + key.replace('_', '-');
  }
}
