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
        for (int b = 1; b <= batches; b++) {
          List<FeatureRow> rows = new ArrayList<>();
          for (int i = 0; i < 100; i++) {
            rows.add(new FeatureRow("f" + b + "-" + i, b, Map.of("v", 2.0 * b)));
          }
          rows.add(new FeatureRow("k", b, Map.of("v", 2.0 * b)));
          store.write("v", rows);
          Thread.sleep(30);
        }
        while ((line = out.readLine()) != null) {
          lines.add(line);
        }
      }
      assertThat(reader.waitFor(60, TimeUnit.SECONDS)).isTrue();
      List<String> seen = lines.stream().filter(l -> l.startsWith("SEEN ")).toList();
      assertThat(lines).as("all output: %s", lines).contains("DONE");
      assertThat(seen).allMatch(l -> l.split(" ")[2].equals("true"));
      // It followed the writer live: it saw several intermediate commits, in order, each
      // with whole batches counted (a batch is one transaction).
      assertThat(seen.size()).isGreaterThanOrEqualTo(batches / 2);
      long prev = 0;
      for (String l : seen) {
        String[] parts = l.split(" ");
        long t = Long.parseLong(parts[1]);
        assertThat(t).isGreaterThan(prev);
        prev = t;
        // 'other', 'k' and 100 filler rows per batch; counted just after the read, so a later
        // batch may be in too, but never a part of one.
        long count = Long.parseLong(parts[3]);
        assertThat(count).isGreaterThanOrEqualTo(2 + 100L * t);
        assertThat((count - 2) % 100).isZero();
      }
    }
  }
}
