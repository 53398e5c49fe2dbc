package dev.lakeops.flink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.cli.Cli;
import dev.lakeops.common.cli.Engine;
import dev.lakeops.common.cli.MlopsCommand;
import dev.lakeops.flink.monitoring.MonitorSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mlops monitor}'s command line mapped onto MonitorSettings; nothing runs. */
class MonitorCommandTest {
  @TempDir Path dir;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(List<MonitorCommand.Parsed> seen, String... args) {
    MonitorCommand cmd = new MonitorCommand(new PrintStream(out));
    return Cli.run(
        args,
        new PrintStream(out),
        new PrintStream(err),
        Engine.FLINK,
        Map.of(
            MlopsCommand.Monitor.class,
            a -> {
              seen.add(cmd.parse(a));
              return 0;
            }));
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void optionsBecomeTheSettingsAndThePrometheusReporter() throws Exception {
    Path labels = Files.createDirectories(dir.resolve("labels"));
    List<MonitorCommand.Parsed> seen = new ArrayList<>();
    int code =
        run(
            seen,
            "monitor",
            "--project",
            FlinkCliTest.cdnow(),
            "--model",
            "repeat_purchase",
            "--warehouse",
            dir.resolve("wh").toString(),
            "--window",
            "1h",
            "--slide",
            "30m",
            "--label-ttl",
            "2d",
            "--labels",
            labels.toString(),
            "--max-out-of-orderness",
            "0s",
            "--prometheus-port",
            "9300-9310");
    assertThat(code).as(err()).isZero();
    MonitorSettings s = seen.get(0).settings();
    assertThat(s.windowSize()).isEqualTo(Duration.ofHours(1));
    assertThat(s.windowSlide()).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.labelTtl()).isEqualTo(Duration.ofDays(2));
    assertThat(s.maxOutOfOrderness()).isZero();
    assertThat(s.labelDir()).isEqualTo(labels.toString());
    assertThat(s.predictionLog())
        .isEqualTo(dir.resolve("wh") + "/cdnow/predictions/repeat_purchase");
    assertThat(seen.get(0).flinkConf())
        .containsEntry("metrics.reporter.prom.port", "9300-9310")
        .containsEntry("metrics.reporter.prom.factory.class", MonitorCommand.PROMETHEUS_FACTORY);
  }

  @Test
  void badSettingsExitTwoNamingTheOptions() {
    int code =
        run(
            new ArrayList<>(),
            "monitor",
            "--project",
            FlinkCliTest.cdnow(),
            "--model",
            "repeat_purchase",
            "--window",
            "1h",
            "--slide",
            "2h",
            "--labels",
            dir.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err()).contains("at '--slide'").contains("at '--label-ttl'").contains("Fix:");
  }

  /** A copy of the cdnow project with a monitoring.yaml for repeat_purchase. */
  Path projectWithMonitoring() throws Exception {
    Path p = dir.resolve("project");
    Files.createDirectories(p);
    try (var files = Files.list(Path.of(FlinkCliTest.cdnow()))) {
      for (Path f : files.toList()) {
        if (Files.isRegularFile(f)) {
          Files.copy(f, p.resolve(f.getFileName()));
        }
      }
    }
    // the sources' relative paths point at the repository's data: make them absolute
    Path sources = p.resolve("sources.yaml");
    Files.writeString(
        sources,
        Files.readString(sources)
            .replace(
                "path: ../../../",
                "path: " + Path.of(FlinkCliTest.cdnow(), "../../../").normalize() + "/"));
    Files.writeString(
        p.resolve("monitoring.yaml"),
        String.join(
            "\n",
            "models:",
            "  repeat_purchase:",
            "    window: {size: 7d, slide: 1d}",
            "    labels: {path: labels, event_id: id, label: bought, ttl: 30d}",
            "    rules:",
            "      - {name: acc, statistic: accuracy, threshold: 0.6}",
            ""));
    return p;
  }

  @Test
  void monitoringYamlGivesTheDefaultsAndTheRulesWithTheLabelDirectoryRelativeToTheProject()
      throws Exception {
    Path p = projectWithMonitoring();
    String[] line = {
      "monitor",
      "--project",
      p.toString(),
      "--model",
      "repeat_purchase",
      "--warehouse",
      dir.resolve("wh").toString(),
      "--window",
      "1d"
    };
    // the label directory of monitoring.yaml does not exist yet: exit 2 naming the field
    assertThat(run(new ArrayList<>(), line)).isEqualTo(2);
    assertThat(err())
        .contains("monitoring.yaml at 'models.repeat_purchase.labels.path'")
        .contains(p.resolve("labels") + " does not exist");

    Files.createDirectories(p.resolve("labels"));
    List<MonitorCommand.Parsed> seen = new ArrayList<>();
    assertThat(run(seen, line)).as(err()).isZero();
    MonitorSettings s = seen.get(0).settings();
    assertThat(s.windowSize()).as("the command line wins").isEqualTo(Duration.ofDays(1));
    assertThat(s.windowSlide()).as("from monitoring.yaml").isEqualTo(Duration.ofDays(1));
    assertThat(s.labelTtl()).isEqualTo(Duration.ofDays(30));
    assertThat(s.labelDir()).isEqualTo(p.resolve("labels").toString());
    assertThat(s.eventIdColumn()).isEqualTo("id");
    assertThat(s.labelColumn()).isEqualTo("bought");
    assertThat(s.monitoring().model("repeat_purchase").orElseThrow().rules())
        .singleElement()
        .satisfies(r -> assertThat(r.name()).isEqualTo("acc"));
  }
}
