package dev.lakeops.flink.registry;

import static dev.lakeops.common.registry.RegistryColumns.ARTIFACT;
import static dev.lakeops.common.registry.RegistryColumns.EPOCH;
import static dev.lakeops.common.registry.RegistryColumns.MODEL;
import static dev.lakeops.common.registry.RegistryColumns.SIGNATURE;
import static dev.lakeops.common.registry.RegistryColumns.STAGE;
import static dev.lakeops.common.registry.RegistryColumns.VERSION;

import dev.lakeops.common.registry.Stage;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.delta.KernelTables;
import io.delta.kernel.Snapshot;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.expressions.Predicate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the model registry ({@link Warehouse#modelVersions()}, the Delta table the Spark side
 * writes) with Delta Kernel: no Spark in the serving JVM. Only the model's partition is read; the
 * columns are {@link dev.lakeops.common.registry.RegistryColumns}' names.
 */
public final class RegistryReader {
  private static final List<String> COLUMNS =
      List.of(MODEL, VERSION, STAGE, EPOCH, ARTIFACT, SIGNATURE);

  private final String path;
  private final KernelTables tables;

  /** The registry of a warehouse. */
  public RegistryReader(Warehouse warehouse) {
    this(warehouse.modelVersions().path());
  }

  /** The registry table at {@code path}. */
  public RegistryReader(String path) {
    this(path, new KernelTables());
  }

  public RegistryReader(String path, KernelTables tables) {
    this.path = path;
    this.tables = tables;
  }

  public String path() {
    return path;
  }

  /** The model's production version, or empty when it has none (or there is no registry yet). */
  public Optional<Champion> champion(String model) {
    Champion best = null;
    for (Map<String, Object> r : rows(model)) {
      if (Stage.parse((String) r.get(STAGE)).orElse(null) != Stage.PRODUCTION) {
        continue;
      }
      Champion c = of(model, r);
      // The registry keeps at most one production version; prefer the newest if it ever had two.
      if (best == null || c.version() > best.version()) {
        best = c;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Any version of the model, whatever its stage. */
  public Optional<Champion> version(String model, int version) {
    return rows(model).stream()
        .filter(r -> ((Number) r.get(VERSION)).intValue() == version)
        .map(r -> of(model, r))
        .findFirst();
  }

  /** The model's newest registered version, whatever its stage; empty when it has none. */
  public java.util.OptionalInt latestVersion(String model) {
    return rows(model).stream().mapToInt(r -> ((Number) r.get(VERSION)).intValue()).max();
  }

  private List<Map<String, Object>> rows(String model) {
    Optional<Snapshot> snapshot = tables.snapshot(path);
    if (snapshot.isEmpty()) {
      return List.of();
    }
    Predicate onModel = new Predicate("=", new Column(MODEL), Literal.ofString(model));
    return tables.readAll(snapshot.get(), COLUMNS, onModel).stream()
        .filter(r -> model.equals(r.get(MODEL)))
        .toList();
  }

  private static Champion of(String model, Map<String, Object> r) {
    return new Champion(
        model,
        ((Number) r.get(VERSION)).intValue(),
        (String) r.get(ARTIFACT),
        (String) r.get(SIGNATURE),
        ((Number) r.get(EPOCH)).longValue());
  }

  /** The model names that have any version (for error messages). */
  public List<String> models() {
    return new dev.lakeops.common.registry.RegistryTableReader(
            new dev.lakeops.common.delta.KernelReader(tables.engine()), path)
        .models();
  }
}
