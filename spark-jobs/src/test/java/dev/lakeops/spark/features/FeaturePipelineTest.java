package dev.lakeops.spark.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lakeops.spark.ingest.InputFile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeaturePipelineTest {
  private static final long MIB = 1L << 20;

  private static List<InputFile> files(int n, long size) {
    List<InputFile> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new InputFile("f" + i, size, 0));
    }
    return out;
  }

  @Test
  void manySmallFilesAreWrittenAsOne() {
    assertEquals(1, FeaturePipeline.writePartitions(files(47, 40_000)));
    assertEquals(1, FeaturePipeline.writePartitions(files(1, 0)));
  }

  @Test
  void oneFilePerStartedHundredAndTwentyEightMebibytes() {
    // 3 x 100 MiB = 300 MiB: two full 128 MiB files and a third for the rest.
    assertEquals(3, FeaturePipeline.writePartitions(files(3, 100 * MIB)));
    assertEquals(2, FeaturePipeline.writePartitions(files(2, 128 * MIB)));
    // One file of 1 GiB is read as 8 splits and keeps them.
    assertEquals(8, FeaturePipeline.writePartitions(files(1, 1024 * MIB)));
  }
}
