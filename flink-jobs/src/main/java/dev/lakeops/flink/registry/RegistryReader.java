package dev.lakeops.flink.registry;

import dev.lakeops.common.registry.Stage;
import dev.lakeops.flink.delta.KernelTables;
import io.delta.kernel.Snapshot;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.expressions.Predicate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the model registry ({@code <warehouse>/<database>/_lakeops/model_versions}, the Delta table
 * the Spark side writes) with Delta Kernel: no Spark in the serving JVM. Only the model's partition
 * is read.
 */
public final class RegistryReader {
  /** The registry table's location under the warehouse, as the Spark side lays it out. */
  public static String tablePath(String warehouseRoot, String database) {
    String root =
        warehouseRoot.endsWith("/")
            ? warehouseRoot.substring(0, warehouseRoot.length() - 1)
            : warehouseRoot;
    return root + "/" + database + "/_lakeops/model_versions";
  }

  private static final List<String> COLUMNS =
      List.of("model", "version", "stage", "epoch", "artifact", "signature");

  private final String path;
  private final KernelTables tables;

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
      if (Stage.parse((String) r.get("stage")).orElse(null) != Stage.PRODUCTION) {
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
        .filter(r -> ((Number) r.get("version")).intValue() == version)
        .map(r -> of(model, r))
        .findFirst();
  }

  private List<Map<String, Object>> rows(String model) {
    Optional<Snapshot> snapshot = tables.snapshot(path);
    if (snapshot.isEmpty()) {
      return List.of();
    }
    Predicate onModel = new Predicate("=", new Column("model"), Literal.ofString(model));
    return tables.readAll(snapshot.get(), COLUMNS, onModel).stream()
        .filter(r -> model.equals(r.get("model")))
        .toList();
  }

  private static Champion of(String model, Map<String, Object> r) {
    return new Champion(
        model,
        ((Number) r.get("version")).intValue(),
        (String) r.get("artifact"),
        (String) r.get("signature"),
        ((Number) r.get("epoch")).longValue());
  }

  /** The model names that have any version (for error messages). */
  public List<String> models() {
    return new dev.lakeops.common.registry.RegistryTableReader(
            new dev.lakeops.common.delta.KernelReader(tables.engine()), path)
        .models();
  }
}
