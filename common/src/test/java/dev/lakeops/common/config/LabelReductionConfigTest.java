package dev.lakeops.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.ConfigProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code labels.yaml}'s {@code reduce}: what loads, and what is refused with file and field. */
class LabelReductionConfigTest {
  private static final Path CDNOW = Path.of("..", "conf", "examples", "cdnow");

  @TempDir Path tmp;

  @Test
  void aValueLabelKeepsEveryRowUnlessItSaysHowToReduce() throws IOException {
    assertThat(label("value: dollar_value").reduce()).isNull();
    assertThat(label("value: dollar_value\n    reduce: mean").reduce())
        .isEqualTo(LabelConfig.Reduction.MEAN);
    assertThat(label("value: \"number_of_cds > 1\"\n    reduce: mean").reduce())
        .isEqualTo(LabelConfig.Reduction.MEAN); // true/false average to a share
  }

  @Test
  void badReductionsAreRefusedAtTheirField() throws IOException {
    assertThat(refused("value: dollar_value\n    reduce: median").problem())
        .isEqualTo("unknown reduction 'median'; expected one of [max, min, mean].");
    assertThat(refused("next_event_within: 90d\n    reduce: max").problem())
        .startsWith("'reduce' applies to 'value' labels only");
    assertThat(
            refused("value: \"if(number_of_cds > 1, 'many', 'one')\"\n    reduce: mean").problem())
        .contains("needs a numeric (or true/false) label, but the value is text");
  }

  private LabelConfig label(String body) throws IOException {
    return ProjectLoader.load(project(body)).labels().get("l");
  }

  private ConfigProblem refused(String body) throws IOException {
    Path dir = project(body);
    ConfigException e = assertThrows(ConfigException.class, () -> ProjectLoader.load(dir));
    assertThat(e.problems()).hasSize(1);
    ConfigProblem p = e.problems().get(0);
    assertThat(p.file()).endsWith("labels.yaml");
    assertThat(p.field()).isEqualTo("labels[0].reduce");
    return p;
  }

  /** The CDNOW example with one label {@code l} on purchases and no training sets or models. */
  private Path project(String body) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "p");
    try (Stream<Path> files = Files.list(CDNOW)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (!List.of("training_sets.yaml", "models.yaml", "pipelines.yaml").contains(name)) {
          Files.copy(f, dir.resolve(name));
        }
      }
    }
    Files.writeString(
        dir.resolve("labels.yaml"),
        "labels:\n  - name: l\n    source: purchases\n    " + body + "\n");
    return dir;
  }
}
