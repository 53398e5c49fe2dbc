package dev.lakeops.flink.report;

import dev.lakeops.common.registry.RegistryColumns;
import dev.lakeops.common.warehouse.TableRef;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.delta.KernelTables;
import io.delta.kernel.Snapshot;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.types.StructField;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads what the report shows from the warehouse with Delta Kernel (no Spark, no Flink cluster):
 * the {@code drift_<model>} and {@code performance_<model>} tables, {@code lakeops_triggers} and
 * the registry ({@code lakeops_model_versions}), keyed on the monitoring contract's column names. A
 * table that does not exist yet is {@link Table#missing()}, one without a contract column is {@link
 * Table#problem() unreadable}; neither throws.
 */
public final class MonitoringTables {
  /** The columns of {@code drift_<model>} and {@code performance_<model>} the report reads. */
  static final List<String> STATISTIC_COLUMNS =
      List.of(
          "window_start",
          "window_end",
          "model_version",
          "feature",
          "statistic",
          "value",
          "rows",
          "threshold",
          "breached",
          "rule");

  /** The columns of {@code lakeops_triggers} the report reads. */
  static final List<String> TRIGGER_COLUMNS =
      List.of(
          "trigger_id",
          "model",
          "model_version",
          "rule",
          "reason",
          "feature",
          "statistic",
          "value",
          "threshold",
          "window_start",
          "window_end",
          "raised_at");

  /** The registry columns the report reads ({@link RegistryColumns}, which Spark writes). */
  static final List<String> REGISTRY_COLUMNS =
      List.of(
          RegistryColumns.MODEL,
          RegistryColumns.VERSION,
          RegistryColumns.STAGE,
          RegistryColumns.CREATED_AT,
          RegistryColumns.HISTORY);

  /**
   * One row of {@code drift_<model>} or {@code performance_<model>}.
   *
   * @param windowStartMicros window start, epoch µs (Delta TIMESTAMP), inclusive
   * @param windowEndMicros window end, epoch µs, exclusive
   * @param feature the model input or {@code prediction}; null in the performance table
   * @param statistic a {@code Statistic.key()} (kept as text: a newer writer may add keys)
   * @param value NaN when the window cannot define it (a null cell reads as NaN too)
   * @param threshold null when no rule watches the statistic
   * @param rule null when no rule watches the statistic
   */
  public record StatisticRow(
      long windowStartMicros,
      long windowEndMicros,
      int modelVersion,
      String feature,
      String statistic,
      double value,
      long rows,
      Double threshold,
      boolean breached,
      String rule) {}

  /**
   * One row of {@code lakeops_triggers} (times in epoch µs; nullable fields as in the contract).
   */
  public record TriggerRow(
      String triggerId,
      String model,
      Integer modelVersion,
      String rule,
      String reason,
      String feature,
      String statistic,
      Double value,
      Double threshold,
      Long windowStartMicros,
      Long windowEndMicros,
      long raisedAtMicros) {

    /** Where the trigger sits on a time axis: its window's end, else when it was raised (µs). */
    public long atMicros() {
      return windowEndMicros != null ? windowEndMicros : raisedAtMicros;
    }
  }

  /** A stage change from a registry version's audit trail ({@code history}); time in epoch µs. */
  public record StageChange(String fromStage, String toStage, long atMicros, String reason) {}

  /**
   * A registered version of the model.
   *
   * @param createdAtMicros epoch µs, null when the registry row has none
   * @param changes its stage changes, oldest first
   */
  public record VersionRow(
      int version, String stage, Long createdAtMicros, List<StageChange> changes) {}

  /**
   * A table as read: its name and location, and its rows, or why there are none.
   *
   * @param rows present when the table was read (possibly empty)
   * @param problem why the table was not read: it does not exist, or lacks a contract column
   */
  public record Table<T>(TableRef ref, Optional<List<T>> rows, Optional<String> problem) {
    static <T> Table<T> of(TableRef ref, List<T> rows) {
      return new Table<>(ref, Optional.of(List.copyOf(rows)), Optional.empty());
    }

    static <T> Table<T> missing(TableRef ref) {
      return new Table<>(
          ref,
          Optional.empty(),
          Optional.of("no table " + ref.name() + " at " + ref.path() + " yet"));
    }

    static <T> Table<T> unreadable(TableRef ref, String why) {
      return new Table<>(ref, Optional.empty(), Optional.of(ref.name() + ": " + why));
    }

    /** The rows, or none when the table was not read. */
    public List<T> list() {
      return rows.orElse(List.of());
    }

    public boolean missing() {
      return rows.isEmpty();
    }
  }

  private final Warehouse warehouse;
  private final KernelTables tables;

  public MonitoringTables(Warehouse warehouse, KernelTables tables) {
    this.warehouse = warehouse;
    this.tables = tables;
  }

  /** The project's catalog database. */
  public String database() {
    return warehouse.database();
  }

  /** {@code drift_<model>}: every row, ordered by window end. */
  public Table<StatisticRow> drift(String model) {
    return byWindowEnd(
        read(warehouse.drift(model), STATISTIC_COLUMNS, null, MonitoringTables::statistic));
  }

  /** {@code performance_<model>}: every row, ordered by window end. */
  public Table<StatisticRow> performance(String model) {
    return byWindowEnd(
        read(warehouse.performance(model), STATISTIC_COLUMNS, null, MonitoringTables::statistic));
  }

  private static Table<StatisticRow> byWindowEnd(Table<StatisticRow> t) {
    return t.rows().isEmpty()
        ? t
        : Table.of(
            t.ref(),
            t.list().stream()
                .sorted(Comparator.comparingLong(StatisticRow::windowEndMicros))
                .toList());
  }

  /** The triggers of {@code model} in {@code lakeops_triggers}, ordered by their time. */
  public Table<TriggerRow> triggers(String model) {
    Table<TriggerRow> all =
        read(
            warehouse.triggers(),
            TRIGGER_COLUMNS,
            new Predicate("=", new Column("model"), Literal.ofString(model)),
            MonitoringTables::trigger);
    return all.rows().isEmpty()
        ? all
        : Table.of(
            all.ref(),
            all.list().stream()
                .filter(t -> model.equals(t.model()))
                .sorted(Comparator.comparingLong(TriggerRow::atMicros))
                .toList());
  }

  /** The registered versions of {@code model} (its registry partition), by version. */
  public Table<VersionRow> versions(String model) {
    Table<Map<String, Object>> raw =
        read(
            warehouse.modelVersions(),
            REGISTRY_COLUMNS,
            new Predicate("=", new Column("model"), Literal.ofString(model)),
            Function.identity());
    if (raw.rows().isEmpty()) {
      return new Table<>(raw.ref(), Optional.empty(), raw.problem());
    }
    return Table.of(
        raw.ref(),
        raw.list().stream()
            .filter(r -> model.equals(r.get("model")))
            .map(MonitoringTables::version)
            .sorted(Comparator.comparingInt(VersionRow::version))
            .toList());
  }

  private <T> Table<T> read(
      TableRef ref,
      List<String> columns,
      Predicate filter,
      Function<Map<String, Object>, T> convert) {
    Optional<Snapshot> snapshot = tables.snapshot(ref.path());
    if (snapshot.isEmpty()) {
      return Table.missing(ref);
    }
    Set<String> present =
        snapshot.get().getSchema().fields().stream()
            .map(StructField::getName)
            .collect(Collectors.toSet());
    List<String> lacking = columns.stream().filter(c -> !present.contains(c)).toList();
    if (!lacking.isEmpty()) {
      return Table.unreadable(
          ref,
          "the table at "
              + ref.path()
              + " has no column "
              + String.join(", ", lacking)
              + " (the monitoring contract's columns are "
              + String.join(", ", columns)
              + ")");
    }
    List<T> rows = new ArrayList<>();
    for (Map<String, Object> r : tables.readAll(snapshot.get(), columns, filter)) {
      rows.add(convert.apply(r));
    }
    return Table.of(ref, rows);
  }

  private static StatisticRow statistic(Map<String, Object> r) {
    return new StatisticRow(
        longOf(r.get("window_start")),
        longOf(r.get("window_end")),
        ((Number) r.get("model_version")).intValue(),
        (String) r.get("feature"),
        (String) r.get("statistic"),
        r.get("value") == null ? Double.NaN : ((Number) r.get("value")).doubleValue(),
        longOf(r.get("rows")),
        doubleOrNull(r.get("threshold")),
        Boolean.TRUE.equals(r.get("breached")),
        (String) r.get("rule"));
  }

  private static TriggerRow trigger(Map<String, Object> r) {
    return new TriggerRow(
        (String) r.get("trigger_id"),
        (String) r.get("model"),
        r.get("model_version") == null ? null : ((Number) r.get("model_version")).intValue(),
        (String) r.get("rule"),
        (String) r.get("reason"),
        (String) r.get("feature"),
        (String) r.get("statistic"),
        doubleOrNull(r.get("value")),
        doubleOrNull(r.get("threshold")),
        r.get("window_start") == null ? null : longOf(r.get("window_start")),
        r.get("window_end") == null ? null : longOf(r.get("window_end")),
        longOf(r.get("raised_at")));
  }

  @SuppressWarnings("unchecked")
  private static VersionRow version(Map<String, Object> r) {
    List<StageChange> changes = new ArrayList<>();
    Object history = r.get(RegistryColumns.HISTORY);
    if (history instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> m && m.get(RegistryColumns.TRANSITION_AT) != null) {
          Map<String, Object> t = (Map<String, Object>) m;
          changes.add(
              new StageChange(
                  (String) t.get(RegistryColumns.TRANSITION_FROM_STAGE),
                  (String) t.get(RegistryColumns.TRANSITION_TO_STAGE),
                  longOf(t.get(RegistryColumns.TRANSITION_AT)),
                  (String) t.get(RegistryColumns.TRANSITION_REASON)));
        }
      }
    }
    changes.sort(Comparator.comparingLong(StageChange::atMicros));
    return new VersionRow(
        ((Number) r.get(RegistryColumns.VERSION)).intValue(),
        (String) r.get(RegistryColumns.STAGE),
        r.get(RegistryColumns.CREATED_AT) == null
            ? null
            : longOf(r.get(RegistryColumns.CREATED_AT)),
        List.copyOf(changes));
  }

  private static long longOf(Object o) {
    return ((Number) o).longValue();
  }

  private static Double doubleOrNull(Object o) {
    return o == null ? null : ((Number) o).doubleValue();
  }
}
