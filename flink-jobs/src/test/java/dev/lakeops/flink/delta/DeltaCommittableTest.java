package dev.lakeops.flink.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.DataFileStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink's committables survive a checkpoint: serialized and read back they name the same files
 * with the same sizes, times and statistics, and commit the same rows.
 */
class DeltaCommittableTest {
  @TempDir Path tmp;

  static final class Rows implements RowFormat<Object[]> {
    private static final long serialVersionUID = 1L;

    @Override
    public StructType schema() {
      return new StructType()
          .add("id", StringType.STRING, false)
          .add("n", IntegerType.INTEGER, true);
    }

    @Override
    public Object[] toRow(Object[] r) {
      return r;
    }
  }

  final Rows format = new Rows();
  final KernelTables t = new KernelTables();

  /** A new empty table of {@link Rows} under the test's directory; returns its path. */
  private String table(String name) {
    String path = tmp.resolve(name).toString();
    t.createIfMissing(path, format.schema());
    return path;
  }

  @Test
  void aCommittableRoundTripsThroughItsSerializer() throws Exception {
    String path = table("t");
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {"a", 1});
    rows.add(new Object[] {"b", null});
    rows.add(new Object[] {"c", 3});
    List<DataFileStatus> files = new ArrayList<>(t.writeFiles(path, format.schema(), rows));
    // and a file without statistics
    DataFileStatus first = files.get(0);
    files.add(new DataFileStatus("file:/x/y/part-1.parquet", 123, 456, Optional.empty()));
    DeltaCommittable c = new DeltaCommittable("serve-m/job-1/0", 7, files);

    DeltaCommittable.Serializer ser = new DeltaCommittable.Serializer(format);
    byte[] bytes = ser.serialize(c);
    // a new serializer: as after a restore, in another process
    DeltaCommittable back =
        new DeltaCommittable.Serializer(format).deserialize(ser.getVersion(), bytes);

    assertThat(back.appId()).isEqualTo("serve-m/job-1/0");
    assertThat(back.version()).isEqualTo(7);
    assertThat(back.files()).hasSize(2);
    DataFileStatus f = back.files().get(0);
    assertThat(f.getPath()).isEqualTo(first.getPath());
    assertThat(f.getSize()).isEqualTo(first.getSize()).isPositive();
    assertThat(f.getModificationTime()).isEqualTo(first.getModificationTime());
    assertThat(f.getStatistics()).isPresent();
    // the statistics a reader prunes with: 3 records, one null n
    assertThat(f.getStatistics().get().getNumRecords()).isEqualTo(3);
    assertThat(f.getStatistics().get().serializeAsJson(format.schema()))
        .isEqualTo(first.getStatistics().get().serializeAsJson(format.schema()))
        .contains("\"numRecords\":3")
        .contains("\"nullCount\":{\"id\":0,\"n\":1}");
    DataFileStatus g = back.files().get(1);
    assertThat(g.getPath()).isEqualTo("file:/x/y/part-1.parquet");
    assertThat(g.getSize()).isEqualTo(123);
    assertThat(g.getModificationTime()).isEqualTo(456);
    assertThat(g.getStatistics()).isEmpty();

    // empty list
    DeltaCommittable none = new DeltaCommittable("a", 0, List.of());
    assertThat(ser.deserialize(1, ser.serialize(none))).isEqualTo(none);

