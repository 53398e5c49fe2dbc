package dev.lakeops.spark.training;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectFingerprint;
import dev.lakeops.common.registry.Lineage;
import dev.lakeops.common.registry.ModelState;
import dev.lakeops.common.registry.ModelVersion;
import dev.lakeops.common.registry.Stage;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.warehouse.TableRef;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.SparkErrors;
import dev.lakeops.spark.metadata.RunLog;
import dev.lakeops.spark.metadata.RunRecord;
import dev.lakeops.spark.metadata.TaskLog;
import dev.lakeops.spark.registry.DeltaModelRegistry;
import dev.lakeops.spark.store.DeltaTables;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The training pipeline of one model: build its training set → train (split, tune, evaluate,
 * profile) → save the artifact → register a new version with its lineage. Each step is a task in
 * the metadata store; the run records the exact Delta versions it read.
 */
public final class TrainingJob {
  public static final String PIPELINE = "train";

  private final SparkSession spark;
  private final ProjectConfig project;
  private final Warehouse warehouse;
  private final DeltaTables tables;
  private final RunLog runs;
  private final TaskLog tasks;
  private final DeltaModelRegistry registry;
  private final ModelArtifacts artifacts;

  public TrainingJob(SparkSession spark, ProjectConfig project, Warehouse warehouse) {
    this.spark = spark;
    this.project = project;
    this.warehouse = warehouse;
    this.tables = new DeltaTables(spark);
    this.runs = new RunLog(spark, tables, warehouse.runs());
    this.tasks = new TaskLog(spark, tables, warehouse.tasks());
    this.registry = new DeltaModelRegistry(spark, tables, warehouse.modelVersions());
    this.artifacts = new ModelArtifacts(spark.sparkContext().hadoopConfiguration());
  }

  /** A trained and registered version with its run. */
  public record Trained(RunRecord run, ModelVersion version, TrainResult result) {}

  public static ModelSpec spec(ProjectConfig project, String model) {
    ModelSpec spec = project.models().get(model);
    if (spec == null) {
      throw SparkErrors.unknownModel(model, project.models().keySet());
    }
    return spec;
  }

  /** Trains and registers a new version of {@code model}, by {@code by}. */
  public Trained train(String model, String by) {
    return train(model, by, null);
  }

  /**
   * Trains and registers a new version of {@code model}, by {@code by}, for the retraining trigger
   * {@code triggerId} (recorded in the run's params as {@code trigger_id}; null when no trigger
   * caused the run).
   */
  public Trained train(String model, String by, String triggerId) {
    ModelSpec spec = spec(project, model);
    String runId = UUID.randomUUID().toString();
    Instant started = Instant.now();
    Map<String, String> inputs = new LinkedHashMap<>();
    Map<String, String> params = new LinkedHashMap<>();
    params.put("model", model);
    params.put("training_set", spec.trainingSet());
    if (triggerId != null) {
      params.put("trigger_id", triggerId);
    }
    try {
      TableRef setTable = warehouse.trainingSet(spec.trainingSet());
      long setVersion =
          tasks.run(
              runId,
              PIPELINE,
              "build_training_set",
              () -> {
                RunRecord built =
                    new TrainingSetBuilder(spark, project, warehouse).build(spec.trainingSet());
                inputs.putAll(built.inputs());
                long v = built.outputs().get(setTable.name());
                inputs.put(setTable.name(), "v" + v);
                return new TaskLog.Outcome<>(
                    v,
                    Map.of(),
                    Map.of("rows", (double) built.rowsWritten()),
                    built.inputs(),
                    Map.of(setTable.name(), "v" + v));
              });
      params.put("training_set_version", String.valueOf(setVersion));
      Dataset<Row> rows = tables.read(setTable, setVersion);

      TrainResult result =
          tasks.run(
              runId,
              PIPELINE,
              "fit_and_evaluate",
              () -> {
                TrainResult r = ModelTrainer.train(spark, spec, rows);
                Map<String, Double> m = new LinkedHashMap<>(r.metrics());
                m.put("train_rows", (double) r.trainRows());
                m.put("holdout_rows", (double) r.holdoutRows());
                m.put("dropped_null_labels", (double) r.droppedNullLabels());
                Map<String, String> p = new LinkedHashMap<>(r.params());
                p.put(TrainResult.PARTITIONS_PARAM, String.valueOf(r.partitions()));
                return new TaskLog.Outcome<>(
                    r, p, m, Map.of(setTable.name(), "v" + setVersion), Map.of());
              });

      params.put(TrainResult.PARTITIONS_PARAM, String.valueOf(result.partitions()));
      String artifact = warehouse.modelArtifact(model, runId);
      tasks.run(
          runId,
          PIPELINE,
          "save_artifact",
          () -> {
            artifacts.saveModel(result.model(), artifact);
            artifacts.writeText(artifact, Warehouse.ARTIFACT_PROFILE, result.profile().toJson());
            artifacts.writeText(
                artifact, Warehouse.ARTIFACT_SIGNATURE, result.signature().toJson());
            artifacts.saveConfig(project.dir(), artifact);
            return new TaskLog.Outcome<>(
                null, Map.of(), Map.of(), Map.of(), Map.of("artifact", artifact));
          });
      params.put("artifact", artifact);

      Map<String, Long> lineageInputs = new LinkedHashMap<>();
      inputs.forEach((t, v) -> lineageInputs.put(t, Long.parseLong(v.substring(1))));
      String codeVersion = ProjectFingerprint.codeVersion(project.dir());
      String configHash = ProjectFingerprint.configHash(project.dir());
      ModelVersion draft =
          new ModelVersion(
              model,
              0,
              artifact,
              Instant.now(),
              Stage.NONE,
              result.metrics(),
              result.params(),
              result.signature().toJson(),
              result.profile().toJson(),
              new Lineage(runId, spec.trainingSet(), lineageInputs, codeVersion, configHash),
              List.of());
      ModelState state =
          tasks.run(
              runId,
              PIPELINE,
              "register",
              () -> {
                ModelState s =
                    registry.update(
                        model,
                        x -> x.register(draft, by, Instant.now(), "trained by run " + runId));
                return new TaskLog.Outcome<>(
                    s,
                    Map.of(),
                    Map.of(),
                    Map.of(),
                    Map.of("version", String.valueOf(s.nextVersion() - 1)));
              });
      ModelVersion registered =
          state.versions().stream()
              .filter(v -> v.lineage().runId().equals(runId))
              .findFirst()
              .orElseThrow();
      params.put("registered_version", String.valueOf(registered.version()));
      RunRecord run =
          RunRecord.finished(
                  project,
                  runId,
                  PIPELINE,
                  model,
                  "succeeded",
                  started,
                  result.trainRows() + result.holdoutRows(),
                  result.trainRows(),
                  0,
                  inputs,
                  Map.of(
                      warehouse.modelVersions().name(), tables.version(warehouse.modelVersions())),
                  null)
              .with(params, result.metrics());
      tasks.flush();
      runs.record(run);
      return new Trained(run, registered, result);
    } catch (RuntimeException e) {
      try {
        tasks.flush();
      } catch (RuntimeException recordFailure) {
        e.addSuppressed(recordFailure);
      }
      try {
        runs.record(
            RunRecord.finished(
                    project,
                    runId,
                    PIPELINE,
                    model,
                    "failed",
                    started,
                    0,
                    0,
                    0,
                    inputs,
                    Map.of(),
                    e.getMessage())
                .with(params, Map.of()));
      } catch (RuntimeException recordFailure) {
        e.addSuppressed(recordFailure);
      }
      throw e;
    }
  }
}
