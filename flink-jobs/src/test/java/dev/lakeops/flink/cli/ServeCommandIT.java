package dev.lakeops.flink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.serving.ServingFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mlops serve --once} through the command line, on a MiniCluster: it ends with a summary
 * whose counts equal what the job wrote (the prediction log and the dead letter, read back).
 */
class ServeCommandIT {
  @TempDir Path tmp;

  @Test
  void serveOnceEndsWithTheCountsOfWhatItWrote() throws Exception {
    ServingFixture fx = ServingFixture.get();
    fx.onlineStore(); // loads the fixture's embedded store
    String db = fx.config.database();
    // The registry is the fixture's (copied: this run's outputs go to its own warehouse).
    Path wh = tmp.resolve("wh");
    fx.copyRegistryTo(wh);
    Path in = Files.createDirectories(tmp.resolve("events"));
    long t = fx.lastFeatureMillis + 60_000;
    Files.write(
        in.resolve("events.json"),
        List.of(
            event("good-1", t),
            event("good-2", t + 1000),
            event("good-3", t + 2000),
            "{\"event_id\": \"broken\", ",
            "{\"event_id\":\"no-key\",\"event_time\":" + t + "}"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new ServeCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .execute(
                new String[] {
                  "serve",
                  "--project",
                  fx.project.toString(),
                  "--model",
                  ServingFixture.MODEL,
                  "--warehouse",
                  wh.toString(),
                  "--input",
                  in.toString(),
                  "--online-store",
                  "embedded:" + fx.dir.resolve("online/features.db"),
                  "--checkpoint-interval",
                  "1s",
                  "--parallelism",
                  "1",
                  "--once"
                });
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    String text = out.toString(StandardCharsets.UTF_8);
    List<String> lines = text.lines().toList();
    assertThat(lines.get(lines.size() - 1))
        .matches(
            "done in [0-9.]+ (ms|s|min [0-9]+ s): 3 events scored, 2 events to the dead letter, 0"
                + " events skipped \\(already in the prediction log\\)");
    KernelTables tables = new KernelTables();
    String predictions = wh + "/" + db + "/predictions/" + ServingFixture.MODEL;
    String dead = wh + "/" + db + "/dead_letter/serve_" + ServingFixture.MODEL;
    assertThat(tables.readAll(predictions)).hasSize(3);
    assertThat(tables.readAll(dead)).hasSize(2);
  }

  static String event(String id, long time) {
    return "{\"event_id\":\"" + id + "\",\"market_id\":\"NSW\",\"event_time\":" + time + "}";
  }
}
