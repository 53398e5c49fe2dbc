package dev.lakeops.flink.demo;

import dev.lakeops.common.cli.CliArgs;
import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.cli.Human;
import dev.lakeops.common.config.LabelConfig;
import dev.lakeops.common.config.MonitoringConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.config.TrainingSetConfig;
import dev.lakeops.common.monitoring.ModelMonitoring;
import dev.lakeops.common.online.OnlineRead;
import dev.lakeops.common.online.OnlineStore;
import dev.lakeops.common.online.OnlineStores;
import dev.lakeops.common.registry.ModelVersion;
import dev.lakeops.common.scoring.PipelineScorer;
import dev.lakeops.common.training.ModelSpec;
import dev.lakeops.common.training.Signature;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.scheduler.SchedulerCommand;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code mlops demo}: the whole loop on a replayed stream (Elec2 by default), with every part
 * running as a user would run it: the first weeks go through {@code retrain} (features, train,
 * promote: Spark); then {@code online-store}, {@code serve}, {@code monitor} (Flink) and {@code
 * scheduler} run as their own processes while the rest of the stream is replayed step by step into
 * their input directories, event time kept:
 *
 * <ol>
 *   <li>the readings of the next step go to the offline store's input (CSV, for the retraining
 *       runs) and to the online-store job (JSON lines with their event time);
 *   <li>once the online store holds the step's readings, the step's serving requests are written,
 *       and the labels of the previous step's requests (labels come after their predictions);
 *   <li>every {@code --sync} of event time the replay waits until serving has scored what it was
 *       given and the monitoring job has closed its windows; a trigger it raised starts a
 *       retraining (the scheduler, {@code submit/retrain}), and the replay waits for it to end, so
 *       that the new version serves from the next step on, as it would in real time (a retraining
 *       takes minutes, a step of the replay is a week of Elec2).
 * </ol>
 *
 * It ends with prequential figures over the whole stream ({@link LoopFigures}), each retraining
 * with the time from its trigger to the new version's first prediction, and the report's path.
 */
public final class DemoCommand {
  private static final String MARKER = ".lakeops-demo";

  /** How long the replay waits for a job to catch up before it gives up. */
  private static final Duration JOB_WAIT = Duration.ofMinutes(2);

  private final PrintStream out;
  private long started;

  public DemoCommand(PrintStream out) {
    this.out = out;
  }

