package dev.lakeops.common.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.error.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnlineStoresTest {
  private static final Path CDNOW = Path.of("..", "conf", "examples", "cdnow");

  @TempDir Path tmp;

  @Test
  void theDefaultEmbeddedFileLivesUnderTheWarehouseWithTheViewsTtls() {
    ProjectConfig p = ProjectLoader.load(CDNOW);
    OnlineStoreSpec spec = OnlineStores.spec(p.onlineStore(), tmp.toString(), p);

    Path file = tmp.resolve("cdnow/_online/features.db");
    assertThat(spec.config()).isEqualTo(new OnlineStoreConfig.Embedded(file.toString()));
    assertThat(spec.views().get("customer_spend").ttl()).isEqualTo(Duration.ofDays(365));
    assertThat(spec.views().get("customer_purchases").featureNames())
        .containsExactly("purchases_30d", "purchases_90d", "purchases_365d", "cds_90d", "last_cds");
    try (OnlineStore s = OnlineStores.open(p.onlineStore(), "file://" + tmp, p)) {
      s.write("customer_spend", List.of(new FeatureRow("1", 0, Map.of("spend_30d", 1.0))));
    }
    assertThat(file).exists();
  }

  @Test
  void aRelativeEmbeddedPathIsRelativeToTheProject() {
    ProjectConfig p = ProjectLoader.load(CDNOW);
    OnlineStoreSpec spec =
        OnlineStores.spec(new OnlineStoreConfig.Embedded("online/x.db"), "s3a://bucket/wh", p);
    assertThat(((OnlineStoreConfig.Embedded) spec.config()).path())
        .isEqualTo(p.dir().resolve("online/x.db").toString());
  }

  @Test
  void aRemoteWarehouseNeedsAnExplicitEmbeddedPath() {
    ProjectConfig p = ProjectLoader.load(CDNOW);
    assertThatThrownBy(() -> OnlineStores.open(p.onlineStore(), "s3a://bucket/wh", p))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("project.yaml")
        .hasMessageContaining("online_store")
        .hasMessageContaining("s3a://bucket/wh")
        .hasMessageContaining("Fix: set online_store: {type: embedded, path:");
  }

  @Test
  void redisNeedsNoWarehouse() {
    ProjectConfig p = ProjectLoader.load(CDNOW);
    OnlineStoreConfig redis = new OnlineStoreConfig.Redis("127.0.0.1", 6379, "t:");
    assertThat(OnlineStores.spec(redis, "s3a://bucket/wh", p).config()).isEqualTo(redis);
  }

  @Test
  void parsesCommandLineOverrides() {
    assertThat(OnlineStoreConfig.parse("redis://10.0.0.5:6380/proj:"))
        .isEqualTo(new OnlineStoreConfig.Redis("10.0.0.5", 6380, "proj:"));
    assertThat(OnlineStoreConfig.parse("redis://localhost"))
        .isEqualTo(new OnlineStoreConfig.Redis("localhost", 6379, ""));
    assertThat(OnlineStoreConfig.parse("embedded:/data/f.db"))
        .isEqualTo(new OnlineStoreConfig.Embedded("/data/f.db"));
    assertThat(OnlineStoreConfig.parse("embedded")).isEqualTo(OnlineStoreConfig.embeddedDefault());
    assertThatThrownBy(() -> OnlineStoreConfig.parse("ftp://x"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--online-store")
        .hasMessageContaining("unsupported online store 'ftp://x'")
        .hasMessageContaining("Fix: write e.g. --online-store redis://");
    assertThatThrownBy(() -> OnlineStoreConfig.parse("redis://h:notaport"))
        .hasMessageContaining("'notaport' is not a TCP port");
    assertThatThrownBy(() -> OnlineStoreConfig.parse("embedded:"))
        .hasMessageContaining("needs a file path");
  }

  @Test
  void anUnknownStoreTypeInProjectYamlNamesFileFieldAndFix() throws Exception {
    Path dir = tmp.resolve("proj");
    Files.createDirectories(dir);
    for (String f : List.of("entities.yaml", "sources.yaml", "feature_views.yaml")) {
      Files.copy(CDNOW.resolve(f), dir.resolve(f));
    }
    Files.writeString(
        dir.resolve("project.yaml"), "name: cdnow\nonline_store: {type: memcached}\n");
    assertThatThrownBy(() -> ProjectLoader.load(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("project.yaml")
        .hasMessageContaining("online_store.type")
        .hasMessageContaining("memcached")
        .hasMessageContaining("Fix:");
  }

  @Test
  void theSpecIsSerializable() throws Exception {
    ProjectConfig p = ProjectLoader.load(CDNOW);
    OnlineStoreSpec spec = OnlineStores.spec(p.onlineStore(), tmp.toString(), p);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(spec);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(spec);
    }
  }
}
