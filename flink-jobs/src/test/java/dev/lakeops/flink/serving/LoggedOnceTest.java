package dev.lakeops.flink.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.flink.delta.KernelTables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The idempotency key of an event line, and the log's event ids each keyed subtask owns. */
class LoggedOnceTest {
  @TempDir Path tmp;

  @Test
  void theKeyIsTheEventIdOrTheLinesSha256() {
    assertThat(LoggedOnce.Key.of("{\"event_id\":\"e-1\",\"market_id\":\"NSW\"}")).isEqualTo("e-1");
    // an id after nested values, and an integer id as its decimal text (as EventParser reads it)
    assertThat(
            LoggedOnce.Key.of(
                "{\"market_id\":\"NSW\",\"x\":{\"event_id\":\"inner\"},\"a\":[1,{}],"
                    + "\"event_id\":7}"))
        .isEqualTo("7");
    // SHA-256 values from sha256sum over the same bytes
    assertThat(LoggedOnce.Key.of("{\"market_id\":\"NSW\",\"event_time\":1}"))
        .isEqualTo("sha256:29b3cbec7984eb2163441ecb7d6e4f46806e4b2b0f92e757d1d1648f24f9a01c");
    assertThat(LoggedOnce.Key.of("{oops"))
        .isEqualTo("sha256:935aaf3a54c0648c74df48a8025f20086019843f5b9fbffe5540b9cba0edcc97");
    assertThat(LoggedOnce.Key.of("{\"event_id\":\"\",\"market_id\":\"NSW\"}"))
        .isEqualTo("sha256:06d9f0c025f7475c650f28c7b2ab0ff5016534ccc5f54b1e17d1cbacf59f17af");
    // not an id: a fraction, an object, a truncated line after the id
    assertThat(LoggedOnce.Key.of("{\"event_id\":1.5}")).startsWith("sha256:");
    assertThat(LoggedOnce.Key.of("{\"event_id\":{\"a\":1}}")).startsWith("sha256:");
    assertThat(LoggedOnce.Key.of("{\"event_id\":\"e-1\", \"market_id\": ")).startsWith("sha256:");
    assertThat(LoggedOnce.Key.of("[\"event_id\", \"e-1\"]")).startsWith("sha256:");
  }

  @Test
  void eachSubtaskOwnsADisjointShareOfTheLoggedIdsAndTogetherAll() {
    String path = tmp.resolve("predictions").toString();
    assertThat(LoggedOnce.loggedIds(path, 128, 2, 0)).isEmpty(); // no table yet
    PredictionLog.Rows format = new PredictionLog.Rows();
    KernelTables t = new KernelTables();
    t.createIfMissing(path, format.schema());
    Set<String> all = new HashSet<>();
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String id = "e-" + i;
      all.add(id);
      rows.add(
          format.toRow(
              new Prediction(
                  id, "NSW", 1000, "m", 1, Map.of(), Map.of(), 1.0, null, 2000, List.of())));
    }
    assertThat(t.commitOnce(path, "test/0", 1, t.writeFiles(path, format.schema(), rows))).isTrue();

    assertThat(LoggedOnce.loggedIds(path, 128, 1, 0)).isEqualTo(all);
    for (int p : new int[] {2, 3}) {
      Set<String> union = new HashSet<>();
      int total = 0;
      for (int i = 0; i < p; i++) {
        Set<String> mine = LoggedOnce.loggedIds(path, 128, p, i);
        assertThat(mine).as("subtask %d of %d owns some", i, p).isNotEmpty();
        total += mine.size();
        union.addAll(mine);
      }
      assertThat(union).isEqualTo(all);
      assertThat(total).as("disjoint shares").isEqualTo(all.size());
    }
  }
}
