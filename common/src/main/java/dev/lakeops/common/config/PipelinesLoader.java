package dev.lakeops.common.config;

import dev.lakeops.common.features.Durations;
import dev.lakeops.common.pipeline.Dag;
import dev.lakeops.common.pipeline.Pipeline;
import dev.lakeops.common.pipeline.PipelineTask;
import dev.lakeops.common.pipeline.PipelinesConfig;
import dev.lakeops.common.pipeline.RunIf;
import dev.lakeops.common.pipeline.TaskType;
import dev.lakeops.common.pipeline.TaskType.Reference;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Binds and validates {@code pipelines.yaml} (see {@link PipelinesConfig}), called by {@link
 * ProjectLoader} after the other files so that {@code mlops validate} lists its problems with
 * theirs. Checked at load, each problem naming the file and the field: pipeline and task names
 * (valid, unique); every task's {@code type} is a {@link TaskType}; its params are the type's, with
 * the required ones given; a param naming a model, training set, feature view or source names one
 * of the project; every {@code depends_on} names a task of the same pipeline; the tasks form no
 * cycle; {@code run_if}, {@code retries}, {@code retry_backoff}, {@code timeout} and {@code
 * max_parallel} have valid values.
 */
final class PipelinesLoader {
  private static final List<String> FLAGS = List.of("full_refresh", "force");

  /**
   * The names a pipeline may reference, by kind; {@code upstreamProblems}: the other files had
   * problems, so names may be missing because of them and references are not checked (one mistake
   * is reported once).
   */
  record Known(Map<Reference, Set<String>> names, boolean upstreamProblems) {}

  private final Known known;

  PipelinesLoader(Known known) {
    this.known = known;
  }

  /** The file's pipelines, or {@link PipelinesConfig#none()} when the file is absent. */
  PipelinesConfig load(ConfigNode root) {
    if (!root.isPresent()) {
      return PipelinesConfig.none();
    }
    root.checkKeys(List.of("pipelines"));
    ConfigNode list = root.get("pipelines");
    if (!list.isPresent()) {
      root.problemAt(
          "pipelines",
          "missing required field: the list of pipelines.",
          "write 'pipelines:' then '  - name: retrain' with its 'tasks:'.");
    }
    Map<String, Pipeline> out = new LinkedHashMap<>();
    Set<String> seen = new java.util.HashSet<>();
    for (ConfigNode n : list.list()) {
      Pipeline p = pipeline(n);
      Optional<String> name = n.get("name").quietText();
      if (name.isPresent() && !seen.add(name.get())) {
        n.get("name")
            .problem(
                "the pipeline name '" + name.get() + "' is used twice.",
                "give each pipeline its own name.");
      } else if (p != null) {
        out.put(p.name(), p);
      }
    }
    return new PipelinesConfig(root.file(), out);
  }

  private Pipeline pipeline(ConfigNode n) {
    n.checkKeys(List.of("name", "description", "max_parallel", "tasks"));
    String name = name(n.get("name"), "the pipeline's name");
    int maxParallel = Pipeline.DEFAULT_MAX_PARALLEL;
    Optional<Double> mp = n.get("max_parallel").number();
    if (mp.isPresent()) {
      if (mp.get() != Math.rint(mp.get()) || mp.get() < 1 || mp.get() > 64) {
        n.get("max_parallel")
            .problem(
                "expected a whole number of tasks from 1 to 64, got " + mp.get() + ".",
                "write e.g. max_parallel: 2 (how many of the pipeline's tasks run at once).");
      } else {
        maxParallel = mp.get().intValue();
      }
    }
    ConfigNode tasksNode = n.get("tasks");
    if (!tasksNode.isPresent()) {
      n.problemAt(
          "tasks",
          "missing required field: the pipeline's tasks.",
          "add 'tasks:' with '- {name: features, type: features}' lines.");
    }
    Map<String, PipelineTask> tasks = new LinkedHashMap<>();
    Map<String, ConfigNode> nodes = new LinkedHashMap<>();
    boolean complete = true;
    for (ConfigNode t : tasksNode.list()) {
      PipelineTask task = task(t);
      if (task == null) {
        complete = false;
        t.get("name").quietText().ifPresent(x -> nodes.putIfAbsent(x, t));
        continue;
      }
      if (tasks.putIfAbsent(task.name(), task) != null) {
        t.get("name")
            .problem(
                "the task name '" + task.name() + "' is used twice in this pipeline.",
                "give each task of a pipeline its own name.");
        complete = false;
      } else {
        nodes.put(task.name(), t);
      }
    }
    complete &= dependencies(tasks, nodes);
    if (complete) {
      Dag dag = dagOf(tasks);
      Optional<List<String>> cycle = dag.cycle();
      if (cycle.isPresent()) {
        String first = cycle.get().get(0);
        nodes
            .get(first)
            .get("depends_on")
            .problem(
                "the tasks form a cycle: "
                    + String.join(" -> ", cycle.get())
                    + " (each depends on the next), so none of them could ever start.",
                "remove one of these dependencies.");
        complete = false;
      }
    }
    if (name == null || !complete) {
      return null;
    }
    return new Pipeline(name, n.get("description").text().orElse(null), maxParallel, tasks);
  }

