package dev.lakeops.spark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's failures that only a running Spark job finds: one line, exit 1. */
class MlopsCliIT {
  @TempDir Path dir;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(String... args) {
    return new MlopsCli(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .run(args);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aMissingInputPathFailsWithAMessageNotAStackTrace() throws IOException {
    Path p =
        MlopsCliTest.brokenCopy(
            dir, "cdnow", "sources.yaml", "data/cdnow/CDNOW_master.txt", "data/cdnow/missing.txt");
    int code =
        run("features", "--project", p.toString(), "--warehouse", dir.resolve("wh").toString());
    assertThat(code).isEqualTo(1);
    assertThat(err())
        .contains("Source 'purchases': the input path")
        .contains("missing.txt does not exist")
        .contains("Fix the source's 'path'");
    assertThat(err()).doesNotContain("\tat ").hasLineCount(1);
  }
}
