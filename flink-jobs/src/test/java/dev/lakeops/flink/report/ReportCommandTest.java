package dev.lakeops.flink.report;

import static dev.lakeops.flink.report.KnownReport.DATABASE;
import static dev.lakeops.flink.report.KnownReport.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.cli.Cli;
import dev.lakeops.common.cli.Engine;
import dev.lakeops.common.cli.MlopsCommand;
import dev.lakeops.common.warehouse.Warehouse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mlops report} through the command tree, on tables written with Delta Kernel. */
class ReportCommandTest {
  static final Path PROJECT =
      Path.of("").toAbsolutePath().getParent().resolve("conf/examples/elec2");

  @TempDir Path dir;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(String... args) {
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    return Cli.run(
        args, o, e, Engine.FLINK, Map.of(MlopsCommand.Report.class, new ReportCommand(o)::execute));
  }

  List<String> outLines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void missingTablesAreNamedAndThePageIsStillWrittenAtTheDefaultPath() throws Exception {
    Path wh = dir.resolve("wh");
    Warehouse w = new Warehouse(wh.toString(), DATABASE);
    KnownReport.writeDrift(new ContractTables(w));
    int code =
        run(
            "report",
            "--project",
            PROJECT.toString(),
            "--model",
            MODEL,
            "--warehouse",
            wh.toString());
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    List<String> lines = outLines();
    Path page = wh.resolve(DATABASE).resolve("reports").resolve(MODEL + ".html");
    assertThat(lines.get(lines.size() - 1)).isEqualTo(page.toString());
    assertThat(lines)
        .contains(
            "report: no table "
                + DATABASE
                + ".performance_"
                + MODEL
                + " at "
                + w.performance(MODEL).path()
                + " yet (the page says so in its place)",
            "report: no table "
                + DATABASE
                + ".lakeops_triggers at "
                + w.triggers().path()
                + " yet (the page says so in its place)",
            "report: no table "
                + DATABASE
                + ".lakeops_model_versions at "
                + w.modelVersions().path()
                + " yet (the page says so in its place)",
            "report: 31 drift rows, 0 performance rows, 0 triggers, 0 registered versions");
    Document doc = Jsoup.parse(Files.readString(page));
    assertThat(doc.select("#drift figure.plot")).hasSize(2);
    assertThat(doc.select("p.missing").eachAttr("data-table"))
        .containsExactly(
            DATABASE + ".performance_" + MODEL,
            DATABASE + ".lakeops_model_versions",
            DATABASE + ".lakeops_triggers");
  }

  @Test
  void outWritesWhereAsked() throws Exception {
    Path target = dir.resolve("a/b/page.html");
    int code =
        run(
            "report",
            "--project",
            PROJECT.toString(),
            "--model",
            MODEL,
            "--warehouse",
            dir.resolve("nothing").toString(),
            "--out",
            target.toString());
    assertThat(code).isZero();
    assertThat(Files.readString(target)).startsWith("<!DOCTYPE html>");
    assertThat(outLines().get(outLines().size() - 1)).isEqualTo(target.toString());
  }

  @Test
  void theFlinkJarImplementsReport() {
    assertThat(new dev.lakeops.flink.cli.FlinkCli().handlers())
        .containsKey(MlopsCommand.Report.class);
  }

  @Test
  void anUnknownModelIsAUsageErrorNamingTheModels() {
    int code =
        run(
            "report",
            "--project",
            PROJECT.toString(),
            "--model",
            "nope",
            "--warehouse",
            dir.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--model nope is not a model of ")
        .contains("models.yaml; its models are price_direction");
  }
}
