package dev.lakeops.flink.report;

import static dev.lakeops.flink.report.KnownReport.DATABASE;
import static dev.lakeops.flink.report.KnownReport.HOSTILE;
import static dev.lakeops.flink.report.KnownReport.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.lakeops.common.warehouse.Warehouse;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders {@code mlops report}'s page in headless Chromium (Debian's {@code chromium}, installed by
 * {@code .ci/run}) with the network off, and checks that every plot drew: uPlot's canvases exist
 * with a size, its legends show the values written to the tables, and the screenshot holds the
 * lines' and markers' colours.
 */
class ReportChromiumIT {
  static final int WIDTH = 1280;
  static final int HEIGHT = 3600;

  @TempDir static Path dir;
  static Path page;
  static Document dom;
  static BufferedImage shot;

  @BeforeAll
  static void renderInChromium() throws Exception {
    String chromium = chromium();
    Path wh = dir.resolve("wh");
    KnownReport.writeAll(new Warehouse(wh.toString(), DATABASE));
    ReportRun run = ReportRun.elec2(MODEL, wh);
    assertThat(run.code()).as(run.err()).isZero();
    page = Path.of(run.lastLine());
    assertThat(page).exists();

    String dumped = chromium(chromium, "--dump-dom", page.toUri().toString());
    dom = Jsoup.parse(dumped);
    Path png = dir.resolve("report.png");
    chromium(chromium, "--screenshot=" + png, page.toUri().toString());
    shot = ImageIO.read(png.toFile());
    assertThat(shot).as("the screenshot " + png).isNotNull();
  }

  /** Debian's chromium on the PATH, or the test fails saying how to get it. */
  static String chromium() {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      Path p = Path.of(d, "chromium");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return fail(
        "chromium is not installed: run .ci/run (it installs Debian's chromium), or"
            + " apt-get install -y chromium");
  }

