package dev.lakeops.spark.scoring;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.delta.KernelReader;
import dev.lakeops.common.registry.ModelState;
import dev.lakeops.common.registry.ModelVersion;
import dev.lakeops.common.registry.RegistryTableReader;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.Signature;
import dev.lakeops.common.warehouse.BatchPredictionColumns;
import dev.lakeops.common.warehouse.TableRef;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.SparkErrors;
import dev.lakeops.spark.metadata.RunLog;
import dev.lakeops.spark.metadata.RunRecord;
import dev.lakeops.spark.store.DeltaTables;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batch inference ({@code mlops batch-score}, the batch path of model serving): scores every row of
 * one Delta version of a feature view, a training set or any Delta table with one registered model
 * version (the production one unless named) and writes the predictions, with the model's name and
 * version and the input's Delta version, to {@link Warehouse#batchPredictions}; the rows it cannot
 * score go to {@link Warehouse#batchDeadLetter} with the reason, so scored + dead-lettered = the
 * input's rows.
 *
 * <p>Rows are scored in Spark's executors with the scorer streaming inference uses ({@link
 * ScoreRows}): the same values give the same prediction as {@code serve}, bit for bit, and a row
 * the model cannot take is dead-lettered alone instead of failing the job (as Spark's {@code
 * transform()} would). Which rows miss features follows the serving rule ({@code
 * on_missing_features}, {@link dev.lakeops.common.scoring.MissingViews}).
 *
 * <p>Idempotent: both tables are written with Delta's {@code replaceWhere} on (model, model
 * version, input, input version), so scoring the same input version with the same model version
 * again replaces those rows and never adds to them. The run is recorded in the run table.
 */
public final class BatchScorer {
  private static final Logger LOG = LoggerFactory.getLogger(BatchScorer.class);

  /** The run table's {@code command} of a batch-score run. */
  public static final String COMMAND = "batch-score";

  private final SparkSession spark;
  private final ProjectConfig project;
  private final Warehouse warehouse;
  private final DeltaTables tables;

  public BatchScorer(SparkSession spark, ProjectConfig project, Warehouse warehouse) {
    this.spark = spark;
    this.project = project;
    this.warehouse = warehouse;
    this.tables = new DeltaTables(spark);
  }

  /**
   * What to score with what.
   *
   * @param model a model of the registry (and of models.yaml)
   * @param version the registered version, or null for the production version
   * @param kind the kind of input
   * @param input the feature view's or training set's name, or the table's path or catalog name
   * @param inputVersion the input's Delta version to read, or null for the latest
   * @param name the output tables' name, or null for the model's name
   */
  public record Request(
      String model, Integer version, Kind kind, String input, Long inputVersion, String name) {}

  /** The kinds of input: a feature view's offline table, a training set, any Delta table. */
  public enum Kind {
    FEATURE_VIEW("feature_view"),
    TRAINING_SET("training_set"),
    TABLE("table");

    private final String prefix;

    Kind(String prefix) {
      this.prefix = prefix;
    }

    /** How the output's {@code input} column names this kind: {@code <prefix>:<name>}. */
    public String prefix() {
      return prefix;
    }
  }

  /**
   * What one scoring did.
   *
   * @param input the {@code input} column's value, e.g. {@code feature_view:market_prices}
   * @param rowsRead the input version's rows
   * @param scored rows written to {@code predictions} (rowsRead = scored + deadLettered)
   * @param predictionsVersion the predictions table's Delta version after the write
   * @param deadLetterVersion the dead letter's Delta version after the write
   */
  public record Result(
      String runId,
      String model,
      int modelVersion,
      String input,
      long inputVersion,
      long rowsRead,
      long scored,
      long deadLettered,
      TableRef predictions,
      long predictionsVersion,
      TableRef deadLetter,
      long deadLetterVersion) {}

  /**
   * The registered version a request scores with: the named one or the production one.
   *
   * @throws dev.lakeops.common.cli.CliArgs.UsageException when the registry has no such model or
   *     version, or the model has no production version and none is named
   */
  public static ModelVersion resolveVersion(Warehouse warehouse, String model, Integer version) {
    RegistryTableReader registry =
        new RegistryTableReader(new KernelReader(), warehouse.modelVersions().path());
    ModelState s = registry.state(model);
    if (s.versions().isEmpty()) {
      throw SparkErrors.noSuchModel(COMMAND, model, registry.models());
    }
    List<Integer> versions = s.versions().stream().map(ModelVersion::version).toList();
    if (version == null) {
      return s.champion().orElseThrow(() -> SparkErrors.noProductionVersion(model, versions));
    }
    return s.version(version)
        .orElseThrow(() -> SparkErrors.noSuchVersion(COMMAND, model, version, versions));
  }

