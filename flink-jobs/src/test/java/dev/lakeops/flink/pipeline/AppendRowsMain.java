package dev.lakeops.flink.pipeline;

import dev.lakeops.flink.delta.KernelTables;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import java.util.ArrayList;
import java.util.List;

/**
 * An idempotent test task: appends {@code count} rows {@code (task, i)} to a Delta table in one
 * commit whose transaction id names the task, so a task run again adds nothing.
 *
 * <p>Usage: {@code AppendRowsMain <table> <task> <count>}
 */
public final class AppendRowsMain {
  static final StructType SCHEMA =
      new StructType().add("task", StringType.STRING, false).add("i", LongType.LONG, false);

  private AppendRowsMain() {}

  public static void main(String[] args) {
    String table = args[0];
    String task = args[1];
    int count = Integer.parseInt(args[2]);
    KernelTables tables = new KernelTables();
    tables.createIfMissing(table, SCHEMA);
    String appId = "test-task:" + task;
    if (tables.committed(table, appId, 1)) {
      return;
    }
    List<Object[]> rows = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      rows.add(new Object[] {task, i});
    }
    tables.commitOnce(table, appId, 1, tables.writeFiles(table, SCHEMA, rows));
  }
}
