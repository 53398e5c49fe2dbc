package dev.lakeops.flink.report;

import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.monitoring.triggers.StatisticRows;
import dev.lakeops.flink.monitoring.triggers.TriggerRows;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test tables with the monitoring contract's exact schemas (CONTRACT-MONITORING.md), and a registry
 * with the Spark side's columns, written with Delta Kernel. Rows are appended in one commit per
 * call.
 */
final class ContractTables {
  /** drift_<model> and performance_<model>: the layout the monitoring job writes. */
  static final StructType STATISTICS = new StatisticRows().schema();

  /** lakeops_triggers: the layout the rule stage writes. */
  static final StructType TRIGGERS = new TriggerRows().schema();

  /** A registry transition (spark-jobs RegistryRows.TRANSITION). */
  static final StructType TRANSITION =
      new StructType()
          .add("id", StringType.STRING, true)
          .add("version", IntegerType.INTEGER, true)
          .add("kind", StringType.STRING, true)
          .add("from_stage", StringType.STRING, true)
          .add("to_stage", StringType.STRING, true)
          .add("by", StringType.STRING, true)
          .add("at", TimestampType.TIMESTAMP, true)
          .add("reason", StringType.STRING, true)
          .add("details", new MapType(StringType.STRING, StringType.STRING, true), true);

  /** The registry columns the report and the serving job read (RegistryRows.SCHEMA's subset). */
  static final StructType REGISTRY =
      new StructType()
          .add("model", StringType.STRING, false)
          .add("version", IntegerType.INTEGER, false)
          .add("stage", StringType.STRING, false)
          .add("epoch", LongType.LONG, false)
          .add("artifact", StringType.STRING, true)
          .add("created_at", TimestampType.TIMESTAMP, true)
          .add("signature", StringType.STRING, true)
          .add("history", new ArrayType(TRANSITION, true), true);

  private final Warehouse warehouse;
  private final KernelTables tables = new KernelTables();
  private long commit;

  ContractTables(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }

  /** A statistic row; {@code threshold}/{@code rule} null for no rule. */
  static Object[] statistic(
      Instant start,
      Instant end,
      int version,
      String feature,
      String statistic,
      double value,
      long rows,
      Double threshold,
      boolean breached,
      String rule) {
    return new Object[] {
      micros(start),
      micros(end),
      version,
      feature,
      statistic,
      value,
      rows,
      threshold,
      breached,
      rule
    };
  }

  static Object[] trigger(
      String id,
      String model,
      int version,
      String rule,
      String reason,
      String feature,
      String statistic,
      double value,
      double threshold,
      Instant start,
      Instant end,
      Instant raised) {
    return new Object[] {
      id,
      model,
      version,
      rule,
      reason,
      feature,
      statistic,
      value,
      threshold,
      micros(start),
      micros(end),
      micros(raised),
      "{}"
    };
  }

  /** A registry row whose history is one promotion to production at {@code promotedAt}. */
  static Object[] version(
      String model, int version, String stage, Instant createdAt, Instant promotedAt) {
    List<Object> history = new ArrayList<>();
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("id", model + "-" + version + "-promote");
    t.put("version", version);
    t.put("kind", "promote");
    t.put("from_stage", "none");
    t.put("to_stage", "production");
    t.put("by", "test");
    t.put("at", micros(promotedAt));
    t.put("reason", "gate passed");
    t.put("details", Map.of());
    history.add(t);
    return new Object[] {
      model, version, stage, 1L, "file:/nowhere", micros(createdAt), "{}", history
    };
  }

  void drift(String model, List<Object[]> rows) {
    append(warehouse.drift(model).path(), STATISTICS, rows);
  }

  void performance(String model, List<Object[]> rows) {
    append(warehouse.performance(model).path(), STATISTICS, rows);
  }

  void triggers(List<Object[]> rows) {
    append(warehouse.triggers().path(), TRIGGERS, rows);
  }

  void registry(List<Object[]> rows) {
    append(warehouse.modelVersions().path(), REGISTRY, rows);
  }

  private void append(String path, StructType schema, List<Object[]> rows) {
    tables.createIfMissing(path, schema);
    tables.commitOnce(path, "report-test", ++commit, tables.writeFiles(path, schema, rows));
  }
}
