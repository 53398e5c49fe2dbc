package dev.lakeops.flink.report;

import static dev.lakeops.flink.report.KnownReport.DATABASE;
import static dev.lakeops.flink.report.KnownReport.HOSTILE;
import static dev.lakeops.flink.report.KnownReport.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.report.MonitoringTables.Table;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page's structure and data, without a browser (the drawing is ReportChromiumIT's). */
class ReportPageTest {
  @TempDir static Path dir;
  static Warehouse warehouse;
  static ReportPage.Data data;
  static String html;
  static Document doc;
  static JsonNode json;

  @BeforeAll
  static void render() throws Exception {
    warehouse = new Warehouse(dir.resolve("wh").toString(), DATABASE);
    KnownReport.writeAll(warehouse);
    MonitoringTables tables = new MonitoringTables(warehouse, new KernelTables());
    data =
        new ReportPage.Data(
            MODEL,
            DATABASE,
            Instant.parse("2026-01-08T09:30:00Z"),
            tables.drift(MODEL),
            tables.performance(MODEL),
            tables.triggers(MODEL),
            tables.versions(MODEL));
    html = ReportPage.render(data, PlotLibrary.uplot());
    doc = Jsoup.parse(html);
    json = new ObjectMapper().readTree(doc.getElementById("report-data").data());
  }

  static long seconds(Instant t) {
    return t.getEpochSecond();
  }

  @Test
  void onePlotPerDriftStatisticThenAccuracyKappaTemporalAndTheVersions() {
    assertThat(doc.title()).isEqualTo("LakeOps monitoring report: " + MODEL);
    assertThat(doc.select("figure.plot").eachAttr("data-title"))
        .containsExactly(
            "psi",
            "ks_statistic",
            "accuracy against the no-change baseline",
            "kappa-temporal against the no-change baseline",
            "model version in service");
    assertThat(doc.select("#drift figure.plot")).hasSize(2);
    assertThat(doc.select("#performance figure.plot")).hasSize(2);
    assertThat(doc.select("#versions figure.plot")).hasSize(1);
    // each figure's chart div is the plot of the same index in the data
    List<String> plotIndexes = doc.select("div.chart").eachAttr("data-plot");
    assertThat(plotIndexes).containsExactly("0", "1", "2", "3", "4");
    assertThat(json.get("plots")).hasSize(5);
    assertThat(doc.select(".missing")).isEmpty();
  }

