package dev.lakeops.common.pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a pipeline task runs. Each typed task is one {@code mlops} command run as its own process
 * ({@code submit/mlops <command> --project <dir> --warehouse <root> <params>}); {@link #COMMAND}
 * runs any argv. {@link #params()} are the task's accepted {@code params:} keys; those in {@link
 * #references()} name a model, training set, feature view or source of the project and are checked
 * at load.
 */
public enum TaskType {
  VALIDATE("validate", "validate", List.of()),
  FEATURES("features", "features", List.of("source", "full_refresh")),
  TRAINING_SET("training-set", "training-set", List.of("training_set")),
  TRAIN("train", "train", List.of("model", "by")),
  PROMOTE("promote", "promote", List.of("model", "version", "reason", "to", "by", "force")),
  MATERIALIZE("materialize", "materialize", List.of("view", "as_of", "online_store")),
  /** {@code mlops batch-score}: its params are passed through; only the names are checked. */
  BATCH_SCORE("batch-score", "batch-score", null),
  MONITOR_REPORT("monitor-report", "report", List.of("model", "out")),
  /** A generic command: {@code params: {argv: [...]}}, run as is in the project's directory. */
  COMMAND("command", null, List.of("argv"));

  /** The params that name a project object: param key to the kind of object it names. */
  public enum Reference {
    MODEL("model", "models.yaml"),
    TRAINING_SET("training set", "training_sets.yaml"),
    FEATURE_VIEW("feature view", "feature_views.yaml"),
    SOURCE("source", "sources.yaml");

    private final String kind;
    private final String file;

    Reference(String kind, String file) {
      this.kind = kind;
      this.file = file;
    }

    /** The object's kind as users read it, e.g. {@code training set}. */
    public String kind() {
      return kind;
    }

    /** The file that declares objects of this kind, e.g. {@code models.yaml}. */
    public String file() {
      return file;
    }

    /** The reference a param key makes, if any ({@code model}, {@code training_set}, ...). */
    public static Optional<Reference> ofParam(String key) {
      return switch (key) {
        case "model" -> Optional.of(MODEL);
        case "training_set" -> Optional.of(TRAINING_SET);
        case "view", "feature_view" -> Optional.of(FEATURE_VIEW);
        case "source" -> Optional.of(SOURCE);
        default -> Optional.empty();
      };
    }
  }

  private final String key;
  private final String mlopsCommand;
  private final List<String> params;

  TaskType(String key, String mlopsCommand, List<String> params) {
    this.key = key;
    this.mlopsCommand = mlopsCommand;
    this.params = params;
  }

  /** The type as written in {@code pipelines.yaml}, e.g. {@code training-set}. */
  public String key() {
    return key;
  }

  /** The {@code mlops} command a typed task runs; null for {@link #COMMAND}. */
  public String mlopsCommand() {
    return mlopsCommand;
  }

  /**
   * Whether the task is a Spark job (the Spark jobs' jar): every typed task but {@link
   * #MONITOR_REPORT} (the Flink jobs' jar, Delta Kernel only) and {@link #COMMAND}.
   */
  public boolean sparkJob() {
    return this != MONITOR_REPORT && this != COMMAND;
  }

  /** The accepted param keys; null when any key is accepted ({@link #BATCH_SCORE}). */
  public List<String> params() {
    return params;
  }

  /** The params a task of this type cannot do without. */
  public Set<String> requiredParams() {
    return switch (this) {
      case TRAIN, PROMOTE, MONITOR_REPORT, BATCH_SCORE -> Set.of("model");
      case COMMAND -> Set.of("argv");
      default -> Set.of();
    };
  }

  /**
   * Whether an attempt that ended with {@code exitCode} succeeded: 0, and for {@link #PROMOTE} also
   * 3 (the gate refused the version: a decision recorded in the audit trail, not a failure).
   */
  public boolean succeeded(int exitCode) {
    return exitCode == 0 || this == PROMOTE && exitCode == 3;
  }

  /** The type of a {@code type:} value, or empty. */
  public static Optional<TaskType> byKey(String key) {
    return Arrays.stream(values()).filter(t -> t.key.equals(key)).findFirst();
  }

  /** Every {@code type:} value, in declaration order. */
  public static List<String> keys() {
    return Arrays.stream(values()).map(TaskType::key).toList();
  }
}
