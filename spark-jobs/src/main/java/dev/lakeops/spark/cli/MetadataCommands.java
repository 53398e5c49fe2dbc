package dev.lakeops.spark.cli;

import dev.lakeops.common.cli.CliArgs;
import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.cli.Human;
import dev.lakeops.common.cli.TextTable;
import dev.lakeops.common.delta.KernelReader;
import dev.lakeops.common.registry.ModelState;
import dev.lakeops.common.registry.ModelVersion;
import dev.lakeops.common.registry.RegistryTableReader;
import dev.lakeops.common.registry.Transition;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.SparkErrors;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The metadata commands that only read: {@code models} (all forms), {@code runs}, {@code runs
 * --run}, and the checks {@code promote}, {@code demote} and {@code reproduce} make before Spark
 * starts. They read the registry and the run and task tables with Delta Kernel ({@link
 * KernelReader}): no Spark class is loaded, so they answer in about the JVM's start time instead of
 * a Spark session's.
 */
final class MetadataCommands {
  /** The columns of {@code mlops runs}, in the order printed. */
  static final List<String> RUN_COLUMNS =
      List.of(
          "run_id", "command", "target", "status", "started_at", "duration", "rows_read", "error");

  /** The columns of a run's tasks in {@code mlops runs --run}. */
  static final List<String> TASK_COLUMNS =
      List.of("task", "status", "duration", "metrics", "outputs", "error");

  private final PrintStream out;
  private final Warehouse warehouse;
  private final KernelReader reader;
  private final RegistryTableReader registry;

  MetadataCommands(PrintStream out, Warehouse warehouse) {
    this.out = out;
    this.warehouse = warehouse;
    this.reader = new KernelReader();
    this.registry = new RegistryTableReader(reader, warehouse.modelVersions().path());
  }

  // ------------------------------------------------------------------ models

  int models(CliArgs a) {
    if (a.option("--model").isEmpty()) {
      if (a.option("--version").isPresent() || a.option("--compare").isPresent()) {
        throw SparkErrors.versionNeedsModel();
      }
      List<String> models = registry.models();
      if (models.isEmpty()) {
        out.println(
            "no models registered yet in "
                + warehouse.root()
                + "; train one with 'mlops train --model <name>'.");
        return 0;
      }
      for (String m : models) {
        ModelState s = registry.state(m);
        out.printf(
            "%-24s %-12s champion %s%n",
            m,
            Human.count(s.versions().size(), "version"),
            s.champion().map(v -> "v" + v.version()).orElse("-"));
      }
      return 0;
    }
    ModelState s = requireModel("models", a.option("--model").get());
    if (a.option("--compare").isPresent()) {
      String[] vs = a.option("--compare").get().split(",");
      if (vs.length != 2) {
        throw SparkErrors.compareNeedsTwoVersions();
      }
      compare(s, versionNumber(vs[0]), versionNumber(vs[1]));
      return 0;
    }
    if (a.option("--version").isPresent()) {
      show(requireVersion("models", s, Integer.parseInt(a.option("--version").get())));
      return 0;
    }
    for (ModelVersion v : s.versions()) {
      out.printf(
          "v%-3d %-10s run %s  %s%n",
          v.version(), v.stage().key(), v.lineage().runId(), metrics(v.metrics()));
    }
    return 0;
  }

