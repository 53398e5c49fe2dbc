package dev.lakeops.flink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The counts {@code monitor --once} prints at the end; the lines are written out by hand. */
class MonitorSummaryTest {
  @Test
  void everyCountIsPrintedWithItsNoun() {
    MonitorSummary s = new MonitorSummary(120, 100, 95, 25, 5, 24, 2, 3);
    assertThat(s.lines(2_100))
        .isEqualTo(
            String.format(
                "done in 2.1 s: 120 predictions and 100 labels read%n"
                    + "  label join: 95 predictions labelled, 25 expired without a label,"
                    + " 5 labels unmatched%n"
                    + "  written: 24 window statistics, 2 triggers raised, 3 records to the dead"
                    + " letter%n"));
  }

  @Test
  void oneIsSingularAndNothingIsZero() {
    MonitorSummary s = new MonitorSummary(1, 0, 1, 0, 1, 1, 1, 0);
    assertThat(s.lines(450))
        .isEqualTo(
            String.format(
                "done in 450 ms: 1 prediction and 0 labels read%n"
                    + "  label join: 1 prediction labelled, 0 expired without a label,"
                    + " 1 label unmatched%n"
                    + "  written: 1 window statistic, 1 trigger raised, 0 records to the dead"
                    + " letter%n"));
  }
}