  /** Checks every depends_on; returns whether all name a task of the pipeline. */
  private boolean dependencies(Map<String, PipelineTask> tasks, Map<String, ConfigNode> nodes) {
    boolean ok = true;
    for (PipelineTask t : tasks.values()) {
      List<ConfigNode> deps = nodes.get(t.name()).get("depends_on").list();
      for (int i = 0; i < t.dependsOn().size(); i++) {
        String d = t.dependsOn().get(i);
        ConfigNode at = i < deps.size() ? deps.get(i) : nodes.get(t.name()).get("depends_on");
        if (!tasks.containsKey(d)) {
          ok = false;
          if (!nodes.containsKey(d)) { // a task that failed its own checks is reported there
            at.problem(
                "unknown task '" + d + "'; this pipeline's tasks are " + nodes.keySet() + ".",
                "name a task of the same pipeline, or add it.");
          }
        }
      }
    }
    return ok;
  }

  private static Dag dagOf(Map<String, PipelineTask> tasks) {
    Map<String, List<String>> deps = new LinkedHashMap<>();
    tasks.forEach((k, v) -> deps.put(k, v.dependsOn()));
    return new Dag(deps);
  }

  private PipelineTask task(ConfigNode n) {
    n.checkKeys(
        List.of(
            "name",
            "type",
            "params",
            "depends_on",
            "run_if",
            "retries",
            "retry_backoff",
            "timeout"));
    String name = name(n.get("name"), "the task's name");
    ConfigNode typeNode = n.get("type");
    Optional<TaskType> type =
        typeNode
            .requiredText("what the task runs, one of " + TaskType.keys())
            .flatMap(
                k -> {
                  Optional<TaskType> t = TaskType.byKey(k);
                  if (t.isEmpty()) {
                    typeNode.problem(
                        "unknown task type '" + k + "'; expected one of " + TaskType.keys() + ".",
                        "use one of the types listed ('command' runs any program: params: {argv:"
                            + " [...]}).");
                  }
                  return t;
                });
    Map<String, Object> params = type.isPresent() ? params(n.get("params"), type.get()) : null;
    List<String> dependsOn = n.get("depends_on").textList();
    if (name != null && dependsOn.contains(name)) {
      n.get("depends_on")
          .problem(
              "the task '" + name + "' depends on itself, so it could never start.",
              "remove '" + name + "' from its depends_on.");
      name = null;
    }
    ConfigNode runIfNode = n.get("run_if");
    RunIf runIf = RunIf.ALL_SUCCESS;
    Optional<String> r = runIfNode.text();
    if (r.isPresent()) {
      Optional<RunIf> parsed = RunIf.byKey(r.get());
      if (parsed.isEmpty()) {
        runIfNode.problem(
            "unknown run_if '" + r.get() + "'; expected one of " + RunIf.keys() + ".",
            "write e.g. run_if: all_done (the default is all_success).");
        name = null;
      } else {
        runIf = parsed.get();
      }
    }
    int retries = 0;
    Optional<Double> rt = n.get("retries").number();
    if (rt.isPresent()) {
      if (rt.get() != Math.rint(rt.get()) || rt.get() < 0 || rt.get() > 100) {
        n.get("retries")
            .problem(
                "expected a whole number of retries from 0 to 100, got " + rt.get() + ".",
                "write e.g. retries: 2 (a failed attempt is tried again twice).");
        name = null;
      } else {
        retries = rt.get().intValue();
      }
    }
    Duration backoff = duration(n.get("retry_backoff"));
    Duration timeout = duration(n.get("timeout"));
    if (n.get("retry_backoff").isPresent() && backoff == null
        || n.get("timeout").isPresent() && timeout == null) {
      name = null;
    }
    if (name == null || type.isEmpty() || params == null) {
      return null;
    }
    return new PipelineTask(name, type.get(), params, dependsOn, runIf, retries, backoff, timeout);
  }

