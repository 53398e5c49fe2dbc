package dev.lakeops.flink.pipeline;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.DatabricksException;
import com.databricks.sdk.core.utils.SerDeUtils;
import com.databricks.sdk.service.jobs.BaseJob;
import com.databricks.sdk.service.jobs.CreateJob;
import com.databricks.sdk.service.jobs.JobSettings;
import com.databricks.sdk.service.jobs.ListJobsRequest;
import com.databricks.sdk.service.jobs.ResetJob;
import com.databricks.sdk.service.jobs.RunNow;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lakeops.common.cli.CliArgs.UsageException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code pipeline export-databricks --submit}: creates the job in a Databricks workspace, or
 * updates the job of the same name ({@code jobs/reset}: the same job id, its run history kept),
 * then starts a run ({@code jobs/run-now}), all through the Databricks SDK for Java. The run is
 * started with an idempotency token, so a submit retried after a lost answer returns the run the
 * first one started instead of starting a second. Credentials come the SDK's way: {@code
 * DATABRICKS_HOST} and {@code DATABRICKS_TOKEN}, or a profile of {@code ~/.databrickscfg}.
 */
final class DatabricksSubmit {
  /** What the workspace answered. */
  record Submitted(long jobId, boolean created, long runId, String token) {}

  private DatabricksSubmit() {}

  /**
   * The default idempotency token of a job: {@code lakeops-} and the first 32 hex digits of the
   * SHA-256 of its {@code jobs/create} JSON (41 characters; the API allows 64). A retried submit of
   * the same definition gets the same token, so it never starts a second run; a new run of an
   * unchanged job needs another token ({@code --idempotency-token}).
   */
  static String defaultToken(String jobJson) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(jobJson.getBytes(StandardCharsets.UTF_8));
      return "lakeops-" + HexFormat.of().formatHex(d).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is in every JVM", e);
    }
  }

  /**
   * The SDK's configuration, resolved from the environment or {@code ~/.databrickscfg}.
   *
   * @throws UsageException when no workspace or credentials are configured
   */
  static DatabricksConfig config() {
    try {
      DatabricksConfig c = new DatabricksConfig().setHttpTimeoutSeconds(60).resolve();
      if (c.getHost() == null || c.getHost().isBlank()) {
        throw new DatabricksException("no host");
      }
      return c;
    } catch (DatabricksException e) {
      throw new UsageException(
          "pipeline export-databricks",
          "--submit needs a Databricks workspace and credentials, and none are configured ("
              + e.getMessage()
              + "). Set DATABRICKS_HOST (https://<workspace>.cloud.databricks.com) and"
              + " DATABRICKS_TOKEN, or a profile in ~/.databrickscfg (DATABRICKS_CONFIG_PROFILE);"
              + " or leave out --submit and create the job from the JSON: databricks jobs create"
              + " --json @<file>.");
    }
  }

  /**
   * Creates or resets the job named like {@code job}, then starts a run with {@code token}.
   *
   * @throws dev.lakeops.common.error.LakeOpsException when the workspace refuses or does not
   *     answer, with its root cause and what to check
   */
  static Submitted submit(WorkspaceClient w, String host, CreateJob job, String token) {
    try {
      return submit(w, job, token);
    } catch (DatabricksException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new dev.lakeops.common.error.LakeOpsException(
          "the Databricks workspace at "
              + host
              + " did not take the job: "
              + root.getMessage()
              + ". Check DATABRICKS_HOST and the token (or the ~/.databrickscfg profile), and"
              + " that this machine reaches the workspace; a retry with the same idempotency"
              + " token starts no second run.",
          e);
    }
  }

  private static Submitted submit(WorkspaceClient w, CreateJob job, String token) {
    Long existing = null;
    for (BaseJob j : w.jobs().list(new ListJobsRequest().setName(job.getName()))) {
      existing = j.getJobId();
      break;
    }
    long jobId;
    if (existing == null) {
      jobId = w.jobs().create(job).getJobId();
    } else {
      w.jobs().reset(new ResetJob().setJobId(existing).setNewSettings(settings(job)));
      jobId = existing;
    }
    long runId =
        w.jobs()
            .runNow(new RunNow().setJobId(jobId).setIdempotencyToken(token))
            .getResponse()
            .getRunId();
    return new Submitted(jobId, existing == null, runId, token);
  }

  /**
   * The create body as the settings of {@code jobs/reset} (the same fields, by the SDK's names).
   */
  static JobSettings settings(CreateJob job) {
    try {
      var mapper = SerDeUtils.createMapper();
      return mapper.readValue(mapper.writeValueAsString(job), JobSettings.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a job's settings always convert", e);
    }
  }
}
