package dev.lakeops.common.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second JVM reads the embedded store while this one writes, and sees each commit. */
class SqliteCrossProcessTest {
  @TempDir Path tmp;

  @Test
  void anotherProcessReadsCommittedRowsWhileThisOneWrites() throws Exception {
    Path file = tmp.resolve("features.db");
    int batches = 20;
    try (SqliteOnlineStore store = new SqliteOnlineStore(file, Map.of())) {
      store.write("v", List.of(new FeatureRow("other", 0, Map.of("v", 0.0))));
      Process reader =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  EmbeddedStoreReaderMain.class.getName(),
                  file.toString(),
                  "v",
                  "k",
                  Long.toString(batches))
              .redirectErrorStream(true)
              .start();
      List<String> lines = new ArrayList<>();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(reader.getInputStream(), StandardCharsets.UTF_8))) {
        String line = out.readLine();
        while (line != null && !line.equals("READY")) {
          lines.add(line);
          line = out.readLine();
        }
        assertThat(line).as("reader output: %s", lines).isEqualTo("READY");
        // Each batch: 100 filler rows and the watched key at event time b, in one transaction.
        // The next batch waits until the reader reports this one (or gives up, after its own
        // deadline), so the reader sees every commit while the writer keeps its connection open.
        for (int b = 1; b <= batches && line != null; b++) {
          List<FeatureRow> rows = new ArrayList<>();
          for (int i = 0; i < 100; i++) {
            rows.add(new FeatureRow("f" + b + "-" + i, b, Map.of("v", 2.0 * b)));
          }
          rows.add(new FeatureRow("k", b, Map.of("v", 2.0 * b)));
          store.write("v", rows);
          String seenB = "SEEN " + b + " ";
          do {
            line = out.readLine();
            if (line != null) {
              lines.add(line);
            }
          } while (line != null && !line.startsWith(seenB) && !line.startsWith("TIMEOUT"));
        }
        while ((line = out.readLine()) != null) {
          lines.add(line);
        }
      }
      assertThat(reader.waitFor(60, TimeUnit.SECONDS)).isTrue();
      List<String> seen = lines.stream().filter(l -> l.startsWith("SEEN ")).toList();
      assertThat(lines).as("all output: %s", lines).contains("DONE");
      // It followed the writer commit by commit: batch b's key, consistent, with exactly the rows
      // of batches 1..b ('other', 'k' and 100 filler rows per batch; a batch is one transaction).
      List<String> expected = new ArrayList<>();
      for (int b = 1; b <= batches; b++) {
        expected.add("SEEN " + b + " true " + (2 + 100L * b));
      }
      assertThat(seen).isEqualTo(expected);
    }
  }
}
