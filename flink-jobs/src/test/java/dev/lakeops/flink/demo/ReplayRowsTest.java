package dev.lakeops.flink.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.config.LabelConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.flink.testing.SparkRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's replayed rows of the Elec2 example, checked against the CSV file read directly. */
class ReplayRowsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ELEC2 = SparkRuns.repo().resolve("conf/examples/elec2");

  @TempDir Path tmp;

  @Test
  void rowsCarryTheirTimeRequestAndTheLabelOfTheNextHalfHour() throws Exception {
    ProjectConfig p = ProjectLoader.load(ELEC2);
    LabelConfig label = p.labels().get("price_up");
    ReplayRows replay = ReplayRows.read(p, label, 5);

    List<String> lines = Files.readAllLines(SparkRuns.repo().resolve("data/elec2/electricity.csv"));
    assertThat(replay.header).isEqualTo(lines.get(0));
    assertThat(replay.rows).hasSize(5);
    for (int i = 0; i < 5; i++) {
      ReplayRows.Row r = replay.rows.get(i);
      // Row i is the half-hour i after the source's start (sources.yaml: row_index).
      long t = Instant.parse("1996-05-07T00:00:00Z").toEpochMilli() + i * 1_800_000L;
      assertThat(r.timeMillis()).isEqualTo(t);
      assertThat(r.csv()).isEqualTo(lines.get(i + 1));
      // The label of the prediction at t is the class of the half-hour after it (ahead: 30m);
      // the last row's lies past the five rows read, so it has none and is not served.
      String nextClass = lines.get(i + 2).substring(lines.get(i + 2).lastIndexOf(',') + 1);
      if (i < 4) {
        assertThat(r.label()).isEqualTo(nextClass.equals("UP") ? 1.0 : 0.0);
        assertThat(r.served()).isTrue();
      } else {
        assertThat(r.label()).isNull();
        assertThat(r.served()).isFalse();
      }
      JsonNode request = JSON.readTree(r.request());
      assertThat(request.get("event_id").asText()).isEqualTo(r.eventId());
      assertThat(request.get("market_id").asText()).isEqualTo("NSW");
      assertThat(Instant.parse(request.get("event_time").asText()).toEpochMilli()).isEqualTo(t);
      JsonNode reading = JSON.readTree(r.reading());
      String[] fields = lines.get(i + 1).split(",");
      assertThat(reading.get("nswprice").asDouble()).isEqualTo(Double.parseDouble(fields[3]));
      assertThat(reading.get("class").asText()).isEqualTo(fields[8]);
      assertThat(Instant.parse(reading.get("event_time").asText()).toEpochMilli()).isEqualTo(t);
    }
    assertThat(replay.rows.stream().map(ReplayRows.Row::eventId).distinct()).hasSize(5);
  }

  @Test
  void theWorkspaceIsMadeAfreshAndItsSourceReadsTheStream() throws Exception {
    ProjectConfig p = ProjectLoader.load(ELEC2);
    Path dir = tmp.resolve("demo");
    Path project = Workspace.create(dir, ".marker", p, "elec2_readings");
    assertThat(Files.readString(project.resolve("sources.yaml")))
        .contains("path: ../stream/readings")
        .doesNotContain("electricity.csv");
    Files.writeString(dir.resolve("left-over.txt"), "x");
    // A demo's own directory is replaced; any other non-empty one is refused.
    Workspace.create(dir, ".marker", p, "elec2_readings");
    assertThat(dir.resolve("left-over.txt")).doesNotExist();
    Path other = Files.createDirectories(tmp.resolve("mine"));
    Files.writeString(other.resolve("notes.txt"), "keep me");
    assertThatThrownBy(() -> Workspace.create(other, ".marker", p, "elec2_readings"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("was not made by a demo");
    assertThat(other.resolve("notes.txt")).hasContent("keep me");
  }
}