  @Test
  void theDriftPlotHasALinePerFeatureWithTheNewerVersionInTheHotSwapWindow() {
    JsonNode psi = json.get("plots").get(0);
    List<Long> expectedX = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      expectedX.add(seconds(KnownReport.end(i)));
    }
    assertThat(longs(psi.get("x"))).isEqualTo(expectedX);
    assertThat(labels(psi)).containsExactlyInAnyOrder("nswprice", "nswdemand", HOSTILE);
    assertThat(doubles(series(psi, "nswprice")))
        .containsExactly(0.01, 0.02, 0.03, 0.05, 0.25, 0.4123);
    assertThat(doubles(series(psi, "nswdemand")))
        .containsExactly(0.02, 0.02, 0.03, 0.02, 0.01, 0.015);
    JsonNode ks = json.get("plots").get(1);
    assertThat(doubles(series(ks, "nswprice"))).containsExactly(0.05, 0.06, 0.07, 0.1, 0.28, 0.31);
  }

  @Test
  void performancePlotsCarryTheNoChangeBaseline() {
    JsonNode acc = json.get("plots").get(2);
    assertThat(doubles(series(acc, "accuracy"))).containsExactly(0.9, 0.88, 0.85, 0.7, 0.8, 0.87);
    assertThat(doubles(series(acc, "no-change baseline (accuracy_no_change)")))
        .containsExactly(0.8, 0.8, 0.8, 0.8, 0.8, 0.8);
    JsonNode kt = json.get("plots").get(3);
    assertThat(doubles(series(kt, "kappa_temporal")))
        .containsExactly(0.5, 0.4, 0.25, -0.5, 0.0, 0.35);
    assertThat(doubles(series(kt, "no-change baseline (0)")))
        .containsExactly(0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    JsonNode versions = json.get("plots").get(4);
    assertThat(doubles(series(versions, "model version")))
        .containsExactly(1.0, 1.0, 1.0, 1.0, 2.0, 2.0);
  }

  /**
   * Triggers at their window's end; a promotion where its version began to serve in event time (its
   * first window's start: the plots' axis), not at the promotion's wall time, which a replay or
   * backfill puts off the axis (version 1 was promoted the day before the windows, version 2 in
   * window 4 and first served window 4).
   */
  @Test
  void markersAreThisModelsTriggersAndPromotionsInEventTime() {
    List<String> markers = new ArrayList<>();
    for (JsonNode m : json.get("markers")) {
      markers.add(m.get("kind").asText() + "@" + (long) m.get("x").asDouble());
    }
    assertThat(markers)
        .containsExactly(
            "promotion@" + seconds(KnownReport.start(0)),
            "trigger@" + seconds(KnownReport.TRIGGER_1_AT),
            "promotion@" + seconds(KnownReport.start(4)),
            "trigger@" + seconds(KnownReport.TRIGGER_2_AT));
    assertThat(KnownReport.start(0)).isNotEqualTo(KnownReport.V1_PROMOTED);
    assertThat(KnownReport.start(4)).isNotEqualTo(KnownReport.V2_PROMOTED);
  }

  @Test
  void theLatestWindowsBreachesAreTabled() {
    assertThat(rows("#breach-table"))
        .containsExactly(
            List.of("nswprice", "ks_statistic", "0.31", "0.3", "ks_shift", "2", "1000"),
            List.of("nswprice", "psi", "0.4123", "0.2", "input_shift", "2", "1000"));
    assertThat(doc.select("#breaches p").first().text())
        .isEqualTo("Window 2026-01-06 00:00:00 – 2026-01-07 00:00:00 UTC.");
    List<List<String>> triggers = rows("#trigger-table");
    assertThat(triggers).hasSize(2); // another_model's trigger is not this model's
    assertThat(triggers.get(0).subList(0, 5))
        .containsExactly("2026-01-07 00:00:00", "2026-01-07 00:00:30", "input_shift", "drift", "2");
    assertThat(triggers.get(1).get(2)).isEqualTo("accuracy_floor");
    assertThat(rows("#version-table"))
        .containsExactly(
            List.of("1", "archived", "2025-12-30 00:00:00", "2025-12-31 00:00:00"),
            List.of("2", "production", "2026-01-04 12:00:00", "2026-01-05 06:00:00"));
  }

  @Test
  void aFeatureNamedWithMarkupStaysText() {
    assertThat(html).doesNotContain(HOSTILE).doesNotContain("<img");
    assertThat(doc.select("img")).isEmpty();
    assertThat(doc.select("script")).hasSize(3); // the data, uPlot, the page's own
    // offline: nothing is loaded from anywhere
    assertThat(doc.select("[src], link, iframe, object, embed")).isEmpty();
    assertThat(html).doesNotContain("http://", "https://cdn");
    assertThat(doc.select("script").get(0).attr("type")).isEqualTo("application/json");
  }

  @Test
  void aMissingTableIsNamedInPlaceOfItsPlots() {
    Warehouse empty = new Warehouse(dir.resolve("empty").toString(), DATABASE);
    MonitoringTables tables = new MonitoringTables(empty, new KernelTables());
    ReportPage.Data d =
        new ReportPage.Data(
            MODEL,
            DATABASE,
            Instant.EPOCH,
            data.drift(),
            tables.performance(MODEL),
            tables.triggers(MODEL),
            tables.versions(MODEL));
    Document page = Jsoup.parse(ReportPage.render(d, PlotLibrary.uplot()));
    assertThat(page.select("#drift figure.plot")).hasSize(2);
    assertThat(page.select("#performance figure.plot")).isEmpty();
    Element missing = page.selectFirst("#performance p.missing");
    assertThat(missing.attr("data-table")).isEqualTo(DATABASE + ".performance_" + MODEL);
    assertThat(missing.text())
        .isEqualTo(
            "Not shown: no table "
                + DATABASE
                + ".performance_"
                + MODEL
                + " at "
                + empty.performance(MODEL).path()
                + " yet.");
    assertThat(page.selectFirst("#triggers p.missing").attr("data-table"))
        .isEqualTo(DATABASE + ".lakeops_triggers");
    assertThat(page.selectFirst("#versions p.missing").attr("data-table"))
        .isEqualTo(DATABASE + ".lakeops_model_versions");
    // the versions still plot from the drift windows
    assertThat(page.select("#versions figure.plot")).hasSize(1);
    assertThat(d.problems()).hasSize(3);
  }

  @Test
  void aTableWithoutAContractColumnIsNamedNotRead() {
    Warehouse w = new Warehouse(dir.resolve("old").toString(), DATABASE);
    KernelTables k = new KernelTables();
    k.createIfMissing(
        w.drift(MODEL).path(),
        new io.delta.kernel.types.StructType()
            .add("window_end", io.delta.kernel.types.TimestampType.TIMESTAMP, false)
            .add("value", io.delta.kernel.types.DoubleType.DOUBLE, true));
    Table<MonitoringTables.StatisticRow> t = new MonitoringTables(w, k).drift(MODEL);
    assertThat(t.missing()).isTrue();
    assertThat(t.problem().orElseThrow())
        .startsWith(DATABASE + ".drift_" + MODEL + ": the table at ")
        .contains(
            "has no column window_start, model_version, feature, statistic, rows, threshold,"
                + " breached, rule");
  }

  @Test
  void numbersShowFourSignificantDigitsAsTheLegendsDo() {
    assertThat(ReportPage.number(0.4123)).isEqualTo("0.4123");
    assertThat(ReportPage.number(0.1 + 0.2)).isEqualTo("0.3");
    assertThat(ReportPage.number(1234.5678)).isEqualTo("1235");
    assertThat(ReportPage.number(-0.5)).isEqualTo("-0.5");
    assertThat(ReportPage.number(0.000123456)).isEqualTo("0.0001235");
    assertThat(ReportPage.number(0.0)).isEqualTo("0");
    assertThat(ReportPage.number(Double.NaN)).isEqualTo("NaN");
  }

  private static List<List<String>> rows(String table) {
    List<List<String>> out = new ArrayList<>();
    for (Element tr : doc.select(table + " tbody tr")) {
      out.add(tr.select("td").eachText());
    }
    return out;
  }

  private static List<String> labels(JsonNode plot) {
    List<String> out = new ArrayList<>();
    plot.get("series").forEach(s -> out.add(s.get("label").asText()));
    return out;
  }

  private static JsonNode series(JsonNode plot, String label) {
    for (JsonNode s : plot.get("series")) {
      if (s.get("label").asText().equals(label)) {
        return s.get("values");
      }
    }
    throw new AssertionError("no series " + label + " in " + labels(plot));
  }

  private static List<Long> longs(JsonNode a) {
    List<Long> out = new ArrayList<>();
    a.forEach(n -> out.add(n.asLong()));
    return out;
  }

  private static List<Double> doubles(JsonNode a) {
    List<Double> out = new ArrayList<>();
    a.forEach(n -> out.add(n.isNull() ? null : n.asDouble()));
    return out;
  }
}