  /**
   * Scores the request's input and writes both tables; the run is recorded (also when it fails).
   *
   * @throws dev.lakeops.common.cli.CliArgs.UsageException for a wrong model, version or input
   *     (nothing is written)
   */
  public Result score(Request r) {
    ModelVersion version = resolveVersion(warehouse, r.model(), r.version());
    ModelSpec spec = project.models().get(r.model());
    if (spec == null) {
      throw SparkErrors.modelNotInProject(r.model(), project.models().keySet());
    }
    Signature signature = Signature.fromJson(version.signature());
    BatchInput in =
        BatchInput.resolve(
            spark,
            project,
            warehouse,
            spec,
            signature.inputNames(),
            r.kind(),
            r.input(),
            r.inputVersion());
    String name = r.name() != null ? r.name() : r.model();
    String runId = UUID.randomUUID().toString();
    Instant started = Instant.now();
    Map<String, String> inputs = Map.of(in.table().name(), "v" + in.version());
    Map<String, String> params = new LinkedHashMap<>();
    params.put("model", r.model());
    params.put("model_version", Integer.toString(version.version()));
    params.put("input", in.label());
    params.put("input_version", Long.toString(in.version()));
    RunLog runs = new RunLog(spark, tables, warehouse.runs());
    Dataset<Row> rows = laidOut(in, version, signature);
    try {
      Result result = write(rows, in, version, spec, signature, name, runId);
      runs.record(
          RunRecord.finished(
                  project,
                  runId,
                  COMMAND,
                  name,
                  "succeeded",
                  started,
                  result.rowsRead(),
                  result.scored(),
                  result.deadLettered(),
                  inputs,
                  Map.of(
                      result.predictions().name(), result.predictionsVersion(),
                      result.deadLetter().name(), result.deadLetterVersion()),
                  null)
              .with(params, Map.of()));
      return result;
    } catch (RuntimeException e) {
      throw runs.recordFailure(
          RunRecord.failed(project, runId, COMMAND, name, started, inputs, e.getMessage())
              .with(params, Map.of()),
          e);
    }
  }

  /**
   * The input version's rows laid out as {@link ScoreRows} reads them: entity key (text), event
   * time, the model's inputs in signature order (null where the input has no such column: a view it
   * does not hold), one boolean per looked-up view.
   */
  private Dataset<Row> laidOut(BatchInput in, ModelVersion version, Signature signature) {
    Dataset<Row> data = tables.read(in.table(), in.version());
    StructType schema = data.schema();
    List<String> columns = List.of(schema.fieldNames());
    List<Column> select = new ArrayList<>();
    select.add(
        in.keyColumn() == null
            ? lit(null).cast(DataTypes.StringType)
            : col("`" + in.keyColumn() + "`").cast(DataTypes.StringType));
    select.add(
        columns.contains(ModelSpec.EVENT_TIME)
                && schema.apply(ModelSpec.EVENT_TIME).dataType() == DataTypes.TimestampType
            ? col(ModelSpec.EVENT_TIME)
            : lit(null).cast(DataTypes.TimestampType));
    List<String> lacking = new ArrayList<>();
    Map<String, String> viewOf = in.viewOfInput();
    for (Signature.Field f : signature.inputs()) {
      if (columns.contains(f.name())) {
        checkType(in.label(), f, schema.apply(f.name()));
        select.add(col("`" + f.name() + "`"));
      } else if (in.views().get(viewOf.get(f.name())) == BatchInput.Presence.NEVER) {
        select.add(lit(null)); // a view this input does not hold: imputed, and flagged missing
      } else {
        lacking.add(f.name());
      }
    }
    in.views()
        .forEach(
            (view, presence) -> {
              switch (presence) {
                case ALWAYS -> select.add(lit(true));
                case NEVER -> select.add(lit(false));
                case MARKER -> {
                  if (!columns.contains(BatchInput.marker(view))) {
                    lacking.add(BatchInput.marker(view));
                  }
                  select.add(col("`" + BatchInput.marker(view) + "`").isNotNull());
                }
                case CARRIED -> {}
              }
            });
    if (!lacking.isEmpty()) {
      throw SparkErrors.inputLacksModelColumns(
          in.label(), version.model(), version.version(), lacking, columns);
    }
    return data.select(select.toArray(Column[]::new));
  }

  /**
   * Checks that a column's Spark type can be given to the model as the signature's type: any number
   * for a double, an integral number for a long or an integer, text for text, a boolean for a
   * boolean.
   *
   * @throws dev.lakeops.common.cli.CliArgs.UsageException naming the column and both types
   */
  static void checkType(String input, Signature.Field f, StructField column) {
    DataType t = column.dataType();
    boolean integral =
        t == DataTypes.ByteType || t == DataTypes.ShortType || t == DataTypes.IntegerType;
    boolean ok =
        switch (f.type()) {
          case DOUBLE -> t instanceof org.apache.spark.sql.types.NumericType;
          case LONG -> integral || t == DataTypes.LongType;
          case INT -> integral;
          case STRING -> t == DataTypes.StringType;
          case BOOLEAN -> t == DataTypes.BooleanType;
          default -> false;
        };
    if (!ok) {
      throw SparkErrors.columnTypeMismatch(
          input, f.name(), t.simpleString(), f.type().signatureName());
    }
  }