  /** Runs headless Chromium on the page with no network; returns its standard output. */
  static String chromium(String chromium, String what, String url)
      throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(dir, "profile");
    Path stdout = Files.createTempFile(dir, "chromium", ".out");
    Path stderr = Files.createTempFile(dir, "chromium", ".err");
    Process p =
        new ProcessBuilder(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--user-data-dir=" + profile,
                "--proxy-server=127.0.0.1:9", // nothing listens: any fetch from the page fails
                "--proxy-bypass-list=<-loopback>",
                "--window-size=" + WIDTH + "," + HEIGHT,
                "--virtual-time-budget=10000",
                what,
                url)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("chromium did not finish in 120 s: " + Files.readString(stderr));
    }
    assertThat(p.exitValue()).as(Files.readString(stderr)).isZero();
    return Files.readString(stdout);
  }

  @Test
  void everyPlotDrewACanvasWithASize() {
    List<Element> figures = dom.select("figure.plot");
    assertThat(figures).hasSize(5);
    for (Element f : figures) {
      Element chart = f.selectFirst("div.chart");
      assertThat(chart.attr("data-drawn")).as(f.attr("data-title")).isEqualTo("true");
      Element canvas = chart.selectFirst(".uplot canvas");
      assertThat(canvas).as(f.attr("data-title")).isNotNull();
      assertThat(Integer.parseInt(canvas.attr("width")))
          .as(f.attr("data-title"))
          .isGreaterThan(300);
      assertThat(Integer.parseInt(canvas.attr("height")))
          .as(f.attr("data-title"))
          .isGreaterThan(100);
    }
  }

  @Test
  void legendsShowTheLatestWindowsValuesWrittenToTheTables() {
    assertThat(legend("psi"))
        .containsEntry("nswprice", "0.4123")
        .containsEntry("nswdemand", "0.015")
        .containsEntry(HOSTILE, "0.1");
    assertThat(legend("ks_statistic"))
        .containsEntry("nswprice", "0.31")
        .containsEntry("nswdemand", "0.05");
    assertThat(legend("accuracy against the no-change baseline"))
        .containsEntry("accuracy", "0.87")
        .containsEntry("no-change baseline (accuracy_no_change)", "0.8");
    assertThat(legend("kappa-temporal against the no-change baseline"))
        .containsEntry("kappa_temporal", "0.35")
        .containsEntry("no-change baseline (0)", "0");
    assertThat(legend("model version in service")).containsEntry("model version", "2");
    assertThat(dom.select("#breach-table tbody tr td:eq(2)").eachText())
        .containsExactly("0.31", "0.4123");
  }

  @Test
  void markupInAFeatureNameStayedTextInTheBrowser() {
    assertThat(dom.select("img")).isEmpty();
    assertThat(dom.title()).isEqualTo("LakeOps monitoring report: " + MODEL);
  }

  @Test
  void theScreenshotHoldsTheLinesAndTheMarkers() {
    // The first palette colour draws one line in each of the 5 plots, each across the plot's
    // width (> 800 px at 1280 px): half of that per plot is a floor no legend swatch reaches
    // (a swatch's border is ~50 px).
    assertThat(pixelsNear(ReportPage.PALETTE.get(0))).isGreaterThan(5 * 400);
    // Trigger markers: 2 dashed vertical lines over ~190 px of plot height, dashes 8 on 5 off,
    // 2 px wide, in 5 plots: about 5 * 2 * 190 * 8/13 * 2 ≈ 2300 px; ask a third of it.
    assertThat(pixelsNear(ReportPage.TRIGGER_COLOR)).isGreaterThan(750);
    // The promotion of version 2 (inside the windows' range): dotted, 2 on 4 off.
    assertThat(pixelsNear(ReportPage.PROMOTION_COLOR)).isGreaterThan(5 * 190 / 3 * 2 / 3);
  }

  @Test
  void eachPlotsAreaHoldsItsFirstLineAndTheTriggerMarkers() {
    for (Element f : dom.select("figure.plot")) {
      String title = f.attr("data-title");
      String[] box = f.selectFirst("div.chart").attr("data-plot-box").split(",");
      assertThat(box).as(title).hasSize(4);
      int left = Integer.parseInt(box[0]);
      int top = Integer.parseInt(box[1]);
      int width = Integer.parseInt(box[2]);
      int height = Integer.parseInt(box[3]);
      assertThat(width).as(title).isGreaterThan(600);
      assertThat(height).as(title).isGreaterThan(150);
      assertThat(top + height).as(title + ": inside the screenshot").isLessThan(HEIGHT);
      // Every plot's first line (the first palette colour) runs from the first window to the
      // last, across the whole area: at least one pixel of it in most columns.
      int columns = columnsWith(ReportPage.PALETTE.get(0), left, top, width, height);
      assertThat(columns).as(title).isGreaterThan(width / 2);
      // The two trigger markers are vertical: each fills rows of at most a few columns, and
      // together at least a third of the height in 2 dashed lines.
      int red = pixelsNear(ReportPage.TRIGGER_COLOR, left, top, width, height);
      assertThat(red).as(title).isGreaterThan(2 * height / 3);
    }
  }

  /** Series label → legend value of the plot titled {@code title}. */
  static Map<String, String> legend(String title) {
    Element f = dom.selectFirst("figure.plot[data-title=\"" + title.replace("\"", "\\\"") + "\"]");
    assertThat(f).as(title).isNotNull();
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (Element row : f.select(".u-legend .u-series")) {
      Element label = row.selectFirst(".u-label");
      Element value = row.selectFirst(".u-value");
      if (label != null && value != null) {
        out.put(label.wholeText(), value.text());
      }
    }
    return out;
  }

  static int pixelsNear(String hex) {
    return pixelsNear(hex, 0, 0, shot.getWidth(), shot.getHeight());
  }

  /** Pixels of the screenshot's region within a small distance of the colour {@code hex}. */
  static int pixelsNear(String hex, int left, int top, int width, int height) {
    int n = 0;
    for (int y = top; y < Math.min(top + height, shot.getHeight()); y++) {
      for (int x = left; x < Math.min(left + width, shot.getWidth()); x++) {
        if (near(shot.getRGB(x, y), hex)) {
          n++;
        }
      }
    }
    return n;
  }

  /** Columns of the region with at least one pixel near the colour {@code hex}. */
  static int columnsWith(String hex, int left, int top, int width, int height) {
    int n = 0;
    for (int x = left; x < Math.min(left + width, shot.getWidth()); x++) {
      for (int y = top; y < Math.min(top + height, shot.getHeight()); y++) {
        if (near(shot.getRGB(x, y), hex)) {
          n++;
          break;
        }
      }
    }
    return n;
  }

  static boolean near(int rgb, String hex) {
    int dr = ((rgb >> 16) & 0xff) - Integer.parseInt(hex.substring(1, 3), 16);
    int dg = ((rgb >> 8) & 0xff) - Integer.parseInt(hex.substring(3, 5), 16);
    int db = (rgb & 0xff) - Integer.parseInt(hex.substring(5, 7), 16);
    return dr * dr + dg * dg + db * db < 30 * 30;
  }
}