  /** The task's params, checked against its type; null when one is wrong. */
  private Map<String, Object> params(ConfigNode n, TaskType type) {
    Map<String, Object> out = new LinkedHashMap<>();
    boolean ok = true;
    if (n.isPresent() && !n.isMapping()) {
      n.problem(
          "expected a mapping of 'param: value'.", "write e.g. params: {model: price_direction}.");
      return null;
    }
    for (String key : n.keys()) {
      ConfigNode v = n.get(key);
      if (type.params() != null && !type.params().contains(key)) {
        v.problem(
            "unknown param '"
                + key
                + "' for a task of type '"
                + type.key()
                + "'; accepted are "
                + type.params()
                + ".",
            "rename or remove it.");
        ok = false;
        continue;
      }
      if (key.equals("argv")) {
        List<String> argv = v.textList();
        if (argv.isEmpty() || !v.isSequence()) {
          v.problem(
              "expected the command as a list of its words.",
              "write e.g. argv: [sh, -c, \"echo done\"].");
          ok = false;
        }
        out.put(key, argv);
        continue;
      }
      Optional<String> text = v.text();
      if (text.isEmpty()) {
        ok = false;
        continue;
      }
      if (FLAGS.contains(key)) {
        if (!text.get().equals("true") && !text.get().equals("false")) {
          v.problem(
              "expected true or false, got '" + text.get() + "'.",
              "write " + key + ": true, or leave it out (false).");
          ok = false;
          continue;
        }
        out.put(key, Boolean.parseBoolean(text.get()));
        continue;
      }
      if (key.equals("version") && type == TaskType.PROMOTE && !text.get().equals("latest")) {
        if (!text.get().matches("[1-9][0-9]{0,8}")) {
          v.problem(
              "expected a version number or 'latest', got '" + text.get() + "'.",
              "write version: latest (the newest registered version, e.g. the one the train task"
                  + " before registered) or a number.");
          ok = false;
          continue;
        }
      }
      Optional<Reference> ref = Reference.ofParam(key);
      if (ref.isPresent() && !knows(ref.get(), text.get())) {
        v.problem(
            "unknown "
                + ref.get().kind()
                + " '"
                + text.get()
                + "'; "
                + ref.get().file()
                + " has "
                + known.names().getOrDefault(ref.get(), Set.of())
                + ".",
            "name one of "
                + ref.get().file()
                + ", or declare it there first (a task of a pipeline runs what the project"
                + " declares).");
        ok = false;
        continue;
      }
      out.put(key, text.get());
    }
    for (String required : type.requiredParams()) {
      if (!n.get(required).isPresent()) {
        n.problemAt(
            required,
            "missing required param '" + required + "' for a task of type '" + type.key() + "'.",
            "add it under params:, e.g. params: {"
                + required
                + (required.equals("argv") ? ": [sh, -c, \"...\"]" : ": <name>")
                + "}.");
        ok = false;
      }
    }
    return ok ? out : null;
  }

  private boolean knows(Reference ref, String name) {
    return known.upstreamProblems() || known.names().getOrDefault(ref, Set.of()).contains(name);
  }

  private static String name(ConfigNode n, String what) {
    Optional<String> name = n.requiredText(what);
    if (name.isPresent() && !ProjectLoader.NAME.matcher(name.get()).matches()) {
      n.problem("'" + name.get() + "' is not a valid name.", ProjectLoader.NAME_FIX);
      return null;
    }
    return name.orElse(null);
  }

  private static Duration duration(ConfigNode n) {
    Optional<String> text = n.text();
    if (text.isEmpty()) {
      return null;
    }
    Optional<Duration> d = Durations.parse(text.get());
    if (d.isEmpty() || d.get().isZero() || d.get().isNegative()) {
      n.problem(
          "expected a positive duration, got '" + text.get() + "'.",
          "write " + Durations.ACCEPTED_FORMS + ".");
      return null;
    }
    return d.get();
  }
}
