package dev.lakeops.spark.registry;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakeops.common.registry.ModelState;
import dev.lakeops.common.registry.ModelVersion;
import dev.lakeops.common.registry.RegistryColumns;
import dev.lakeops.common.registry.Transition;
import dev.lakeops.common.warehouse.TableRef;
import dev.lakeops.spark.SparkErrors;
import dev.lakeops.spark.store.DeltaTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model registry, kept in a Delta table partitioned by model: one row per version with its
 * stage and audit trail. Every change of a model rewrites the model's partition in one Delta commit
 * guarded by an idempotent transaction id ({@code txnAppId} = the model, {@code txnVersion} = its
 * next epoch). Of two writers that read the same epoch only one can commit; the other sees its
 * change missing, re-reads and re-applies it. So concurrent promotions leave exactly one production
 * version and lose no transition.
 */
public final class DeltaModelRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaModelRegistry.class);
  private static final int MAX_ATTEMPTS = 50;

  private final SparkSession spark;
  private final DeltaTables tables;
  private final TableRef table;

  public DeltaModelRegistry(SparkSession spark, DeltaTables tables, TableRef table) {
    this.spark = spark;
    this.tables = tables;
    this.table = table;
  }

  public TableRef table() {
    return table;
  }

  /** The model's current state (empty if it has no versions). */
  public ModelState state(String model) {
    if (!tables.exists(table)) {
      return ModelState.empty(model);
    }
    List<Row> rows =
        tables.read(table).filter(col(RegistryColumns.MODEL).equalTo(lit(model))).collectAsList();
    List<ModelVersion> versions = new ArrayList<>();
    long epoch = 0;
    for (Row r : rows) {
      versions.add(RegistryRows.fromRow(r));
      epoch = Math.max(epoch, r.<Long>getAs(RegistryColumns.EPOCH));
    }
    versions.sort(java.util.Comparator.comparingInt(ModelVersion::version));
    return new ModelState(model, epoch, List.copyOf(versions));
  }

  /** The names of all registered models. */
  public List<String> models() {
    if (!tables.exists(table)) {
      return List.of();
    }
    return tables
        .read(table)
        .select(RegistryColumns.MODEL)
        .distinct()
        .orderBy(RegistryColumns.MODEL)
        .collectAsList()
        .stream()
        .map(r -> r.getString(0))
        .toList();
  }

  /**
   * Applies {@code change} to the model's latest state and commits it, re-reading and re-applying
   * when another writer committed first. {@code change} may be called more than once and must
   * decide from the state it is given.
   *
   * @return the committed state
   */
  public ModelState update(String model, UnaryOperator<ModelState> change) {
    ensureTable();
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      ModelState current = state(model);
      ModelState next = change.apply(current);
      if (commit(current, next)) {
        return next;
      }
      LOG.info(
          "model {}: epoch {} was taken by another writer; retrying ({})",
          model,
          next.epoch(),
          attempt);
      sleep(attempt);
    }
    throw SparkErrors.registryKeptChanging(model, MAX_ATTEMPTS);
  }

  /** Creates the empty registry table once; a writer that loses the race to create it goes on. */
  private synchronized void ensureTable() {
    if (tables.exists(table)) {
      return;
    }
    try {
      spark
          .createDataFrame(List.<Row>of(), RegistryRows.SCHEMA)
          .write()
          .format("delta")
          .mode(SaveMode.Ignore)
          .partitionBy(RegistryColumns.MODEL)
          .save(table.path());
    } catch (Exception e) {
      if (!tables.exists(table)) {
        throw e instanceof RuntimeException re
            ? re
            : SparkErrors.cannotWriteRegistry(table.path(), e);
      }
    }
    tables.register(table);
  }

  private boolean commit(ModelState current, ModelState next) {
    try {
      spark
          .createDataFrame(
              next.versions().stream().map(v -> RegistryRows.toRow(v, next.epoch())).toList(),
              RegistryRows.SCHEMA)
          .write()
          .format("delta")
          .mode(SaveMode.Overwrite)
          .partitionBy(RegistryColumns.MODEL)
          .option(
              "replaceWhere",
              RegistryColumns.MODEL + " = '" + next.model().replace("'", "''") + "'")
          .option("txnAppId", "lakeops-registry/" + next.model())
          .option("txnVersion", next.epoch())
          .save(table.path());
    } catch (Exception e) { // Delta's concurrent-modification exceptions: another writer won
      if (!isConcurrencyConflict(e)) {
        throw e instanceof RuntimeException re
            ? re
            : SparkErrors.cannotWriteRegistry(table.path(), e);
      }
      return false;
    }
    tables.register(table);
    // A write whose txnVersion was already committed is skipped silently: check it is ours.
    Set<String> committed =
        state(next.model()).auditTrail().stream().map(Transition::id).collect(Collectors.toSet());
    return next.auditTrail().stream().allMatch(t -> committed.contains(t.id()));
  }

  /**
   * Whether another writer won the commit: Delta's conflict exceptions (concurrent append, delete,
   * transaction, metadata or protocol change) all extend {@link
   * io.delta.exceptions.DeltaConcurrentModificationException}, also when wrapped.
   */
  static boolean isConcurrencyConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.delta.exceptions.DeltaConcurrentModificationException) {
        return true;
      }
    }
    return false;
  }

  private static void sleep(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(10, 50L * Math.min(attempt, 10)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SparkErrors.interruptedRegistryRetry(e);
    }
  }
}
