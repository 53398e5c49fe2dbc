package dev.lakeops.spark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress lines of a Spark command, driven by hand with a fake clock. No Spark runs. */
class SparkProgressTest {
  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  final AtomicLong now = new AtomicLong(1_000_000);

  String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsTheRunningStageWithItsPercentageAtMostOncePerInterval() {
    SparkProgress p = SparkProgress.detached(err, 5_000, now::get);
    p.stageStarted(0, "save at DeltaTables.java:45", 4);
    p.taskEnded(0);
    p.stageEnded(0); // 1 stage done
    p.stageStarted(1, "fit at ModelTrainer.java:212", 8);
    assertThat(printed()).isEmpty(); // nothing before the first interval has passed
    for (int i = 0; i < 6; i++) {
      p.taskEnded(1);
    }
    now.addAndGet(65_000); // 1 min 05 s after the start
    p.taskEnded(1); // 7 of 8
    assertThat(printed().lines())
        .containsExactly(
            "progress: stage 1 (fit at ModelTrainer.java:212) 7/8 tasks (87%); 1 stage done;"
                + " 1 min 05 s");
    now.addAndGet(4_999); // within the interval: no second line
    p.taskEnded(1);
    assertThat(printed().lines()).hasSize(1);
  }

  @Test
  void aStageWithNoTasksIsWholeAndTaskEndsOfUnknownStagesAreIgnored() {
    SparkProgress p = SparkProgress.detached(err, 0, now::get);
    p.taskEnded(9); // a stage never submitted (e.g. from a previous command): nothing
    assertThat(printed()).isEmpty();
    now.addAndGet(2_000);
    p.stageStarted(3, "collect", 0);
    assertThat(printed().lines())
        .containsExactly("progress: stage 3 (collect) 0/0 tasks (100%); 0 stages done; 2.0 s");
  }
}
