package dev.lakeops.flink.report;

import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.flink.FlinkErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The plotting library the report inlines: uPlot ({@code org.webjars.npm:uplot}), its minified
 * script and stylesheet read from the webjar on the classpath at run time, so the page needs no
 * network.
 *
 * @param name the library and version, for the page's footer
 * @param script the IIFE build (defines the global {@code uPlot})
 * @param css its stylesheet
 */
public record PlotLibrary(String name, String script, String css) {
  /** The uPlot version of the webjar this module depends on (flink-jobs/pom.xml). */
  public static final String UPLOT_VERSION = "1.6.30";

  private static final String ROOT = "META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/";

  /**
   * Reads uPlot from the classpath.
   *
   * @throws LakeOpsException when the webjar is not on the classpath (a broken build)
   */
  public static PlotLibrary uplot() {
    String script = resource(ROOT + "uPlot.iife.min.js");
    // A script element ends at the first "</script" whatever the JavaScript around it means.
    if (script.toLowerCase(java.util.Locale.ROOT).contains("</script")) {
      throw FlinkErrors.plotLibraryNotInlinable("uPlot " + UPLOT_VERSION);
    }
    return new PlotLibrary("uPlot " + UPLOT_VERSION, script, resource(ROOT + "uPlot.min.css"));
  }

  private static String resource(String path) {
    try (InputStream in = PlotLibrary.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw FlinkErrors.plotLibraryMissing(path, "org.webjars.npm:uplot:" + UPLOT_VERSION);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
