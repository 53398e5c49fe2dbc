package dev.lakeops.flink;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.ConfigProblem;
import dev.lakeops.common.error.LakeOpsException;

/**
 * The user-facing errors of the Flink jobs, built in one place (as Delta Kernel's {@code
 * DeltaErrors}): one static method per error, whose message says the problem, its cause and the
 * fix. Each returns the exception for the caller to throw.
 */
public final class FlinkErrors {
  private FlinkErrors() {}

  /** Serving needs a production version of the model, and the registry has none. */
  public static LakeOpsException noProductionVersion(String model) {
    return new LakeOpsException(
        "Model '"
            + model
            + "' has no production version in the registry. Train one and"
            + " promote it (mlops train / mlops promote) before serving.");
  }

  /** A Delta table the job writes to does not exist (yet). */
  public static LakeOpsException noDeltaTable(String path) {
    return new LakeOpsException("no Delta table at " + path);
  }

  /** The command names a model models.yaml does not define; the message lists the ones it does. */
  public static ConfigException unknownModel(ProjectConfig project, String model) {
    return new ConfigException(
        new ConfigProblem(
            project.dir().resolve(ProjectLoader.MODELS).toString(),
            "models",
            0,
            "there is no model '"
                + model
                + "'; the project defines "
                + project.models().keySet()
                + ".",
            "pass --model with one of them, or add the model to " + ProjectLoader.MODELS + "."));
  }

  // ---- option builders (OnlineStoreJob.Options, ServeSettings): exit 2 ----------------------

  /** A required option of a job's options was not given. */
  public static ConfigProblem missingOption(String source, String option, String what) {
    return new ConfigProblem(
        source, option, 0, "a value is required (" + what + ") but none was given.", "give it.");
  }

  /** A job's option is below its minimum. */
  public static ConfigProblem optionBelow(
      String source, String option, String min, String got, String what) {
    return new ConfigProblem(
        source,
        option,
        0,
        "expected at least " + min + " (" + what + "), got " + got + ".",
        "give " + min + " or more.");
  }

  /** The problems a job's option builder found, together (a configuration error: exit 2). */
  public static ConfigException invalidOptions(java.util.List<ConfigProblem> problems) {
    return new ConfigException(problems);
  }
}
