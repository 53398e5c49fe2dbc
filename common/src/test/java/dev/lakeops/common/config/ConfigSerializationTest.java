package dev.lakeops.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The loaded configuration is shipped to Spark and Flink tasks as it is (Java serialization), so no
 * task parses YAML again: every source and feature view of the examples survives the round trip
 * equal, expressions and event times included.
 */
class ConfigSerializationTest {
  static Path example(String name) {
    Path here = Path.of("").toAbsolutePath();
    Path repo = Files.exists(here.resolve("conf")) ? here : here.getParent();
    return repo.resolve("conf/examples").resolve(name);
  }

  @SuppressWarnings("unchecked")
  static <T> T roundTrip(T value) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cdnow", "elec2"})
  void sourcesAndViewsRoundTripEqual(String name) throws Exception {
    ProjectConfig p = ProjectLoader.load(example(name));
    assertThat(p.sources()).isNotEmpty();
    assertThat(p.featureViews()).isNotEmpty();
    for (SourceConfig s : p.sources().values()) {
      SourceConfig back = roundTrip(s);
      assertThat(back).isEqualTo(s).isNotSameAs(s);
      assertThat(back.keys().get(0).parts()).isEqualTo(s.keys().get(0).parts());
      assertThat(back.eventTime()).isEqualTo(s.eventTime());
    }
    for (FeatureViewConfig v : p.featureViews().values()) {
      FeatureViewConfig back = roundTrip(v);
      assertThat(back).isEqualTo(v);
      assertThat(back.features()).hasSameSizeAs(v.features());
    }
  }
}
