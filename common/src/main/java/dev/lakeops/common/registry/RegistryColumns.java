package dev.lakeops.common.registry;

import java.util.List;

/**
 * The columns of the model registry's Delta table ({@code <warehouse>/<database>/_lakeops/
 * model_versions}, see {@link dev.lakeops.common.warehouse.Warehouse#modelVersions()}): one row per
 * model version, partitioned by {@link #MODEL}. Spark writes the table ({@code DeltaModelRegistry})
 * and reads it back; Flink's serving reads it with Delta Kernel ({@code RegistryReader}). Both name
 * the columns from here.
 */
public final class RegistryColumns {
  /** The model's name (string, not null); the partition column. */
  public static final String MODEL = "model";

  /** The version number (int, not null), from 1 per model. */
  public static final String VERSION = "version";

  /** The stage ({@link Stage#key()}: string, not null). */
  public static final String STAGE = "stage";

  /**
   * The model's registry epoch (long, not null): the same on every row of the model, raised by one
   * with every committed change of the model.
   */
  public static final String EPOCH = "epoch";

  /** The version's artifact directory (string; see {@code Warehouse#modelArtifact}). */
  public static final String ARTIFACT = "artifact";

  /** When the version was registered (timestamp, µs). */
  public static final String CREATED_AT = "created_at";

  /** The evaluation metrics (map of string to double). */
  public static final String METRICS = "metrics";

  /** The training parameters (map of string to string). */
  public static final String PARAMS = "params";

  /** The model's signature (string: JSON of inputs with types, label, outputs). */
  public static final String SIGNATURE = "signature";

  /** The training data's reference profile (string: JSON). */
  public static final String PROFILE = "profile";

  /** Where the version came from (struct of the {@code LINEAGE_*} fields). */
  public static final String LINEAGE = "lineage";

  /** The version's audit trail (array of structs of the {@code TRANSITION_*} fields). */
  public static final String HISTORY = "history";

  /** The columns in the table's order. */
  public static final List<String> ALL =
      List.of(
          MODEL,
          VERSION,
          STAGE,
          EPOCH,
          ARTIFACT,
          CREATED_AT,
          METRICS,
          PARAMS,
          SIGNATURE,
          PROFILE,
          LINEAGE,
          HISTORY);

  /** {@link #LINEAGE}'s fields: the run, training set, input versions, code and config. */
  public static final String LINEAGE_RUN_ID = "run_id";

  public static final String LINEAGE_TRAINING_SET = "training_set";

  /** Input table path to its Delta version (map of string to long). */
  public static final String LINEAGE_INPUTS = "inputs";

  public static final String LINEAGE_CODE_VERSION = "code_version";

  public static final String LINEAGE_CONFIG_HASH = "config_hash";

  /** {@link #HISTORY}'s fields, one struct per {@link Transition}. */
  public static final String TRANSITION_ID = "id";

  public static final String TRANSITION_VERSION = "version";

  public static final String TRANSITION_KIND = "kind";

  public static final String TRANSITION_FROM_STAGE = "from_stage";

  public static final String TRANSITION_TO_STAGE = "to_stage";

  public static final String TRANSITION_BY = "by";

  /** When the transition happened (timestamp, µs). */
  public static final String TRANSITION_AT = "at";

  public static final String TRANSITION_REASON = "reason";

  /** Gate results and other details (map of string to string). */
  public static final String TRANSITION_DETAILS = "details";

  private RegistryColumns() {}
}