  private static int versionNumber(String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw SparkErrors.compareNotANumber(text);
    }
  }

  /** Metrics by name as "auc 0.723457, logloss 0.512" (6 significant digits). */
  static String metrics(Map<String, Double> metrics) {
    return new TreeMap<>(metrics)
        .entrySet().stream()
            .map(e -> e.getKey() + " " + Human.metric(e.getValue()))
            .collect(Collectors.joining(", "));
  }

  private void show(ModelVersion v) {
    out.printf(
        "model %s version %d (%s), created %s%n",
        v.model(), v.version(), v.stage().key(), Human.time(v.createdAt()));
    out.printf("artifact     %s%n", v.artifact());
    out.printf(
        "run          %s%ncode         %s%nconfig hash  %s%n",
        v.lineage().runId(), v.lineage().codeVersion(), v.lineage().configHash());
    new TreeMap<>(v.lineage().inputs())
        .forEach((k, x) -> out.printf("input        %s v%d%n", k, x));
    new TreeMap<>(v.metrics())
        .forEach((k, x) -> out.printf("metric       %-12s %s%n", k, Human.metric(x)));
    new TreeMap<>(v.params()).forEach((k, x) -> out.printf("param        %-20s %s%n", k, x));
    for (Transition t : v.history()) {
      out.printf(
          "history      %s %-10s %s -> %s by %s: %s%s%n",
          Human.time(t.at()),
          t.kind(),
          t.from().key(),
          t.to().key(),
          t.by(),
          t.reason(),
          t.details().isEmpty() ? "" : " " + Human.value(new TreeMap<>(t.details())));
    }
  }

  private void compare(ModelState s, int a, int b) {
    ModelVersion x = requireVersion("models", s, a);
    ModelVersion y = requireVersion("models", s, b);
    out.printf("%-28s %-20s %-20s%n", "", "v" + a, "v" + b);
    out.printf("%-28s %-20s %-20s%n", "stage", x.stage().key(), y.stage().key());
    row("metric ", x.metrics(), y.metrics());
    row("param ", x.params(), y.params());
    row("input ", x.lineage().inputs(), y.lineage().inputs());
    out.printf(
        "%-28s %-20s %-20s%s%n",
        "code",
        x.lineage().codeVersion(),
        y.lineage().codeVersion(),
        Objects.equals(x.lineage().codeVersion(), y.lineage().codeVersion()) ? "" : "  *");
  }

  private void row(String prefix, Map<String, ?> a, Map<String, ?> b) {
    TreeSet<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    for (String k : keys) {
      Object va = a.get(k);
      Object vb = b.get(k);
      out.printf(
          "%-28s %-20s %-20s%s%n",
          prefix + k, cell(va), cell(vb), Objects.equals(va, vb) ? "" : "  *");
    }
  }

  private static String cell(Object v) {
    if (v == null) {
      return "-";
    }
    return v instanceof Double d ? Human.metric(d) : Human.value(v);
  }

  // ------------------------------------------------------------------ checks before Spark

  /**
   * The model's state, or a usage error (exit 2) naming the registered models.
   *
   * @throws UsageException when the registry has no version of {@code model}
   */
  ModelState requireModel(String command, String model) {
    ModelState s = registry.state(model);
    if (s.versions().isEmpty()) {
      throw SparkErrors.noSuchModel(command, model, registry.models());
    }
    return s;
  }

  /**
   * The version, or a usage error (exit 2) naming the model's versions.
   *
   * @throws UsageException when the model has no version {@code version}
   */
  static ModelVersion requireVersion(String command, ModelState s, int version) {
    return s.version(version)
        .orElseThrow(
            () ->
                SparkErrors.noSuchVersion(
                    command,
                    s.model(),
                    version,
                    s.versions().stream().map(ModelVersion::version).toList()));
  }

  /**
   * {@code promote} and {@code demote}: the model and the version exist, checked before Spark
   * starts (exit 2 at once otherwise).
   */
  void checkVersion(CliArgs a) {
    ModelState s = requireModel(a.command, a.required("--model", "name"));
    requireVersion(a.command, s, version(a, s));
  }

  /**
   * {@code --version}: the number given, or for {@code latest} ({@link
   * dev.lakeops.common.cli.SharedOptions#LATEST}) the model's newest registered version.
   */
  static int version(CliArgs a, ModelState s) {
    int v = Integer.parseInt(a.required("--version", "n"));
    if (v != dev.lakeops.common.cli.SharedOptions.LATEST) {
      return v;
    }
    return s.versions().stream().mapToInt(ModelVersion::version).max().orElse(v);
  }

  /**
   * {@code reproduce}: the run exists and is a succeeded train run (the rule {@code Reproduction}
   * applies too), checked before Spark starts.
   */
  void checkReproducible(CliArgs a) {
    String id = a.required("--run", "run id");
    Map<String, Object> run = findRun(id).orElseThrow(() -> SparkErrors.noSuchRun(a.command, id));
    if (!dev.lakeops.spark.training.TrainingJob.PIPELINE.equals(run.get("command"))
        || !"succeeded".equals(run.get("status"))) {
      throw SparkErrors.notReproducible(a.command, id, run.get("status"), run.get("command"));
    }
  }

  // ------------------------------------------------------------------ runs

  int runs(CliArgs a) {
    if (a.option("--run").isPresent()) {
      return run(a.option("--run").get());
    }
    int limit = a.positiveInt("--limit").orElse(20);
    List<Map<String, Object>> runs = runs();
    if (runs.isEmpty()) {
      out.println("no runs yet in " + warehouse.runs().path() + ".");
      return 0;
    }
    out.print(TextTable.render(RUN_COLUMNS, cells(runs, RUN_COLUMNS), limit));
    return 0;
  }

  private int run(String id) {
    Map<String, Object> r = findRun(id).orElseThrow(() -> SparkErrors.noSuchRun("runs", id));
    for (Map.Entry<String, Object> e : r.entrySet()) {
      out.printf("%-16s %s%n", e.getKey(), e.getValue() == null ? "" : cell(r, e.getKey()));
    }
    List<Map<String, Object>> tasks =
        reader.readAll(warehouse.tasks().path()).stream()
            .filter(t -> id.equals(t.get("run_id")))
            .sorted(Comparator.comparing(t -> micros(t.get("started_at"))))
            .toList();
    if (!tasks.isEmpty()) {
      out.println();
      out.print(TextTable.render(TASK_COLUMNS, cells(tasks, TASK_COLUMNS), Integer.MAX_VALUE));
    }
    return 0;
  }

  /** The {@code columns} of each row, as {@link #cell} writes them. */
  private static List<List<Object>> cells(List<Map<String, Object>> rows, List<String> columns) {
    List<List<Object>> out = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      out.add(columns.stream().map(c -> cell(r, c)).toList());
    }
    return out;
  }

  /** The runs, newest first. */
  private List<Map<String, Object>> runs() {
    return reader.readAll(warehouse.runs().path()).stream()
        .sorted(
            Comparator.comparing((Map<String, Object> r) -> micros(r.get("started_at"))).reversed())
        .toList();
  }

  private Optional<Map<String, Object>> findRun(String id) {
    return reader.readAll(warehouse.runs().path()).stream()
        .filter(r -> id.equals(r.get("run_id")))
        .findFirst();
  }

  private static long micros(Object v) {
    return v == null ? Long.MIN_VALUE : ((Number) v).longValue();
  }

  /**
   * A column of a run or task row as people read it: timestamps ({@code *_at}, microseconds) as UTC
   * times, {@code duration} from {@code duration_ms} as "3.2 s", the rest with {@link Human#value}.
   */
  static Object cell(Map<String, Object> row, String column) {
    if (column.equals("duration")) {
      Object ms = row.get("duration_ms");
      return ms == null ? "-" : Human.elapsed(((Number) ms).longValue());
    }
    Object v = row.get(column);
    if (v == null) {
      return "";
    }
    if (column.endsWith("_at")) {
      return Human.time(Instant.EPOCH.plus(((Number) v).longValue(), ChronoUnit.MICROS));
    }
    if (column.equals("duration_ms")) {
      return Human.elapsed(((Number) v).longValue());
    }
    if (column.equals("metrics") && v instanceof Map<?, ?> m) {
      return Human.metrics(m);
    }
    return Human.value(v);
  }
}
