package dev.lakeops.spark.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeops.common.error.LakeOpsException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {
  @TempDir Path dir;

  private final Configuration conf = new Configuration();

  @Test
  void theHeaderIsTheFirstNonBlankLine() throws Exception {
    Path f = dir.resolve("a.csv");
    Files.writeString(f, "\n  \r\ndate,price\r\n1,2\n");
    assertEquals("date,price", InputFiles.firstNonBlankLine("s", f.toUri().toString(), conf));
  }

  @Test
  void aCompressedFileIsReadThroughItsCodec() throws Exception {
    Path f = dir.resolve("a.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write("date,price\n1,2\n".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals("date,price", InputFiles.firstNonBlankLine("s", f.toString(), conf));
  }

  @Test
  void aBlankFileHasNoHeader() throws Exception {
    Path f = dir.resolve("blank.csv");
    Files.writeString(f, "\n \n");
    assertNull(InputFiles.firstNonBlankLine("s", f.toString(), conf));
  }

  @Test
  void aMissingFileNamesTheSourceAndTheFile() {
    String missing = dir.resolve("gone.csv").toString();
    LakeOpsException e =
        assertThrows(
            LakeOpsException.class, () -> InputFiles.firstNonBlankLine("readings", missing, conf));
    assertTrue(e.getMessage().contains("'readings'") && e.getMessage().contains(missing));
  }
}
