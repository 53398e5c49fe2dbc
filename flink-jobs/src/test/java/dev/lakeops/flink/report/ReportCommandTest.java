package dev.lakeops.flink.report;

import static dev.lakeops.flink.report.KnownReport.DATABASE;
import static dev.lakeops.flink.report.KnownReport.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.cli.MlopsCommand;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.cli.FlinkCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mlops report} through the command tree, on tables written with Delta Kernel. */
class ReportCommandTest {
  @TempDir Path dir;

  static String missing(String table, String path) {
    return "report: no table " + table + " at " + path + " yet (the page says so in its place)";
  }

  @Test
  void missingTablesAreNamedAndThePageIsStillWrittenAtTheDefaultPath() throws Exception {
    Path wh = dir.resolve("wh");
    Warehouse w = new Warehouse(wh.toString(), DATABASE);
    KnownReport.writeDrift(new ContractTables(w));
    ReportRun run = ReportRun.elec2(MODEL, wh);
    assertThat(run.code()).as(run.err()).isZero();
    Path page = wh.resolve(DATABASE).resolve("reports").resolve(MODEL + ".html");
    assertThat(run.lastLine()).isEqualTo(page.toString());
    assertThat(run.out())
        .contains(
            missing(DATABASE + ".performance_" + MODEL, w.performance(MODEL).path()),
            missing(DATABASE + ".lakeops_triggers", w.triggers().path()),
            missing(DATABASE + ".lakeops_model_versions", w.modelVersions().path()),
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
    ReportRun run = ReportRun.elec2(MODEL, dir.resolve("nothing"), "--out", target.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(Files.readString(target)).startsWith("<!DOCTYPE html>");
    assertThat(run.lastLine()).isEqualTo(target.toString());
  }

  @Test
  void theFlinkJarImplementsReport() {
    assertThat(new FlinkCli().handlers()).containsKey(MlopsCommand.Report.class);
  }

  @Test
  void anUnknownModelIsAConfigurationErrorNamingTheModelsAsInServeAndMonitor() {
    ReportRun run = ReportRun.elec2("nope", dir);
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "models.yaml at 'models': there is no model 'nope'; the project defines"
                + " [price_direction].")
        .contains("Fix: pass --model with one of them");
  }
}
