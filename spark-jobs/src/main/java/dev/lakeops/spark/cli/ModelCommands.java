package dev.lakeops.spark.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakeops.common.cli.CliArgs;
import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.registry.ModelState;
import dev.lakeops.common.registry.ModelVersion;
import dev.lakeops.common.registry.Stage;
import dev.lakeops.common.registry.Transition;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.metadata.RunLog;
import dev.lakeops.spark.store.DeltaTables;
import dev.lakeops.spark.training.ModelPromotion;
import dev.lakeops.spark.training.Reproduction;
import dev.lakeops.spark.training.TrainingJob;
import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The model commands: train, runs, models, promote, demote, reproduce. */
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
    return 0;
  }

  int runs(CliArgs a) {
    RunLog log = new RunLog(spark, new DeltaTables(spark), warehouse.runs());
    if (a.option("--run").isPresent()) {
      String id = a.option("--run").get();
      Row r =
          log.find(id)
              .orElseThrow(
                  () ->
                      new UsageException(
                          "runs", "no run '" + id + "'; list runs with 'mlops runs'."));
      for (String f : r.schema().fieldNames()) {
        out.printf(
            "%-16s %s%n",
            f, r.isNullAt(r.fieldIndex(f)) ? "" : String.valueOf(r.get(r.fieldIndex(f))));
      }
      DeltaTables tables = new DeltaTables(spark);
      if (tables.exists(warehouse.tasks())) {
        Dataset<Row> tasks =
            tables
                .read(warehouse.tasks())
                .filter(col("run_id").equalTo(lit(id)))
                .orderBy("started_at")
                .select("task", "status", "duration_ms", "metrics", "outputs", "error");
        out.print(TablePrinter.render(tasks, 100));
      }
      return 0;
    }
    int limit = Integer.parseInt(a.option("--limit").orElse("20"));
    out.print(
        TablePrinter.render(
            log.runs()
                .select(
                    "run_id",
                    "command",
                    "target",
                    "status",
                    "started_at",
                    "duration_ms",
                    "rows_read",
                    "error"),
            limit));
    return 0;
  }

  int models(CliArgs a) {
    ModelPromotion promotion = new ModelPromotion(spark, warehouse);
    if (a.option("--model").isEmpty()) {
      for (String m : promotion.registry().models()) {
        ModelState s = promotion.registry().state(m);
        out.printf(
            "%-24s versions %-4d champion %s%n",
            m, s.versions().size(), s.champion().map(v -> "v" + v.version()).orElse("-"));
      }
      return 0;
    }
    String model = a.option("--model").get();
    ModelState s = promotion.registry().state(model);
    if (s.versions().isEmpty()) {
      throw new UsageException(
          "models",
          "no versions of model '"
              + model
              + "'; registered models are "
              + promotion.registry().models()
              + ".");
    }
    if (a.option("--compare").isPresent()) {
      String[] vs = a.option("--compare").get().split(",");
      if (vs.length != 2) {
        throw new UsageException("models", "--compare takes two versions, e.g. --compare 1,2.");
      }
      compare(s, Integer.parseInt(vs[0].trim()), Integer.parseInt(vs[1].trim()));
      return 0;
    }
    if (a.option("--version").isPresent()) {
      show(s, Integer.parseInt(a.option("--version").get()));
      return 0;
    }
    for (ModelVersion v : s.versions()) {
      out.printf(
          "v%-3d %-10s run %s  %s%n",
          v.version(), v.stage().key(), v.lineage().runId(), new TreeMap<>(v.metrics()));
    }
    return 0;
  }

  private void show(ModelState s, int version) {
    ModelVersion v =
        s.version(version)
            .orElseThrow(() -> new UsageException("models", "no version " + version + "."));
    out.printf(
        "model %s version %d (%s), created %s%n",
        v.model(), v.version(), v.stage().key(), v.createdAt());
    out.printf("artifact     %s%n", v.artifact());
    out.printf(
        "run          %s%ncode         %s%nconfig hash  %s%n",
        v.lineage().runId(), v.lineage().codeVersion(), v.lineage().configHash());
    v.lineage().inputs().forEach((k, x) -> out.printf("input        %s v%d%n", k, x));
    new TreeMap<>(v.metrics()).forEach((k, x) -> out.printf("metric       %-12s %.6f%n", k, x));
    new TreeMap<>(v.params()).forEach((k, x) -> out.printf("param        %-20s %s%n", k, x));
    for (Transition t : v.history()) {
      out.printf(
          "history      %s %-10s %s -> %s by %s: %s %s%n",
          t.at(),
          t.kind(),
          t.from().key(),
          t.to().key(),
          t.by(),
          t.reason(),
          t.details().isEmpty() ? "" : t.details());
    }
  }

  private void compare(ModelState s, int a, int b) {
    ModelVersion x =
        s.version(a).orElseThrow(() -> new UsageException("models", "no version " + a + "."));
    ModelVersion y =
        s.version(b).orElseThrow(() -> new UsageException("models", "no version " + b + "."));
    out.printf("%-28s %-20s %-20s%n", "", "v" + a, "v" + b);
    out.printf("%-28s %-20s %-20s%n", "stage", x.stage().key(), y.stage().key());
    row("metric ", x.metrics(), y.metrics());
    row("param ", x.params(), y.params());
    row("input ", x.lineage().inputs(), y.lineage().inputs());
    out.printf("%-28s %-20s %-20s%n", "code", x.lineage().codeVersion(), y.lineage().codeVersion());
  }

  private void row(String prefix, Map<String, ?> a, Map<String, ?> b) {
    TreeSet<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    for (String k : keys) {
      Object va = a.get(k);
      Object vb = b.get(k);
      out.printf(
          "%-28s %-20s %-20s%s%n",
          prefix + k, va, vb, java.util.Objects.equals(va, vb) ? "" : "  *");
    }
  }

  int promote(CliArgs a) {
    String model = a.required("--model", "model");
    int version = Integer.parseInt(a.required("--version", "n"));
    ModelPromotion promotion = new ModelPromotion(spark, warehouse);
    if (a.flag("--force")) {
      Stage to =
          Stage.parse(a.option("--to").orElse("production"))
              .orElseThrow(
                  () ->
                      new UsageException(
                          "promote", "--to takes one of " + Stage.keys() + " (or champion)."));
      promotion.force(model, version, to, by(a), a.option("--reason").orElse(null));
      out.printf("model %s version %d is now %s (forced)%n", model, version, to.key());
      return 0;
    }
    ModelPromotion.Outcome o =
        promotion.promote(model, version, by(a), a.option("--reason").orElse(null));
    out.printf(
        "model %s version %d: %s%n  %s%n",
        model,
        version,
        o.promoted() ? "promoted to production" : "refused by the gate",
        o.decision().reason());
    o.decision().details().forEach((k, v) -> out.printf("  %-24s %s%n", k, v));
    return o.promoted() ? 0 : 3;
  }

  int demote(CliArgs a) {
    String model = a.required("--model", "model");
    int version = Integer.parseInt(a.required("--version", "n"));
    Stage to =
        Stage.parse(a.option("--to").orElse("archived"))
            .orElseThrow(
                () -> new UsageException("demote", "--to takes one of " + Stage.keys() + "."));
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
}
