package dev.lakeops.common.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The locations both engines name through {@link Warehouse}, written out by hand: a change of the
 * layout must be deliberate (it moves users' tables).
 */
class WarehouseTest {
  final Warehouse wh = new Warehouse("/data/wh", "shop");

  @Test
  void tablesAndDirectoriesUnderTheDatabase() {
    assertThat(wh.modelVersions())
        .isEqualTo(
            new TableRef("/data/wh/shop/_lakeops/model_versions", "shop.lakeops_model_versions"));
    assertThat(wh.predictions("churn"))
        .isEqualTo(new TableRef("/data/wh/shop/predictions/churn", "shop.predictions_churn"));
    assertThat(wh.servingDeadLetter("churn"))
        .isEqualTo(
            new TableRef("/data/wh/shop/dead_letter/serve_churn", "shop.dead_letter_serve_churn"));
    assertThat(wh.onlineDeadLetter("online_store_purchases"))
        .isEqualTo("/data/wh/shop/_online/dead_letter/online_store_purchases");
    assertThat(wh.onlineCheckpoints("online_store_purchases"))
        .isEqualTo("/data/wh/shop/_online/checkpoints/online_store_purchases");
    assertThat(wh.servingCheckpoints("churn")).isEqualTo("/data/wh/shop/_checkpoints/serve_churn");
    assertThat(wh.modelArtifact("churn", "run-1")).isEqualTo("/data/wh/shop/models/churn/run-1");
    assertThat(wh.report("churn")).isEqualTo("/data/wh/shop/reports/churn.html");
  }

  @Test
  void theArtifactsFiles() {
    String artifact = wh.modelArtifact("churn", "run-1");
    assertThat(Warehouse.artifactModel(artifact))
        .isEqualTo("/data/wh/shop/models/churn/run-1/model");
    assertThat(Warehouse.ARTIFACT_SIGNATURE).isEqualTo("signature.json");
    assertThat(Warehouse.ARTIFACT_PROFILE).isEqualTo("profile.json");
    assertThat(Warehouse.ARTIFACT_CONFIG).isEqualTo("config");
  }

  @Test
  void aTrailingSlashOfTheRootIsDroppedWhateverTheScheme() {
    assertThat(new Warehouse("/data/wh/", "shop")).isEqualTo(wh);
    assertThat(new Warehouse("s3a://bucket/wh/", "shop").modelVersions().path())
        .isEqualTo("s3a://bucket/wh/shop/_lakeops/model_versions");
    assertThat(new Warehouse("/", "shop").root()).isEqualTo("/");
    assertThatThrownBy(() -> new Warehouse(null, "shop")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Warehouse("/wh", null)).isInstanceOf(NullPointerException.class);
  }
}