  /** Runs the demo; returns the exit code. */
  public int execute(CliArgs a) throws Exception {
    started = System.currentTimeMillis();
    Path home =
        Path.of(System.getProperty(SchedulerCommand.HOME_PROPERTY, "."))
            .toAbsolutePath()
            .normalize();
    Path conf = a.option("--project").map(Path::of).orElse(home.resolve("conf/examples/elec2"));
    Path dir = Path.of(a.option("--dir").orElse("demo")).toAbsolutePath();
    Duration initial = a.duration("--initial").orElse(Duration.ofDays(56));
    Duration step = a.duration("--step").orElse(Duration.ofDays(7));
    Duration sync = a.duration("--sync").orElse(Duration.ofDays(28));
    Integer limit = a.option("--rows").map(Integer::parseInt).orElse(null);

    ProjectConfig original = ProjectLoader.load(conf);
    String model = monitoredModel(original);
    ModelMonitoring monitoring = original.monitoring().model(model).orElseThrow();
    // The labels of a step's requests are written after the next step's requests: a label can
    // come up to two steps after its prediction, in event time.
    Duration ttl = monitoring.labels().ttl();
    if (ttl.compareTo(step.multipliedBy(2)) < 0) {
      throw new UsageException(
          "demo",
          original.monitoring().file()
              + ": labels.ttl of model '"
              + model
              + "' is "
              + ttl
              + ", shorter than two steps of the replay (--step "
              + step
              + "): the replay writes a step's labels after the next step's requests, so most"
              + " predictions would expire before their label came. Set ttl to at least "
              + step.multipliedBy(2)
              + " or use a shorter --step.");
    }
    Duration monitorBound = step.multipliedBy(2);
    ModelSpec spec = original.models().get(model);
    TrainingSetConfig set = original.trainingSets().get(spec.trainingSet());
    LabelConfig label = original.labels().get(set.label());
    ReplayRows replay = ReplayRows.read(original, label, limit);
    List<ReplayRows.Row> rows = replay.rows;

    Path project = Workspace.create(dir, MARKER, original, label.source());
    Path readings = dir.resolve("stream/readings");
    Path online = dir.resolve("stream/online");
    Path requests = dir.resolve("stream/requests");
    Path labels = project.resolve(monitoring.labels().path());
    for (Path d : List.of(readings, online, requests, labels)) {
      Files.createDirectories(d);
    }
    String warehouse = dir.resolve("warehouse").toString();
    ProjectConfig p = ProjectLoader.load(project);
    Warehouse wh = Warehouse.of(warehouse, p);
    LoopTables tables = new LoopTables(wh, model);
    List<String> common = List.of("--project", project.toString(), "--warehouse", warehouse);

    long t0 = rows.get(0).timeMillis();
    int firstServed = indexAtOrAfter(rows, 0, t0 + initial.toMillis());
    if (firstServed >= rows.size()) {
      throw new UsageException("demo", "--initial " + initial + " covers the whole stream.");
    }
    say(
        "the first model: %s to %s (%s), features and training (Spark; log %s)",
        day(t0),
        day(rows.get(firstServed - 1).timeMillis()),
        Human.count(firstServed, "row"),
        shown(dir.resolve("logs/retrain-first.log")));
    Writer writer = new Writer(replay, readings, online, requests, labels, monitoring.labels());
    writer.readings(0, firstServed);
    try (DemoProcesses procs = new DemoProcesses(home, dir.resolve("logs"));
        OnlineStore store = OnlineStores.open(p.onlineStore(), wh.root(), p)) {
      int code =
          procs.run(
              "retrain-first",
              concat(List.of("retrain"), common, List.of("--model", model, "--by", "demo")));
      if (code != 0 || tables.production() == 0) {
        throw new IllegalStateException(
            "the first model was not trained and promoted (exit "
                + code
                + "); see "
                + procs.log("retrain-first"));
      }
      say(
          "version %d is in production; starting the jobs (logs under %s)",
          tables.production(), shown(dir.resolve("logs")));
      procs.start(
          "online-store",
          concat(
              List.of("online-store"),
              common,
              List.of(
                  "--input",
                  online.toString(),
                  "--format",
                  "jsonl",
                  "--discovery-interval",
                  "200ms",
                  "--out-of-orderness",
                  "0s",
                  "--checkpoint-interval",
                  "1s")));
      procs.start(
          "serve",
          concat(
              List.of("serve"),
              common,
              List.of(
                  "--model",
                  model,
                  "--input",
                  requests.toString(),
                  "--model-poll-interval",
                  "1s",
                  "--discovery-interval",
                  "200ms",
                  "--checkpoint-interval",
                  "1s",
                  // One scorer and one log writer: the log's files then follow event time, one
                  // file a checkpoint (a few hundred requests here need no second core).
                  "--parallelism",
                  "1")));
      procs.start(
          "monitor",
          concat(
              List.of("monitor"),
              common,
              List.of(
                  "--model",
                  model,
                  "--checkpoint-interval",
                  "1s",
                  // One reader of the log, so its files are read one after the other.
                  "--parallelism",
                  "1",
                  // A checkpoint of the replay holds up to two steps of event time (when serving
                  // finds two requests files at once, in either order): a prediction of the file
                  // read second may be that far behind. (With serving's two writers and the 5 s
                  // default, half the predictions were dead-lettered as late, and the windows'
                  // no-change baseline skipped half-hours: their kappa-temporal read 0.1 to 0.5
                  // where it was near 0.)
                  "--max-out-of-orderness",
                  monitorBound.toSeconds() + "s")));
      procs.start(
          "scheduler", concat(List.of("scheduler"), common, List.of("--poll-interval", "1s")));

      Loop loop = new Loop(procs, tables, monitoring, monitorBound);
      List<String> views = set.features().stream().map(f -> f.view()).distinct().toList();
      long lookback =
          views.stream()
              .mapToLong(v -> p.featureViews().get(v).onlineLookback().toMillis())
              .min()
              .orElse(0);
      if (lookback <= step.toMillis() + 3_600_000L) {
        throw new UsageException(
            "demo",
            "the views "
                + views
                + " need an online_lookback longer than --step "
                + step
                + " and an hour: the replay writes a step of readings before the step's"
                + " requests are scored.");
      }
      // The online-store job reads the first weeks' readings before any later file: a later file
      // read first would move its watermark past them (no out-of-orderness), and the first day
      // of requests would then read windows without the day before.
      // (The job's watermark passes a row once two later rows are read: the third last.)
      ReplayRows.Row lastInitial = rows.get(Math.max(0, firstServed - 3));
      if (lastInitial.entityKey() != null) {
        waitForStore(loop, store, views, lastInitial);
      }
      // {time of a requests file's first request, requests written up to and with the file}
      List<long[]> requested = new ArrayList<>();
      long knownServed = 0;
      int readUpTo = firstServed;
      long nextSync = rows.get(firstServed).timeMillis() + sync.toMillis();
      int[] previous = null;
      int served = 0;
      for (int a0 = firstServed; a0 < rows.size(); ) {
        int b =
            Math.max(a0 + 1, indexAtOrAfter(rows, a0, rows.get(a0).timeMillis() + step.toMillis()));
        // Two rows past the step: the online-store job's watermark (no out-of-orderness) then
        // passes the step's last row, and the store stays within the views' online_lookback.
        int ahead = Math.min(rows.size(), b + 2);
        // Serving must have scored every request the new readings push out of the lookback: every
        // file with a request older than that (with a week a step, the previous step's file).
        long oldest = rows.get(ahead - 1).timeMillis() - lookback + 3_600_000L;
        long required = 0;
        for (long[] r : requested) {
          if (r[0] < oldest) {
            required = r[1];
          }
        }
        if (required > knownServed) {
          long need = required;
          loop.waitFor(
              "serving to score " + Human.count(need, "request"),
              JOB_WAIT,
              () -> tables.served() >= need);
          knownServed = need;
        }
        writer.readings(readUpTo, ahead);
        readUpTo = Math.max(readUpTo, ahead);
        ReplayRows.Row last = lastServed(rows, a0, b);
        if (last != null) {
          waitForStore(loop, store, views, last);
          served += writer.requests(a0, b);
          requested.add(new long[] {firstRequested(rows, a0, b).timeMillis(), served});
        }
        if (previous != null) {
          writer.labels(previous[0], previous[1]);
        }
        previous = new int[] {a0, b};
        if (b >= rows.size() || rows.get(b - 1).timeMillis() >= nextSync) {
          nextSync += sync.toMillis();
          loop.sync(served, rows.get(b - 1).timeMillis(), this::say);
        }
        a0 = b;
      }
      if (previous != null) {
        writer.labels(previous[0], previous[1]);
      }
      loop.finish(served, this::say);
      say("stopping the jobs");
      procs.close();

      // Figures
      List<Map<String, Object>> log = tables.predictions();
      Map<String, Double> labelOf = new HashMap<>();
      for (ReplayRows.Row r : rows) {
        if (r.served()) {
          labelOf.put(r.eventId(), r.label());
        }
      }
      ModelVersion first = tables.registry().version(1).orElseThrow();
      PipelineScorer firstScorer =
          PipelineScorer.load(
              Warehouse.artifactModel(first.artifact()), Signature.fromJson(first.signature()));
      LoopFigures f = LoopFigures.of(log, labelOf, firstScorer);
      int reportCode =
          procs.run("report", concat(List.of("report"), common, List.of("--model", model)));
      Summary.print(
          out,
          f,
          served,
          tables.deadLettered(),
          tables.monitorDeadLettered(),
          tables.triggers().size(),
          loop.retrainings(tables, log),
          reportCode == 0 ? wh.report(model) : "not written (see " + procs.log("report") + ")",
          loop.waited(),
          System.currentTimeMillis() - started);
    }
    return 0;
  }