  /**
   * Scores the laid-out rows and writes both tables, each replacing only this scoring's rows (same
   * model, model version, input and input version).
   */
  private Result write(
      Dataset<Row> rows,
      BatchInput in,
      ModelVersion version,
      ModelSpec spec,
      Signature signature,
      String name,
      String runId) {
    List<String> looked =
        in.views().entrySet().stream()
            .filter(e -> e.getValue() != BatchInput.Presence.CARRIED)
            .map(Map.Entry::getKey)
            .toList();
    ScoreRows scoring =
        new ScoreRows(
            Warehouse.artifactModel(version.artifact()),
            signature,
            looked,
            in.keyColumn(),
            spec.onMissingFeatures(),
            sparkHadoopConf());
    Timestamp at = Timestamp.from(Instant.now());
    Dataset<Row> all =
        rows.mapPartitions(scoring, Encoders.row(ScoreRows.SCHEMA))
            .withColumn(BatchPredictionColumns.MODEL, lit(version.model()))
            .withColumn(BatchPredictionColumns.MODEL_VERSION, lit(version.version()))
            .withColumn(BatchPredictionColumns.INPUT, lit(in.label()))
            .withColumn(BatchPredictionColumns.INPUT_VERSION, lit(in.version()))
            .withColumn(BatchPredictionColumns.RUN_ID, lit(runId))
            .withColumn(BatchPredictionColumns.SCORED_AT, lit(at))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long t0 = System.nanoTime();
      Dataset<Row> scored = all.filter(col(ScoreRows.REASON).isNull());
      Dataset<Row> dead =
          all.filter(col(ScoreRows.REASON).isNotNull())
              .withColumnRenamed(ScoreRows.REASON, BatchPredictionColumns.DEAD_REASON);
      Row counts = // one pass: scored, dead-lettered
          all.agg(
                  org.apache.spark.sql.functions.count(lit(1)),
                  org.apache.spark.sql.functions.count(col(ScoreRows.REASON)))
              .head();
      long deadRows = counts.getLong(1);
      long scoredRows = counts.getLong(0) - deadRows;
      String where = where(version, in);
      TableRef predictions = warehouse.batchPredictions(name);
      TableRef deadLetter = warehouse.batchDeadLetter(name);
      long pv = replace(predictions, select(scored, BatchPredictionColumns.ALL), where);
      long dv = replace(deadLetter, select(dead, BatchPredictionColumns.DEAD_LETTER), where);
      LOG.info(
          "{} with {} version {}: {} scored, {} dead-lettered in {} ms",
          in.label(),
          version.model(),
          version.version(),
          scoredRows,
          deadRows,
          (System.nanoTime() - t0) / 1_000_000);
      return new Result(
          runId,
          version.model(),
          version.version(),
          in.label(),
          in.version(),
          scoredRows + deadRows,
          scoredRows,
          deadRows,
          predictions,
          pv,
          deadLetter,
          dv);
    } finally {
      all.unpersist();
    }
  }

  /** The session's {@code spark.hadoop.*} settings, without the prefix. */
  private Map<String, String> sparkHadoopConf() {
    Map<String, String> out = new java.util.HashMap<>();
    for (scala.Tuple2<String, String> e : spark.sparkContext().getConf().getAll()) {
      if (e._1().startsWith("spark.hadoop.")) {
        out.put(e._1().substring("spark.hadoop.".length()), e._2());
      }
    }
    return out;
  }

  private static Dataset<Row> select(Dataset<Row> rows, List<String> columns) {
    return rows.select(columns.stream().map(c -> col("`" + c + "`")).toArray(Column[]::new));
  }

  /** The rows of one scoring: this model version on this input version. */
  static String where(ModelVersion version, BatchInput in) {
    return BatchPredictionColumns.MODEL
        + " = "
        + quoted(version.model())
        + " AND "
        + BatchPredictionColumns.MODEL_VERSION
        + " = "
        + version.version()
        + " AND "
        + BatchPredictionColumns.INPUT
        + " = "
        + quoted(in.label())
        + " AND "
        + BatchPredictionColumns.INPUT_VERSION
        + " = "
        + in.version();
  }

  private static String quoted(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /**
   * Replaces the rows matching {@code where} with {@code rows} in one Delta commit (creating the
   * table on first use) and registers it by name; returns the table's new version.
   */
  private long replace(TableRef table, Dataset<Row> rows, String where) {
    if (!tables.exists(table)) {
      rows.write().format("delta").mode(SaveMode.Append).save(table.path());
    } else {
      rows.write()
          .format("delta")
          .mode(SaveMode.Overwrite)
          .option("replaceWhere", where)
          .save(table.path());
    }
    tables.register(table);
    return tables.version(table);
  }
}
