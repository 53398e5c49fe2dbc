package dev.lakeops.flink.demo;

import dev.lakeops.common.delta.KernelReader;
import io.delta.kernel.Snapshot;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.FileStatus;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rows of a Delta table's latest version and the largest value of one {@code long} column
 * (timestamps read as epoch µs), with each data file read once: Delta data files never change once
 * committed, so a file's tally is kept, and a poll reads only the files committed since the last
 * one. The demo polls the prediction log and the drift table several times a second while they grow
 * by a file a checkpoint; reading them whole on each poll took a core from the jobs by the end.
 *
 * <p>Only for tables without partition columns, column mapping or deletion vectors (the tables the
 * Flink jobs write); files a later version removed drop out of the tally.
 */
final class FileTally {
  /** A table's rows, and the largest value of the column ({@code Long.MIN_VALUE} when none). */
  record Tally(long rows, long max) {}

  private final KernelReader kernel;
  private final Map<String, Map<String, Tally>> perFile = new HashMap<>();

  FileTally(KernelReader kernel) {
    this.kernel = kernel;
  }

  /**
   * The tally of the table at {@code path} now: {@code (0, Long.MIN_VALUE)} when there is no table
   * there yet.
   *
   * @throws IllegalArgumentException when the table has no column {@code column}
   */
  Tally of(String path, String column) {
    Optional<Snapshot> snapshot = kernel.snapshot(path);
    if (snapshot.isEmpty()) {
      return new Tally(0, Long.MIN_VALUE);
    }
    StructType schema = new StructType(List.of(snapshot.get().getSchema().get(column)));
    Map<String, Tally> known = perFile.computeIfAbsent(path + "#" + column, p -> new HashMap<>());
    Set<String> current = new HashSet<>();
    long rows = 0;
    long max = Long.MIN_VALUE;
    for (FileStatus f : kernel.dataFiles(snapshot.get())) {
      current.add(f.getPath());
      Tally t = known.get(f.getPath());
      if (t == null) {
        List<Map<String, Object>> read = kernel.readDataFile(f, schema);
        t =
            new Tally(
                read.size(),
                read.stream()
                    .map(r -> r.get(column))
                    .filter(v -> v instanceof Long)
                    .mapToLong(v -> (Long) v)
                    .max()
                    .orElse(Long.MIN_VALUE));
        known.put(f.getPath(), t);
      }
      rows += t.rows();
      max = Math.max(max, t.max());
    }
    known.keySet().retainAll(current);
    return new Tally(rows, max);
  }
}
