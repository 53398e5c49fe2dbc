package dev.lakeops.flink.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Line positions (for row-index event time) survive a restore from a checkpointed position. */
class LineFileFormatTest {
  @TempDir Path dir;

  @Test
  void restoredReaderContinuesWithTheSamePositions() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      lines.add(i % 100 == 7 ? "   " : "line " + i);
    }
    Path f = dir.resolve("in.csv");
    Files.writeString(f, String.join("\r\n", lines) + "\r\n");
    FileSourceSplit split =
        new FileSourceSplit(
            "s", new org.apache.flink.core.fs.Path(f.toUri()), 0, Files.size(f), 0, Files.size(f));
    LineFileFormat format = new LineFileFormat();

    List<RawRecord> all = read(format.createReader(new Configuration(), split), Long.MAX_VALUE);
    assertThat(all).hasSize(1500);
    assertThat(all.get(0).text()).isEqualTo("line 0"); // no \r left
    assertThat(all.get(0).origin()).endsWith("in.csv:1");
    assertThat(all.get(7).index()).isEqualTo(-1); // blank
    assertThat(all.get(8).index()).isEqualTo(7); // the 8th non-blank line
    assertThat(all.get(1499).index()).isEqualTo(1499 - 15);

    // A checkpoint after 900 records: the restored reader skips them and goes on identically.
    FileSourceSplit restored =
        split.updateWithCheckpointedPosition(
            new CheckpointedPosition(CheckpointedPosition.NO_OFFSET, 900));
    List<RawRecord> rest =
        read(format.restoreReader(new Configuration(), restored), Long.MAX_VALUE);
    assertThat(rest).isEqualTo(all.subList(900, 1500));
  }

  private static List<RawRecord> read(BulkFormat.Reader<RawRecord> reader, long max)
      throws Exception {
    List<RawRecord> out = new ArrayList<>();
    try (reader) {
      BulkFormat.RecordIterator<RawRecord> batch;
      long expectedSkip = -1;
      while ((batch = reader.readBatch()) != null) {
        RecordAndPosition<RawRecord> r;
        while ((r = batch.next()) != null && out.size() < max) {
          // positions count records from the start of the file
          if (expectedSkip >= 0) {
            assertThat(r.getRecordSkipCount()).isEqualTo(expectedSkip + 1);
          }
          expectedSkip = r.getRecordSkipCount();
          out.add(r.getRecord());
        }
        batch.releaseBatch();
      }
    }
    return out;
  }
}
