package dev.lakeops.common.registry;

import dev.lakeops.common.delta.KernelReader;
import dev.lakeops.common.error.Errors;
import io.delta.kernel.Snapshot;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.expressions.Predicate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the model registry ({@code <warehouse>/<database>/_lakeops/model_versions}, the Delta table
 * partitioned by model that the Spark side writes) with Delta Kernel, without an engine: the
 * registered models and a model's state with every version, its lineage and audit trail. The
 * metadata commands ({@code mlops models}, {@code promote}'s checks) use it, so they answer without
 * starting Spark. Writes stay with the Spark registry (one writer, its idempotent commits).
 */
public final class RegistryTableReader {
  private final KernelReader reader;
  private final String path;

  /**
   * @param path the registry table's location ({@code Warehouse#modelVersions().path()})
   */
  public RegistryTableReader(KernelReader reader, String path) {
    this.reader = reader;
    this.path = path;
  }

  /** The names of the models with any version, sorted; empty when there is no registry yet. */
  public List<String> models() {
    Optional<Snapshot> snapshot = reader.snapshot(path);
    if (snapshot.isEmpty()) {
      return List.of();
    }
    return reader.readAll(snapshot.get(), List.of("model"), null).stream()
        .map(r -> (String) r.get("model"))
        .distinct()
        .sorted()
        .toList();
  }

  /**
   * The model's state: its versions (by number) and epoch; {@link ModelState#empty} when it has no
   * version or there is no registry. Only the model's partition is read.
   */
  public ModelState state(String model) {
    Optional<Snapshot> snapshot = reader.snapshot(path);
    if (snapshot.isEmpty()) {
      return ModelState.empty(model);
    }
    Predicate onModel = new Predicate("=", new Column("model"), Literal.ofString(model));
    List<ModelVersion> versions = new ArrayList<>();
    long epoch = 0;
    for (Map<String, Object> r : reader.readAll(snapshot.get(), List.of(), onModel)) {
      if (!model.equals(r.get("model"))) {
        continue;
      }
      versions.add(version(r));
      epoch = Math.max(epoch, ((Number) r.get("epoch")).longValue());
    }
    versions.sort(Comparator.comparingInt(ModelVersion::version));
    return new ModelState(model, epoch, List.copyOf(versions));
  }

  /** One row of the registry table (as {@link KernelReader} reads it) as a model version. */
  static ModelVersion version(Map<String, Object> r) {
    Map<String, Object> l = struct(r.get("lineage"));
    List<Transition> history = new ArrayList<>();
    for (Object o : list(r.get("history"))) {
      Map<String, Object> t = struct(o);
      history.add(
          new Transition(
              (String) t.get("id"),
              ((Number) t.get("version")).intValue(),
              (String) t.get("kind"),
              stage(t.get("from_stage")),
              stage(t.get("to_stage")),
              (String) t.get("by"),
              instant(t.get("at")),
              (String) t.get("reason"),
              strings(t.get("details"))));
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    map(r.get("metrics")).forEach((k, v) -> metrics.put((String) k, ((Number) v).doubleValue()));
    Map<String, Long> inputs = new LinkedHashMap<>();
    map(l.get("inputs")).forEach((k, v) -> inputs.put((String) k, ((Number) v).longValue()));
    return new ModelVersion(
        (String) r.get("model"),
        ((Number) r.get("version")).intValue(),
        (String) r.get("artifact"),
        instant(r.get("created_at")),
        stage(r.get("stage")),
        Map.copyOf(metrics),
        strings(r.get("params")),
        (String) r.get("signature"),
        (String) r.get("profile"),
        new Lineage(
            (String) l.get("run_id"),
            (String) l.get("training_set"),
            Map.copyOf(inputs),
            (String) l.get("code_version"),
            (String) l.get("config_hash")),
        List.copyOf(history));
  }

  /** A Delta timestamp (microseconds since the epoch, UTC) as an instant; null stays null. */
  static Instant instant(Object micros) {
    return micros == null
        ? null
        : Instant.EPOCH.plus(((Number) micros).longValue(), ChronoUnit.MICROS);
  }

  private static Stage stage(Object key) {
    return Stage.parse((String) key)
        .orElseThrow(() -> Errors.unknownRegistryStage(key, Stage.keys()));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> struct(Object o) {
    return o == null ? Map.of() : (Map<String, Object>) o;
  }

  private static Map<?, ?> map(Object o) {
    return o == null ? Map.of() : (Map<?, ?>) o;
  }

  private static List<?> list(Object o) {
    return o == null ? List.of() : (List<?>) o;
  }

  private static Map<String, String> strings(Object o) {
    Map<String, String> out = new LinkedHashMap<>();
    map(o)
        .forEach(
            (k, v) -> {
              if (v != null) {
                out.put((String) k, String.valueOf(v));
              }
            });
    return Map.copyOf(out);
  }
}
