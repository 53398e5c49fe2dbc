package dev.lakeops.flink.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeops.common.delta.KernelReader;
import dev.lakeops.flink.delta.KernelTables;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.FileStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FileTally} against a real Delta table written with Delta Kernel (no engine). */
class FileTallyTest {
  private static final StructType SCHEMA =
      new StructType()
          .add("event_id", StringType.STRING)
          .add("window_end", TimestampType.TIMESTAMP);

  @TempDir Path dir;

  private static void append(KernelTables t, String path, long version, long... windowEnds) {
    List<Object[]> rows = new ArrayList<>();
    for (long w : windowEnds) {
      rows.add(new Object[] {"e" + w, w});
    }
    t.commitOnce(path, "test", version, t.writeFiles(path, SCHEMA, rows));
  }

  @Test
  void countsAndMaximaFollowTheTableAsItGrows() throws Exception {
    String path = dir.resolve("t").toString();
    FileTally tally = new FileTally(new KernelReader());
    assertEquals(new FileTally.Tally(0, Long.MIN_VALUE), tally.of(path, "window_end"));

    KernelTables t = new KernelTables();
    t.createIfMissing(path, SCHEMA);
    assertEquals(new FileTally.Tally(0, Long.MIN_VALUE), tally.of(path, "window_end"));

    append(t, path, 1, 5_000_000L, 9_000_000L, 7_000_000L);
    assertEquals(new FileTally.Tally(3, 9_000_000L), tally.of(path, "window_end"));

    List<FileStatus> first = new KernelReader().dataFiles(path);
    assertEquals(1, first.size());

    // A second file: its rows are added, the first file's kept tally is reused.
    append(t, path, 2, 8_000_000L, 12_000_000L);
    assertEquals(new FileTally.Tally(5, 12_000_000L), tally.of(path, "window_end"));
    // A fresh tally reads every file and agrees.
    assertEquals(
        new FileTally.Tally(5, 12_000_000L),
        new FileTally(new KernelReader()).of(path, "window_end"));

    // Each file is read once: with the first file gone from disk, the kept tally still answers
    // (a tally that re-read it would fail), while a fresh one cannot read it.
    Files.delete(Path.of(first.get(0).getPath().replaceFirst("^file:", "")));
    assertEquals(new FileTally.Tally(5, 12_000_000L), tally.of(path, "window_end"));
    assertThrows(
        RuntimeException.class, () -> new FileTally(new KernelReader()).of(path, "window_end"));
    // Another column of the same table is tallied on its own, from its own reads: the deleted
    // file was never read for it, so it cannot be tallied now.
    assertThrows(RuntimeException.class, () -> tally.of(path, "event_id"));
  }
}
