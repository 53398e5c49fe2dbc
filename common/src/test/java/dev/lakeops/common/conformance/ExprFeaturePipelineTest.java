package dev.lakeops.common.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.features.FeatureHistory;
import dev.lakeops.common.features.IncrementalFeatures;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reported input through the online feature path: a view whose features are {@code
 * least(sqrt(amount - 100), 0)} and kin, loaded from YAML and computed by {@link
 * IncrementalFeatures} (what the Flink job runs), against the hand-worked values that {@code
 * ExprFeaturePipelineIT} checks Spark's FeatureComputer against.
 */
class ExprFeaturePipelineTest {

  /** Event time of a yyyyMMdd day, UTC midnight, in µs. */
  static long micros(String day) {
    return LocalDate.parse(day, DateTimeFormatter.BASIC_ISO_DATE)
            .atStartOfDay(ZoneOffset.UTC)
            .toEpochSecond()
        * 1_000_000L;
  }

  @Test
  void nanThroughLeastAndGreatestInTheOnlineFeatures(@TempDir Path dir) {
    ExprCases.writePipelineProject(dir);
    ProjectConfig project = ProjectLoader.load(dir);
    SourceConfig source = project.sources().get("spend");
    List<FeatureViewConfig> views = project.viewsOf("spend");
    assertThat(views).extracting(FeatureViewConfig::name).containsExactly(ExprCases.PIPELINE_VIEW);
    IncrementalFeatures features = new IncrementalFeatures(source, views);

    Map<String, FeatureHistory> histories = new HashMap<>();
    for (Object[] e : ExprCases.PIPELINE_EVENTS) {
      String key = (String) e[0];
      features.add(
          histories.computeIfAbsent(key, k -> new FeatureHistory()),
          new SourceEvent(key, micros((String) e[1]), e.clone(), "test", ""));
    }

    List<String> failures = new ArrayList<>();
    for (Object[] e : ExprCases.PIPELINE_EVENTS) {
      String at = e[0] + "/" + e[1];
      Map<String, Object> got = features.compute(histories.get(e[0]), 0, micros((String) e[1]));
      ExprCases.PIPELINE_EXPECTED
          .get(at)
          .forEach(
              (name, want) -> {
                if (!ExprCases.same(want, got.get(name))) {
                  failures.add(at + " " + name + ": expected " + want + ", got " + got.get(name));
                }
              });
    }
    assertThat(failures).isEmpty();
  }
}
