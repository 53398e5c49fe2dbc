package dev.lakeops.flink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FlinkCliTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return FlinkCli.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsTheFlinkCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("online-store", "serve");
  }

  @Test
  void noCommandIsAUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage: mlops <online-store|serve>");
  }

  @Test
  void aSparkCommandHereIsNamedAsNotAFlinkCommand() {
    assertThat(run("features", "--project", "x")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("'features' is not a Flink command");
  }

  @Test
  void eachCommandGetsItsOwnOptions() {
    assertThat(run("serve", "--project", "conf/examples/cdnow")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--model");
    err.reset();
    assertThat(run("online-store", "--no-such-option")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--no-such-option");
  }
}
