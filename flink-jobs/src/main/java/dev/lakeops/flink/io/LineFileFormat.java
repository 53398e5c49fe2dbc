package dev.lakeops.flink.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.IteratorResultIterator;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;

/**
 * Reads text files line by line (UTF-8; {@code \n}, {@code \r\n} or {@code \r} ends), each line a
 * {@link RawRecord} that knows its file, its line number and its index among the file's non-blank
 * lines, which row-index event time needs, and the file's first non-blank line (its header, which
 * orders the fields by name). Files are not split, so those positions are exact. On restore the
 * file is read again from its start and the lines already emitted are skipped, so the positions
 * stay the same.
 */
public final class LineFileFormat implements BulkFormat<RawRecord, FileSourceSplit> {
  private static final long serialVersionUID = 1L;
  private static final int BATCH = 512;

  @Override
  public Reader<RawRecord> createReader(Configuration config, FileSourceSplit split)
      throws IOException {
    return new LineReader(split.path(), 0);
  }

  @Override
  public Reader<RawRecord> restoreReader(Configuration config, FileSourceSplit split)
      throws IOException {
    long skip =
        split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset).orElse(0L);
    return new LineReader(split.path(), skip);
  }

  @Override
  public boolean isSplittable() {
    return false;
  }

  @Override
  public TypeInformation<RawRecord> getProducedType() {
    return TypeInformation.of(RawRecord.class);
  }

  private static final class LineReader implements Reader<RawRecord> {
    private final String file;
    private final FSDataInputStream in;
    private final BufferedReader lines;
    private long emitted;
    private long nonBlank;
    private String first;

    LineReader(Path path, long skip) throws IOException {
      this.file = path.getPath();
      this.in = path.getFileSystem().open(path);
      this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
      for (long i = 0; i < skip; i++) {
        if (next() == null) {
          break;
        }
      }
    }

    private RawRecord next() throws IOException {
      String line = lines.readLine();
      if (line == null) {
        return null;
      }
      emitted++;
      boolean blank = line.isBlank();
      if (!blank && first == null) {
        first = line;
      }
      RawRecord r = new RawRecord(file + ":" + emitted, blank ? -1 : nonBlank, line, first);
      if (!blank) {
        nonBlank++;
      }
      return r;
    }

    @Override
    public RecordIterator<RawRecord> readBatch() throws IOException {
      long before = emitted;
      List<RawRecord> batch = new ArrayList<>(BATCH);
      RawRecord r;
      while (batch.size() < BATCH && (r = next()) != null) {
        batch.add(r);
      }
      if (batch.isEmpty()) {
        return null;
      }
      return new IteratorResultIterator<>(batch.iterator(), CheckpointedPosition.NO_OFFSET, before);
    }

    @Override
    public void close() throws IOException {
      lines.close();
    }
  }
}