  /** Waits until every view in the online store holds {@code row}'s entity at the row's time. */
  private static void waitForStore(
      Loop loop, OnlineStore store, List<String> views, ReplayRows.Row row)
      throws InterruptedException {
    long t = row.timeMillis();
    loop.waitFor(
        "the online store to hold " + Instant.ofEpochMilli(t),
        JOB_WAIT,
        () -> views.stream().allMatch(v -> storeAt(store, v, row.entityKey(), t)));
  }

  private static boolean storeAt(OnlineStore store, String view, String key, long t) {
    OnlineRead r = store.lookup(view, key, t);
    return r.status() == OnlineRead.Status.FOUND
        && r.rowTimeMillis() != null
        && r.rowTimeMillis() >= t;
  }

  private static ReplayRows.Row firstRequested(List<ReplayRows.Row> rows, int from, int to) {
    for (int i = from; i < to; i++) {
      if (rows.get(i).served()) {
        return rows.get(i);
      }
    }
    return null;
  }

  private static ReplayRows.Row lastServed(List<ReplayRows.Row> rows, int from, int to) {
    for (int i = to - 1; i >= from; i--) {
      if (rows.get(i).served()) {
        return rows.get(i);
      }
    }
    return null;
  }

  /** The first index at or after {@code from} whose time is at or after {@code t}. */
  static int indexAtOrAfter(List<ReplayRows.Row> rows, int from, long t) {
    int i = from;
    while (i < rows.size() && rows.get(i).timeMillis() < t) {
      i++;
    }
    return i;
  }

  private static String monitoredModel(ProjectConfig p) {
    MonitoringConfig m = p.monitoring();
    if (!m.isPresent() || m.models().size() != 1) {
      throw new UsageException(
          "demo",
          p.dir()
              + " needs a monitoring.yaml that monitors exactly one model (the demo's loop); see"
              + " conf/examples/elec2/monitoring.yaml.");
    }
    ModelMonitoring mm = m.models().values().iterator().next();
    if (mm.labels() == null || mm.labels().path() == null) {
      throw new UsageException(
          "demo",
          m.file()
              + ": model '"
              + mm.model()
              + "' needs labels: {path: ...} for the demo's labels.");
    }
    return mm.model();
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    return Stream.of(parts).flatMap(List::stream).toList();
  }

  /** A path as the user can open it: relative to the working directory when under it. */
  static Path shown(Path p) {
    Path here = Path.of("").toAbsolutePath();
    return p.startsWith(here) ? here.relativize(p) : p;
  }

  static String day(long millis) {
    return Instant.ofEpochMilli(millis).toString().substring(0, 10);
  }

  private void say(String format, Object... args) {
    long s = (System.currentTimeMillis() - started) / 1000;
    out.printf("[%02d:%02d] %s%n", s / 60, s % 60, String.format(format, args));
    out.flush();
  }

  /** The sink of progress lines. */
  interface Say {
    void say(String format, Object... args);
  }
}
