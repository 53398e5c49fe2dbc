package dev.lakeops.spark.cli;

import dev.lakeops.common.cli.CliArgs;
import dev.lakeops.common.cli.Human;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.SparkErrors;
import dev.lakeops.spark.scoring.BatchScorer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;

/**
 * {@code mlops batch-score}: the command line of {@link BatchScorer}. The model, its version and
 * the input's kind are checked before Spark starts (exit 2 at once when wrong).
 */
final class BatchScoreCommand {
  private final PrintStream out;

  BatchScoreCommand(PrintStream out) {
    this.out = out;
  }

  /**
   * The request of the command line; checks that exactly one input is given and that the registry
   * has the model and the version (or a production version), without Spark.
   *
   * @throws CliArgs.UsageException when not
   */
  static BatchScorer.Request request(CliArgs a, Warehouse warehouse) {
    List<BatchScorer.Request> inputs = new ArrayList<>();
    String model = a.required("--model", "name");
    Integer version = a.positiveInt("--version").orElse(null);
    Long inputVersion = a.option("--input-version").map(Long::parseLong).orElse(null);
    String name = a.option("--name").orElse(null);
    Function<BatchScorer.Kind, java.util.function.Consumer<String>> add =
        kind ->
            input ->
                inputs.add(
                    new BatchScorer.Request(model, version, kind, input, inputVersion, name));
    a.option("--feature-view").ifPresent(add.apply(BatchScorer.Kind.FEATURE_VIEW));
    a.option("--training-set").ifPresent(add.apply(BatchScorer.Kind.TRAINING_SET));
    a.option("--table").ifPresent(add.apply(BatchScorer.Kind.TABLE));
    if (inputs.size() != 1) {
      throw SparkErrors.oneBatchInput(inputs.size());
    }
    BatchScorer.resolveVersion(warehouse, model, version); // exit 2 before Spark starts
    return inputs.get(0);
  }

  /** Scores and prints what was written; returns 0. */
  int run(SparkSession spark, ProjectConfig project, Warehouse warehouse, BatchScorer.Request r) {
    BatchScorer.Result s = new BatchScorer(spark, project, warehouse).score(r);
    out.printf(
        "%s version %d on %s (Delta version %d): %s read, %s scored, %s dead-lettered (run %s)%n",
        s.model(),
        s.modelVersion(),
        s.input(),
        s.inputVersion(),
        Human.count(s.rowsRead(), "row"),
        Human.count(s.scored(), "row"),
        Human.count(s.deadLettered(), "row"),
        s.runId());
    out.printf("  predictions  %-40s version %d%n", s.predictions().name(), s.predictionsVersion());
    out.printf("  dead letter  %-40s version %d%n", s.deadLetter().name(), s.deadLetterVersion());
    return 0;
  }
}
