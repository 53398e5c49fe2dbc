package dev.lakeops.common.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeops.common.cli.CliFailures;
import dev.lakeops.common.config.ProjectFingerprint;
import dev.lakeops.common.features.FeatureHistory;
import dev.lakeops.common.monitoring.drift.FeatureWindow;
import dev.lakeops.common.online.SqliteOnlineStore;
import dev.lakeops.common.scoring.PipelineScorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The errors of {@link Errors}, met the way a user meets them (real code paths, not the factory
 * called directly), and the exit code and one line {@link CliFailures} makes of them: a job failure
 * (1) with the factory's message, no trace on the console; a configuration error (2).
 */
class ErrorsTest {
  @TempDir Path tmp;

  static ReportedFailure report(Exception e) {
    return ReportedFailure.of(e, "x");
  }

  @Test
  void aProjectDirectoryThatCannotBeReadIsAJobFailureNamingTheDirectory() {
    Path missing = tmp.resolve("no-such-project");
    LakeOpsException e =
        assertThrows(LakeOpsException.class, () -> ProjectFingerprint.configHash(missing));

    ReportedFailure r = report(e);
    assertThat(r.exitCode()).isEqualTo(CliFailures.JOB_FAILED);
    assertThat(r.err())
        .startsWith("error: Cannot hash the project configuration in " + missing)
        .contains("Check that the directory and its .yaml files are readable.")
        .as("one line, the trace only in the log")
        .hasLineCount(1);
  }

  @Test
  void anEmptyStageMetadataFileSaysTheSaveWasIncomplete() throws Exception {
    Path meta = Files.createDirectories(tmp.resolve("model/metadata"));
    Files.writeString(meta.resolve("part-00000"), "");

    LakeOpsException e =
        assertThrows(
            LakeOpsException.class, () -> PipelineScorer.load(tmp.resolve("model").toString()));

    assertThat(e.getMessage())
        .contains("metadata/part-00000 is empty")
        .endsWith("Train the model again.");
    assertThat(report(e).exitCode()).isEqualTo(CliFailures.JOB_FAILED);
  }

  @Test
  void aFeatureHistoryOfAnotherFormatSaysToRematerialize() {
    byte[] stored = {9, 0, 0, 0, 0, 0};
    LakeOpsException e =
        assertThrows(LakeOpsException.class, () -> FeatureHistory.decode(stored, 0));

    ReportedFailure r = report(e);
    assertThat(r.exitCode()).isEqualTo(CliFailures.JOB_FAILED);
    assertThat(r.err())
        .isEqualTo(
            "error: a stored feature history has format version 9; this build reads versions 1 to 2."
                + " Fix: re-run 'mlops materialize' (or the online-store job) with this build."
                + System.lineSeparator());
  }

  @Test
  void monitoringStateOfAnotherFormatSaysHowToStartAgain() {
    LakeOpsException e =
        assertThrows(LakeOpsException.class, () -> FeatureWindow.fromBytes(new byte[] {7, 0}));

    ReportedFailure r = report(e);
    assertThat(r.exitCode()).isEqualTo(CliFailures.JOB_FAILED);
    assertThat(r.err())
        .isEqualTo(
            "error: not a serialized FeatureWindow: format 7, expected 2 (or 1). The monitoring job's"
                + " state was written by an incompatible LakeOps version or is damaged; start the"
                + " job without restoring that checkpoint or savepoint."
                + System.lineSeparator());
  }

  @Test
  void aDamagedQuantileSketchSaysWhatToDo() {
    LakeOpsException e =
        assertThrows(
            LakeOpsException.class,
            () ->
                dev.lakeops.common.monitoring.drift.QuantileSketches.fromBytes(new byte[] {1, 2}));

    assertThat(e.getMessage())
        .startsWith("not a serialized KLL doubles sketch (2 bytes): ")
        .endsWith("retrain the model, or start the job without restoring its state.");
    assertThat(e.getCause()).isNotNull();
    assertThat(report(e).exitCode()).isEqualTo(CliFailures.JOB_FAILED);
  }

  @Test
  void anEmbeddedStoreUnderAFileSaysToChooseAWritablePath() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Path store = file.resolve("sub/online.db");

    LakeOpsException e =
        assertThrows(LakeOpsException.class, () -> new SqliteOnlineStore(store, Map.of()));

    ReportedFailure r = report(e);
    assertThat(r.exitCode()).isEqualTo(CliFailures.JOB_FAILED);
    assertThat(r.err())
        .startsWith("error: cannot create the directory of the embedded online store " + store)
        .contains("Fix: choose a writable path")
        .hasLineCount(1);
  }

  @Test
  void aConfigurationProblemIsAUsageErrorNotAJobFailure() {
    ConfigException e =
        new ConfigException(
            new ConfigProblem("models.yaml", "models[0].label", 3, "expected a name.", "name it."));

    ReportedFailure r = report(e);
    assertThat(r.exitCode()).isEqualTo(CliFailures.USAGE);
    assertThat(r.err())
        .isEqualTo(
            "error: Invalid configuration: models.yaml:3 at 'models[0].label': expected a name."
                + " Fix: name it."
                + System.lineSeparator());
  }

  @Test
  void everyFactoryErrorIsOfTheHierarchy() {
    // The types CliFailures maps: a factory error that was not a LakeOpsException would be
    // reported as "the job failed: <class>" with a trace file instead of its own message.
    List<Exception> built =
        List.of(
            Errors.corruptOnlineValue("row: tag 9"),
            Errors.unknownRegistryStage("retired", List.of("none", "staging")),
            Errors.unsupportedDeltaType("decimal(10,2)"),
            Errors.cannotReadDeltaTable("/w/t", new java.io.IOException("gone")),
            Errors.redisFailed("read from", "h", 1, new RuntimeException("refused")));
    for (Exception e : built) {
      assertThat(e).isInstanceOf(LakeOpsException.class);
      assertThat(report(e).err()).startsWith("error: " + e.getMessage());
    }
  }
}
