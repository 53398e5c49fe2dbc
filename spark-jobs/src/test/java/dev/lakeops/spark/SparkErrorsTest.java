package dev.lakeops.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeops.common.cli.CliFailures;
import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.common.error.ReportedFailure;
import dev.lakeops.common.registry.Stage;
import dev.lakeops.spark.training.ModelArtifacts;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The errors of {@link SparkErrors} and the exit code and line {@link CliFailures} makes of them:
 * what the command line names wrongly (a run, a version, a stage) is a usage error, exit 2, with
 * the command's help; what fails while the job runs is exit 1. No Spark is started.
 */
class SparkErrorsTest {
  @TempDir Path tmp;

  static ReportedFailure report(Exception e, String command) {
    return ReportedFailure.of(e, command);
  }

  @Test
  void anUnknownRunIsAUsageErrorInRunsAndInReproduce() {
    // reproduce used to fail with exit 1 ("No run ... in <table>") when Spark found no run, and
    // with exit 2 when the check before Spark did: both are one error now.
    for (String command : List.of("runs", "reproduce")) {
      ReportedFailure r = report(SparkErrors.noSuchRun(command, "r-42"), command);
      assertThat(r.exitCode()).as(command).isEqualTo(CliFailures.USAGE);
      assertThat(r.err())
          .isEqualTo(
              "error: no run 'r-42'; list runs with 'mlops runs'. (see 'mlops "
                  + command
                  + " --help')"
                  + System.lineSeparator());
    }
  }

  @Test
  void anUnknownVersionListsTheVersionsTheModelHas() {
    ReportedFailure r =
        report(SparkErrors.noSuchVersion("promote", "churn", 7, List.of(1, 2)), "promote");
    assertThat(r.exitCode()).isEqualTo(CliFailures.USAGE);
    assertThat(r.err())
        .startsWith("error: model 'churn' has no version 7; its versions are 1, 2. (see");
  }

  @Test
  void anUnknownModelSaysHowToRegisterOneWhenThereIsNone() {
    assertThat(SparkErrors.noSuchModel("models", "churn", List.of()).getMessage())
        .isEqualTo(
            "no model 'churn' in the registry; no model is registered yet (train one with"
                + " 'mlops train --model <name>').");
    assertThat(SparkErrors.noSuchModel("models", "churn", List.of("a", "b")).getMessage())
        .isEqualTo("no model 'churn' in the registry; registered models are a, b.");
  }

  @Test
  void anUnknownStageNamesEveryStage() {
    ReportedFailure demote =
        report(SparkErrors.unknownStage("demote", Stage.keys(), false), "demote");
    assertThat(demote.exitCode()).isEqualTo(CliFailures.USAGE);
    for (Stage s : Stage.values()) {
      assertThat(demote.err()).contains(s.key());
    }
    assertThat(demote.err()).doesNotContain("champion").contains("(see 'mlops demote --help')");
    assertThat(SparkErrors.unknownStage("promote", List.of("a"), true).getMessage())
        .isEqualTo("--to takes one of [a] (or champion).");
  }

  @Test
  void aMissingArtifactFileIsAJobFailureThatSaysToRetrain() {
    ModelArtifacts artifacts = new ModelArtifacts(new Configuration());
    String artifact = tmp.resolve("artifact").toString();

    LakeOpsException e =
        assertThrows(LakeOpsException.class, () -> artifacts.readText(artifact, "signature.json"));

    ReportedFailure r = report(e, "serve");
    assertThat(r.exitCode()).isEqualTo(CliFailures.JOB_FAILED);
    assertThat(r.err())
        .startsWith("error: Cannot read ")
        .contains("artifact/signature.json")
        .contains("The model artifact is incomplete or was moved; train the model again.")
        .hasLineCount(1);
  }

  @Test
  void aRegistryThatKeepsChangingIsAJobFailureToRetry() {
    ReportedFailure r = report(SparkErrors.registryKeptChanging("churn", 10), "promote");
    assertThat(r.exitCode()).isEqualTo(CliFailures.JOB_FAILED);
    assertThat(r.err())
        .isEqualTo(
            "error: Model 'churn': could not commit a registry change after 10 attempts because"
                + " other writers kept changing it. Try again."
                + System.lineSeparator());
  }
}
