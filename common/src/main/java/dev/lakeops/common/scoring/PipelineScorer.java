package dev.lakeops.common.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeops.common.error.Errors;
import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.common.types.ColumnType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Scores rows with a saved MLlib PipelineModel, without Spark, giving what Spark's {@code
 * transform()} gives (to the last bit in the tests, within 1e-9 by contract).
 *
 * <p>{@link #load} reads the pipeline once: each stage's metadata JSON and Parquet data, through
 * Hadoop's FileSystem (a local path or any Hadoop URI). Every column name is resolved to a slot of
 * a compiled plan, so {@link #score} works on arrays: a per-thread frame is reused row after row,
 * and the only allocations of a row are its {@link Scored} result.
 *
 * <p>Supported stages: VectorAssembler, Imputer, SQLTransformer (only the boolean casts of the
 * training job), StandardScaler, MinMaxScaler, StringIndexer, OneHotEncoder, LogisticRegression
 * (binary and multinomial), LinearRegression, and decision tree, random forest and gradient-boosted
 * tree classifiers and regressors. The last stage must be one of the models. Any other stage fails
 * at load with a {@link LakeOpsException} naming its class.
 *
 * <p>A row that Spark would drop ({@code handleInvalid = "skip"}) or fail on ({@code "error"})
 * raises {@link InvalidRowException}, never a made-up score.
 *
 * <p>Thread-safe: the plan is immutable and each thread gets its own frame.
 */
public final class PipelineScorer {
  private final List<Stage> stages;
  private final ModelStage model;
  private final Layout layout;
  private final int[] inputSlots;
  private final String[] inputNames;
  private final boolean[] declaredIntegral;
  private final List<String> inputColumns;
  private final ThreadLocal<Frame> frames;

  private PipelineScorer(List<Stage> stages, ModelStage model, Layout layout) {
    this.stages = stages;
    this.model = model;
    this.layout = layout;
    this.inputSlots = layout.inputSlots();
    this.inputColumns = layout.inputNames();
    this.inputNames = inputColumns.toArray(String[]::new);
    this.declaredIntegral = new boolean[inputNames.length];
    for (int i = 0; i < inputNames.length; i++) {
      ColumnType t = layout.declaredType(inputNames[i]);
      declaredIntegral[i] = t == ColumnType.LONG || t == ColumnType.INT;
    }
    this.frames = ThreadLocal.withInitial(() -> new Frame(layout, model.numClasses()));
  }

  /**
   * Loads the PipelineModel directory (a local path or any Hadoop filesystem URI).
   *
   * @throws dev.lakeops.common.error.LakeOpsException when a stage is not supported, naming its
   *     class
   */
  public static PipelineScorer load(String dir) {
    return load(dir, Map.of());
  }

  /**
   * Loads the pipeline, knowing the input columns' types (those of the model's {@link
   * dev.lakeops.common.training.Signature}). A type matters where Spark casts to it: the Imputer
   * truncates its surrogate in a long or integer column, also when the row's value is null.
   */
  public static PipelineScorer load(String dir, Map<String, ColumnType> inputTypes) {
    return load(dir, inputTypes, new Configuration());
  }

  /**
   * Loads a registered model: {@code dir} is the version's {@code model/} directory, {@code
   * signature} its signature (the input types are taken from it).
   */
  public static PipelineScorer load(String dir, dev.lakeops.common.training.Signature signature) {
    Map<String, ColumnType> types = new HashMap<>();
    for (dev.lakeops.common.training.Signature.Field f : signature.inputs()) {
      types.put(f.name(), f.type());
    }
    return load(dir, types);
  }

  /** As {@link #load(String, Map)}, with a Hadoop configuration (credentials, filesystems). */
  public static PipelineScorer load(
      String dir, Map<String, ColumnType> inputTypes, Configuration conf) {
    Path root = new Path(dir);
    SavedStage pipeline = SavedStage.open(root, conf);
    if (!pipeline.className.equals("org.apache.spark.ml.PipelineModel")) {
      throw Errors.notAPipelineModel(dir, pipeline.className);
    }
    JsonNode uids = pipeline.metadata.path("paramMap").path("stageUids");
    List<Path> stageDirs = stageDirs(root, conf, uids);
    Layout layout = new Layout(new HashMap<>(inputTypes));
    List<Stage> stages = new ArrayList<>();
    for (Path p : stageDirs) {
      stages.add(StageRegistry.load(SavedStage.open(p, conf), layout));
    }
    if (stages.isEmpty() || !(stages.get(stages.size() - 1) instanceof ModelStage m)) {
      throw Errors.noSupportedModelLast(
          dir, StageRegistry.supported().stream().filter(n -> n.endsWith("Model")).toList());
    }
    for (int i = 0; i < stages.size() - 1; i++) {
      if (stages.get(i) instanceof ModelStage) {
        throw Errors.modelBeforeLastStage(dir);
      }
    }
    return new PipelineScorer(List.copyOf(stages), m, layout);
  }

  private static List<Path> stageDirs(Path root, Configuration conf, JsonNode uids) {
    Path stagesDir = new Path(root, "stages");
    try {
      FileSystem fs = stagesDir.getFileSystem(conf);
      FileStatus[] listed = fs.listStatus(stagesDir);
      List<Path> out = new ArrayList<>();
      for (JsonNode uid : uids) {
        String suffix = "_" + uid.asText();
        Path found =
            Arrays.stream(listed)
                .map(FileStatus::getPath)
                .filter(p -> p.getName().endsWith(suffix))
                .findFirst()
                .orElseThrow(() -> Errors.noStageDirectory(root, uid));
        out.add(found);
      }
      return out;
    } catch (IOException e) {
      throw Errors.cannotListStages(root, e);
    }
  }

  /** The input columns the pipeline reads, in the order its first stages read them. */
  public List<String> inputColumns() {
    return inputColumns;
  }

  /** The number of classes of a classifier, 0 for a regressor. */
  public int numClasses() {
    return model.numClasses();
  }

  /**
   * Scores one row: column name to value ({@code Double}, {@code Long}, {@code Integer}, {@code
   * String}, {@code Boolean} or {@code null}), as the training set's columns. A missing column
   * counts as null.
   *
   * @throws InvalidRowException when Spark would drop the row (skip) or fail on it (error)
   */
  public Scored score(Map<String, Object> row) {
    Frame f = frames.get();
    for (int i = 0; i < inputSlots.length; i++) {
      f.input(inputSlots[i], row.get(inputNames[i]), declaredIntegral[i]);
    }
    return run(f);
  }

  /**
   * Scores one row given as values in the order of {@link #inputColumns()}: no map lookups.
   *
   * @throws InvalidRowException when Spark would drop the row (skip) or fail on it (error)
   */
  public Scored score(Object[] values) {
    if (values.length != inputSlots.length) {
      throw new IllegalArgumentException(
          "expected " + inputSlots.length + " values " + inputColumns + ", got " + values.length);
    }
    Frame f = frames.get();
    for (int i = 0; i < inputSlots.length; i++) {
      f.input(inputSlots[i], values[i], declaredIntegral[i]);
    }
    return run(f);
  }

  private Scored run(Frame f) {
    f.clearOutputs();
    for (Stage s : stages) {
      s.apply(f);
    }
    if (model.numClasses() == 0) {
      return new Scored(f.prediction, null, null);
    }
    return new Scored(f.prediction, f.probability.clone(), f.rawPrediction.clone());
  }

  @Override
  public String toString() {
    return "PipelineScorer" + inputColumns + " (" + stages.size() + " stages)";
  }

  int slots() {
    return layout.slots();
  }
}
