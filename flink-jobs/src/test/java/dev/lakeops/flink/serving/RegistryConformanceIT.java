package dev.lakeops.flink.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.flink.registry.Champion;
import dev.lakeops.flink.registry.RegistryReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Spark writes the registry, Flink reads it: the serving fixture's registry (written by {@code
 * mlops train} twice and {@code promote}, in their own Spark JVMs) read back with the Flink side's
 * {@link RegistryReader}, which asks for the columns by {@code RegistryColumns}' names. Every
 * column it reads is checked against what the trainer wrote elsewhere: the artifact directories and
 * their {@code signature.json} files.
 */
class RegistryConformanceIT {
  @Test
  void theRegistrySparkWroteReadsBackByTheSharedColumns() throws Exception {
    ServingFixture fx = ServingFixture.get();
    String db = fx.config.database();
    RegistryReader registry = fx.registry();
    // The location both sides name through Warehouse, written out by hand.
    assertThat(registry.path()).isEqualTo(fx.warehouse + "/" + db + "/_lakeops/model_versions");
    assertThat(Path.of(registry.path()).resolve("_delta_log")).isDirectory();

    assertThat(registry.models()).containsExactly(ServingFixture.MODEL);
    Champion v1 = registry.version(ServingFixture.MODEL, 1).orElseThrow();
    Champion v2 = registry.version(ServingFixture.MODEL, 2).orElseThrow();
    assertThat(registry.version(ServingFixture.MODEL, 3)).isEmpty();
    for (Champion v : new Champion[] {v1, v2}) {
      assertThat(v.model()).isEqualTo(ServingFixture.MODEL);
      Path artifact = local(v.artifact());
      assertThat(artifact.getParent())
          .isEqualTo(Path.of(fx.warehouse, db, "models", ServingFixture.MODEL));
      // the signature column holds what the trainer wrote to the artifact's signature.json
      assertThat(v.signature())
          .isEqualTo(Files.readString(artifact.resolve("signature.json")))
          .isNotBlank();
      assertThat(v.parsedSignature().inputs()).isNotEmpty();
      // the saved PipelineModel the scorer loads
      assertThat(local(v.modelDir()).resolve("metadata")).isDirectory();
    }
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v2.version()).isEqualTo(2);
    assertThat(v1.artifact()).isNotEqualTo(v2.artifact());
    // one epoch per model, raised by each committed change: two trainings and a promotion at least
    assertThat(v1.epoch()).isEqualTo(v2.epoch()).isGreaterThanOrEqualTo(3);
    // the stage column: the fixture promoted a version (the hot-swap test may promote the other)
    assertThat(registry.champion(ServingFixture.MODEL).orElseThrow().version()).isIn(1, 2);
  }

  private static Path local(String location) {
    return Path.of(
        location.startsWith("file:") ? location.replaceFirst("^file:(//)?", "") : location);
  }
}
