package dev.lakeops.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The aligned tables of command output (runs, sql). */
class TextTableTest {
  @Test
  void columnsAreAsWideAsTheirWidestCellAndValuesAreFormatted() {
    String t =
        TextTable.render(
            List.of("run_id", "rows", "metrics"),
            List.of(List.of("a1", 3L, Map.of("auc", 0.1 + 0.2)), Arrays.asList("b", null, "")),
            10);
    assertThat(t)
        .isEqualTo(
            "run_id  rows  metrics  \n"
                + "------  ----  ---------\n"
                + "a1      3     {auc=0.3}\n"
                + "b       null           \n");
  }

  @Test
  void rowsBeyondTheLimitAreCountedNotPrinted() {
    List<List<Object>> rows = List.of(List.of(1L), List.of(2L), List.of(3L));
    String t = TextTable.render(List.of("n"), rows, 2);
    assertThat(t.lines()).containsExactly("n", "-", "1", "2", "(first 2 rows shown)");
  }
}
