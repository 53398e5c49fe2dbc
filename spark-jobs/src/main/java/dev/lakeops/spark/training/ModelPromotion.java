package dev.lakeops.spark.training;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.registry.Gate;
import dev.lakeops.common.registry.GateDecision;
import dev.lakeops.common.registry.GatePolicy;
import dev.lakeops.common.registry.ModelState;
import dev.lakeops.common.registry.ModelVersion;
import dev.lakeops.common.registry.Stage;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.Signature;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.SparkErrors;
import dev.lakeops.spark.registry.DeltaModelRegistry;
import dev.lakeops.spark.store.DeltaTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Moves model versions between stages. A promotion to production goes through the gate: the
 * challenger must predict no NaN, need no input the champion's serving path lacks, and beat the
 * champion on the challenger's holdout by the configured margin on the configured metric. The
 * decision and its numbers go into the audit trail, accepted or not.
 */
public final class ModelPromotion {
  private final SparkSession spark;
  private final Warehouse warehouse;
  private final DeltaTables tables;
  private final DeltaModelRegistry registry;
  private final ModelArtifacts artifacts;

  public ModelPromotion(SparkSession spark, Warehouse warehouse) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.tables = new DeltaTables(spark);
    this.registry = new DeltaModelRegistry(spark, tables, warehouse.modelVersions());
    this.artifacts = new ModelArtifacts(spark.sparkContext().hadoopConfiguration());
  }

  public DeltaModelRegistry registry() {
    return registry;
  }

  /** The outcome of a promotion request. */
  public record Outcome(boolean promoted, GateDecision decision, ModelState state) {}

  /** Promotes a version to production through the gate. */
  public Outcome promote(String model, int version, String by, String reason) {
    return promote(model, version, by, reason, null);
  }

  /**
   * Promotes a version to production through the gate, with the version's model and holdout still
   * in memory from the run that trained it ({@code fresh}, from {@link TrainingJob#train}; null to
   * load them): the gate then neither reloads the challenger's artifact nor rebuilds its holdout
   * from the training set, and decides on the same rows with the same metric code.
   *
   * @throws IllegalArgumentException when {@code fresh} is another version than {@code version}
   */
  public Outcome promote(
      String model, int version, String by, String reason, TrainingJob.Trained fresh) {
    if (fresh != null
        && (!fresh.version().model().equals(model) || fresh.version().version() != version)) {
      throw new IllegalArgumentException(
          "the trained model in memory is "
              + fresh.version().model()
              + " version "
              + fresh.version().version()
              + ", not "
              + model
              + " version "
              + version);
    }
    for (int attempt = 0; attempt < 10; attempt++) {
      ModelState observed = registry.state(model);
      ModelVersion challenger = versionOf(observed, version);
      if (challenger.stage() == Stage.PRODUCTION) {
        throw SparkErrors.alreadyChampion(model, version);
      }
      Optional<ModelVersion> champion = observed.champion();
      GateDecision d = decide(challenger, champion, fresh);
      Integer championVersion = champion.map(ModelVersion::version).orElse(null);
      try {
        ModelState after =
            registry.update(
                model,
                s -> {
                  Integer now = s.champion().map(ModelVersion::version).orElse(null);
                  if (!java.util.Objects.equals(now, championVersion)) {
                    throw new ChampionChanged();
                  }
                  String why =
                      (reason == null || reason.isBlank() ? "" : reason + "; ")
                          + "gate: "
                          + d.reason();
                  return d.accepted()
                      ? s.move(version, Stage.PRODUCTION, by, Instant.now(), why, d.details())
                      : s.refuse(version, Stage.PRODUCTION, by, Instant.now(), why, d.details());
                });
        return new Outcome(d.accepted(), d, after);
      } catch (ChampionChanged e) {
        // Another promotion landed while we evaluated: decide again against the new champion.
      }
    }
    throw SparkErrors.championKeptChanging(model);
  }

  /** Promotes without the gate; the reason is required and recorded. */
  public ModelState force(String model, int version, Stage to, String by, String reason) {
    if (reason == null || reason.isBlank()) {
      throw SparkErrors.forcedWithoutReason();
    }
    return registry.update(
        model,
        s -> s.move(version, to, by, Instant.now(), "forced: " + reason, Map.of("forced", "true")));
  }

  /**
   * Scores the challenger and the champion on the same holdout rows (the challenger's: from the run
   * that trained it when {@code fresh} is given, else rebuilt from its recorded training-set
   * version) in one pass, with the same exact metric code as the registered metrics, and applies
   * the gate's rule ({@link Gate#decide}).
   */
  private GateDecision decide(
      ModelVersion challenger, Optional<ModelVersion> champion, TrainingJob.Trained fresh) {
    ModelSpec spec = specOf(challenger);
    Dataset<Row> holdout = fresh != null ? fresh.result().holdout() : holdoutOf(challenger, spec);
    PipelineModel challengerModel =
        fresh != null ? fresh.result().model() : artifacts.loadModel(challenger.artifact());
    String metric = spec.gate().metric().key();
    GatePolicy policy =
        new GatePolicy(metric, spec.gate().minImprovement(), spec.gate().metric().higherIsBetter());
    boolean compatible =
        champion.isEmpty()
            || compatible(
                Signature.fromJson(challenger.signature()),
                Signature.fromJson(champion.get().signature()));
    PipelineModel championModel =
        champion.isPresent() && compatible ? artifacts.loadModel(champion.get().artifact()) : null;
    ModelTrainer.Pair scored =
        ModelTrainer.evaluatePair(spec, challengerModel, championModel, holdout);
    Double championValue =
        scored.champion() == null ? null : scored.champion().getOrDefault(metric, Double.NaN);
    GateDecision d =
        Gate.decide(
            policy,
            scored.challenger().getOrDefault(metric, Double.NaN),
            championValue,
            scored.challengerNaN() == 0,
            compatible);
    return d.withHoldoutRows(scored.rows());
  }

  /** The challenger may only need inputs the champion also takes, with the same types. */
  static boolean compatible(Signature challenger, Signature champion) {
    for (Signature.Field f : challenger.inputs()) {
      Optional<Signature.Field> c = champion.input(f.name());
      if (c.isEmpty() || !c.get().type().equals(f.type())) {
        return false;
      }
    }
    return true;
  }

  /** The version's holdout, rebuilt from its training set at the recorded Delta version. */
  Dataset<Row> holdoutOf(ModelVersion v, ModelSpec spec) {
    String table = warehouse.trainingSet(spec.trainingSet()).name();
    Long version = v.lineage().inputs().get(table);
    if (version == null) {
      throw SparkErrors.noTrainingSetVersion(v.model(), v.version(), table);
    }
    return ModelTrainer.split(spec, tables.read(warehouse.trainingSet(spec.trainingSet()), version))
        .holdout();
  }

  /** The model spec the version was trained from (its artifact keeps the configuration). */
  ModelSpec specOf(ModelVersion v) {
    return TrainingJob.spec(projectOf(v.artifact()), v.model());
  }

  ProjectConfig projectOf(String artifact) {
    try {
      Path dir = Files.createTempDirectory("lakeops-config");
      return ProjectLoader.load(artifacts.restoreConfig(artifact, dir));
    } catch (IOException e) {
      throw SparkErrors.configNotRestored(artifact, e);
    }
  }

  private static ModelVersion versionOf(ModelState s, int version) {
    return s.version(version)
        .orElseThrow(
            () ->
                dev.lakeops.common.error.Errors.noSuchModelVersion(
                    s.model(), version, s.versions().stream().map(ModelVersion::version).toList()));
  }

  private static final class ChampionChanged extends RuntimeException {
    ChampionChanged() {
      super(null, null, false, false);
    }
  }
}