    // the restored committable commits the rows, once
    DeltaCommittable real = new DeltaCommittable("app/0", 1, List.of(first));
    DeltaCommittable restored = ser.deserialize(1, ser.serialize(real));
    assertThat(t.commitOnce(path, restored.appId(), restored.version(), restored.files())).isTrue();
    assertThat(t.commitOnce(path, real.appId(), real.version(), real.files())).isFalse();
    List<Map<String, Object>> read = t.readAll(path);
    assertThat(read).extracting(r -> r.get("id")).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void nonAsciiValuesPathsAndManyFilesRoundTrip() throws Exception {
    String path = table("tåble ü");
    List<DataFileStatus> files = new ArrayList<>();
    // text statistics (min/max of id) outside ASCII, including a character outside the BMP
    files.addAll(
        t.writeFiles(
            path,
            format.schema(),
            List.of(new Object[] {"été", 1}, new Object[] {"zürich \uD83D\uDE80", 2})));
    for (int i = 0; i < 300; i++) {
      files.add(
          new DataFileStatus("file:/x/dír/part-" + i + ".parquet", i, 1000L + i, Optional.empty()));
    }
    DeltaCommittable c = new DeltaCommittable("serve-ü/job/1", Long.MAX_VALUE, files);
    DeltaCommittable.Serializer ser = new DeltaCommittable.Serializer(format);
    DeltaCommittable back =
        new DeltaCommittable.Serializer(format).deserialize(ser.getVersion(), ser.serialize(c));

    assertThat(back.appId()).isEqualTo("serve-ü/job/1");
    assertThat(back.version()).isEqualTo(Long.MAX_VALUE);
    assertThat(back.files()).hasSize(301);
    DataFileStatus first = files.get(0);
    assertThat(back.files().get(0).getPath()).isEqualTo(first.getPath());
    assertThat(back.files().get(0).getStatistics().get().getNumRecords()).isEqualTo(2);
    assertThat(back.files().get(0).getStatistics().get().serializeAsJson(format.schema()))
        .isEqualTo(first.getStatistics().get().serializeAsJson(format.schema()));
    for (int i = 0; i < 300; i++) {
      DataFileStatus f = back.files().get(i + 1);
      assertThat(f.getPath()).isEqualTo("file:/x/dír/part-" + i + ".parquet");
      assertThat(f.getSize()).isEqualTo(i);
      assertThat(f.getModificationTime()).isEqualTo(1000L + i);
    }
    // and it commits: both rows are read back with their text intact
    assertThat(t.commitOnce(path, back.appId(), 1, List.of(back.files().get(0)))).isTrue();
    assertThat(t.readAll(path))
        .extracting(r -> r.get("id"))
        .containsExactlyInAnyOrder("été", "zürich \uD83D\uDE80");
  }

  /**
   * The committer subtasks of one sink commit to the same table at the same moments (each
   * checkpoint). Two committers in one JVM, 25 checkpoints each: every commit lands, and the log
   * reads back whole (before commits took turns, the racing committers overwrote each other's
   * commit file, and the local file system's checksum of it then matched neither).
   */
  @Test
  void committersOfOneTableInOneJvmLoseNoCommit() throws Exception {
    String path = table("shared");
    int checkpoints = 25;
    List<List<DataFileStatus>> written = new ArrayList<>();
    for (int i = 0; i < 2 * checkpoints; i++) {
      written.add(
          t.writeFiles(path, format.schema(), List.<Object[]>of(new Object[] {"r" + i, i})));
    }
    CyclicBarrier together = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int subtask = 0; subtask < 2; subtask++) {
        int s = subtask;
        KernelTables own = new KernelTables(); // each committer has its own engine
        done.add(
            pool.submit(
                () -> {
                  int committed = 0;
                  for (int v = 1; v <= checkpoints; v++) {
                    together.await(30, TimeUnit.SECONDS);
                    List<DataFileStatus> files = written.get((v - 1) * 2 + s);
                    committed += own.commitOnce(path, "sink/job/" + s, v, files) ? 1 : 0;
                  }
                  return committed;
                }));
      }
      int committed = 0;
      for (Future<Integer> d : done) {
        committed += d.get(2, TimeUnit.MINUTES);
      }
      assertThat(committed).isEqualTo(2 * checkpoints);
    } finally {
      pool.shutdownNow();
    }
    List<Map<String, Object>> read = new KernelTables().readAll(path);
    assertThat(read).hasSize(2 * checkpoints);
    assertThat(read).extracting(r -> r.get("n")).doesNotHaveDuplicates();
  }
}
