package dev.lakeops.common.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeops.common.error.LakeOpsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load-time failures, without Spark: hand-written metadata of MLlib's saved layout (Spark 4's
 * {@code part-00000-<uuid>-c000.txt} and the older {@code part-00000}). The parity with Spark
 * itself is tested in spark-jobs ({@code ScorerParityIT}).
 */
class PipelineScorerLoadTest {
  @TempDir Path tmp;

  @Test
  void unsupportedStageIsNamedWithWhatIsSupported() throws Exception {
    Path dir = pipeline("p", "bucketizer_1", true);
    stage(dir, 0, "bucketizer_1", "org.apache.spark.ml.feature.Bucketizer", "{}", true);

    LakeOpsException e =
        assertThrows(LakeOpsException.class, () -> PipelineScorer.load(dir.toString()));

    assertThat(e.getMessage())
        .contains("org.apache.spark.ml.feature.Bucketizer")
        .contains("bucketizer_1")
        .contains("not supported")
        .contains("StringIndexerModel")
        .contains("GBTClassificationModel");
  }

  @Test
  void anSqlStatementOtherThanTheBooleanCastsIsRefusedByItsText() throws Exception {
    Path dir = pipeline("p", "sql_1", false);
    stage(
        dir,
        0,
        "sql_1",
        "org.apache.spark.ml.feature.SQLTransformer",
        "{\"statement\":\"SELECT *, a + b AS c FROM __THIS__\"}",
        false);

    LakeOpsException e =
        assertThrows(LakeOpsException.class, () -> PipelineScorer.load(dir.toString()));

    assertThat(e.getMessage())
        .contains("SELECT *, a + b AS c FROM __THIS__")
        .contains("CAST(`col` AS DOUBLE)");
  }

  @Test
  void aPipelineWithoutAModelIsRefused() throws Exception {
    Path dir = pipeline("p", "sql_1", true);
    stage(
        dir,
        0,
        "sql_1",
        "org.apache.spark.ml.feature.SQLTransformer",
        "{\"statement\":\"SELECT *, CAST(`f` AS DOUBLE) AS `f_d` FROM __THIS__\"}",
        true);

    LakeOpsException e =
        assertThrows(LakeOpsException.class, () -> PipelineScorer.load(dir.toString()));

    assertThat(e.getMessage()).contains("does not end with a model");
  }

  @Test
  void aDirectoryThatIsNoSavedModelSaysSo() {
    LakeOpsException e =
        assertThrows(
            LakeOpsException.class,
            () -> PipelineScorer.load(tmp.resolve("nothing-here").toString()));

    assertThat(e.getMessage()).contains("is this a saved PipelineModel directory?");
  }

  private Path pipeline(String name, String uid, boolean spark4) throws Exception {
    Path dir = tmp.resolve(name);
    metadata(
        dir,
        "{\"class\":\"org.apache.spark.ml.PipelineModel\",\"timestamp\":1,\"sparkVersion\":\"4.2.0\","
            + "\"uid\":\"pm_1\",\"paramMap\":{\"stageUids\":[\""
            + uid
            + "\"]},\"defaultParamMap\":{}}",
        spark4);
    return dir;
  }

  private void stage(Path dir, int i, String uid, String cls, String params, boolean spark4)
      throws Exception {
    metadata(
        dir.resolve("stages").resolve(i + "_" + uid),
        "{\"class\":\""
            + cls
            + "\",\"timestamp\":1,\"sparkVersion\":\"4.2.0\",\"uid\":\""
            + uid
            + "\",\"paramMap\":"
            + params
            + ",\"defaultParamMap\":{}}",
        spark4);
  }

  private static void metadata(Path dir, String json, boolean spark4) throws Exception {
    Path meta = dir.resolve("metadata");
    Files.createDirectories(meta);
    String file = spark4 ? "part-00000-0f1e2d3c-c000.txt" : "part-00000";
    Files.writeString(meta.resolve(file), json + "\n");
  }
}
