package dev.lakeops.spark.cli;

import dev.lakeops.common.cli.CliArgs;
import dev.lakeops.common.cli.Human;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.registry.Stage;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.SparkErrors;
import dev.lakeops.spark.training.ModelPromotion;
import dev.lakeops.spark.training.Reproduction;
import dev.lakeops.spark.training.TrainingJob;
import java.io.PrintStream;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;

/**
 * The model commands that run Spark: train, promote, demote, reproduce ({@code models} and {@code
 * runs} only read, with Delta Kernel: {@link MetadataCommands}).
 */
final class ModelCommands {
  private final PrintStream out;
  private final SparkSession spark;
  private final ProjectConfig project;
  private final Warehouse warehouse;

  ModelCommands(PrintStream out, SparkSession spark, ProjectConfig project, Warehouse warehouse) {
    this.out = out;
    this.spark = spark;
    this.project = project;
    this.warehouse = warehouse;
  }

  static String by(CliArgs a) {
    return a.option("--by").orElse(System.getProperty("user.name", "unknown"));
  }

  int train(CliArgs a) {
    trainAndPrint(a);
    return 0;
  }

  /**
   * {@code retrain} after its feature pipeline ran: trains and registers a version ({@link
   * #trainAndPrint}), then offers it to the promotion gate ({@link #gate}); returns 0 when
   * promoted, 3 when the gate refused.
   */
  int retrain(CliArgs a) {
    String model = a.required("--model", "model");
    TrainingJob.Trained t = trainAndPrint(a);
    String trigger = a.option("--trigger").orElse(null);
    return gate(
        model,
        t.version().version(),
        by(a),
        trigger == null ? "retrained" : "retrained for trigger " + trigger,
        t);
  }

  /** Trains {@code --model}, registers the version and prints it. */
  private TrainingJob.Trained trainAndPrint(CliArgs a) {
    String model = a.required("--model", "model");
    TrainingJob.Trained t =
        new TrainingJob(spark, project, warehouse)
            .train(model, by(a), a.option("--trigger").orElse(null));
    out.printf(
        "model %s version %d registered (run %s)%n", model, t.version().version(), t.run().runId());
    out.printf(
        "  trained on %d rows, holdout %d rows%n",
        t.result().trainRows(), t.result().holdoutRows());
    new TreeMap<>(t.result().metrics()).forEach((k, v) -> out.printf("  %-12s %.6f%n", k, v));
    t.version().lineage().inputs().forEach((k, v) -> out.printf("  read %-40s v%d%n", k, v));
    out.printf("  artifact %s%n", t.version().artifact());
    return t;
  }

  int promote(CliArgs a) {
    String model = a.required("--model", "model");
    int version =
        MetadataCommands.version(
            a, new MetadataCommands(out, warehouse).requireModel(a.command, model));
    ModelPromotion promotion = new ModelPromotion(spark, warehouse);
    if (a.flag("--force")) {
      Stage to =
          Stage.parse(a.option("--to").orElse("production"))
              .orElseThrow(() -> SparkErrors.unknownStage("promote", Stage.keys(), true));
      promotion.force(model, version, to, by(a), a.option("--reason").orElse(null));
      out.printf("model %s version %d is now %s (forced)%n", model, version, to.key());
      return 0;
    }
    return gate(model, version, by(a), a.option("--reason").orElse(null), null);
  }

  /**
   * Offers {@code version} to the promotion gate (with its model and holdout in memory when this
   * run trained it: {@code fresh}, else null) and prints the decision with its numbers; returns 0
   * when promoted, 3 when refused.
   */
  private int gate(String model, int version, String by, String reason, TrainingJob.Trained fresh) {
    ModelPromotion.Outcome o =
        new ModelPromotion(spark, warehouse).promote(model, version, by, reason, fresh);
    out.printf(
        "model %s version %d: %s%n  %s%n",
        model,
        version,
        o.promoted() ? "promoted to production" : "refused by the gate",
        o.decision().reason());
    o.decision().details().forEach((k, v) -> out.printf("  %-24s %s%n", k, rounded(v)));
    return o.promoted() ? 0 : 3;
  }

  int demote(CliArgs a) {
    String model = a.required("--model", "model");
    int version = Integer.parseInt(a.required("--version", "n"));
    Stage to =
        Stage.parse(a.option("--to").orElse("archived"))
            .orElseThrow(() -> SparkErrors.unknownStage("demote", Stage.keys(), false));
    new ModelPromotion(spark, warehouse)
        .force(model, version, to, by(a), a.required("--reason", "why"));
    out.printf("model %s version %d is now %s%n", model, version, to.key());
    return 0;
  }

  int reproduce(CliArgs a) {
    Reproduction.Result r =
        new Reproduction(spark, warehouse).reproduce(a.required("--run", "run id"));
    out.printf(
        "reproduced run of model %s version %d (new run %s)%n",
        r.model(), r.version(), r.run().runId());
    out.printf(
        "  training set rebuilt from the recorded Delta versions: %s%n",
        r.trainingSetIdentical() ? "identical" : "DIFFERENT");
    out.printf(
        "  holdout rows %d, max |prediction diff| %.3g, max |probability diff| %.3g%n",
        r.holdoutRows(), r.maxPredictionDiff(), r.maxProbabilityDiff());
    out.println(
        r.identical()
            ? "  the reproduced model predicts exactly as the original"
            : "  the reproduced model DIFFERS from the original");
    return r.identical() ? 0 : 1;
  }

  /** A number of the gate's details to 6 significant digits ({@link Human#metric}); else as is. */
  private static String rounded(String v) {
    try {
      double d = Double.parseDouble(v);
      return Double.isFinite(d) ? Human.metric(d) : v;
    } catch (NumberFormatException | NullPointerException e) {
      return v;
    }
  }
}
