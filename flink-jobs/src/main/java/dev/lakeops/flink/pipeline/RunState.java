package dev.lakeops.flink.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakeops.common.pipeline.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline run's durable state, {@code state.json} in the run's directory: what each task's
 * status is, every attempt with its process directory, exit code and log, and which of them the
 * metadata store holds already. The runner saves it (write, then rename over the old file) before
 * it starts a process and after anything ends, so a runner killed at any point resumes from it.
 * Times are epoch milliseconds.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
final class RunState {
  static final String FILE = "state.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public String runId;
  public String pipeline;
  public String project;
  public String warehouse;
  public long createdAtMillis;
  public long updatedAtMillis;

  /** The sequence number the next tasks-table row gets (see {@link Attempt#seq}). */
  public long nextSeq = 1;

  public List<Invocation> invocations = new ArrayList<>();
  public Map<String, TaskState> tasks = new LinkedHashMap<>();

  /** One {@code run} or {@code resume} of the run: a row of the runs table. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class Invocation {
    /** The runs table's run id: the pipeline run's id, then {@code <id>-resume<n>}. */
    public String id;

    public String kind; // run, resume
    public long startedAtMillis;
    public Long endedAtMillis;
    public String status; // succeeded, failed, interrupted; null while it runs
    public String error;
    public Map<String, Double> metrics = new LinkedHashMap<>();
    public boolean recorded;
  }

  /** A task's state in the run. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class TaskState {
    public String status = TaskStatus.PENDING.key();

    /** Attempts started in the current invocation (retries count within one). */
    public int attemptsThisInvocation;

    /** No attempt before this time (a retry's backoff); null: at once. */
    public Long notBeforeMillis;

    /** Every record of the task in the run: attempts, and decisions not to run it. */
    public List<Attempt> attempts = new ArrayList<>();

    TaskStatus status() {
      return TaskStatus.ofKey(status);
    }

    Attempt last() {
      return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    }

    /** The number of the next attempt (attempts that ran, from 1, over the whole run). */
    int nextNumber() {
      return (int) attempts.stream().filter(a -> a.number > 0).count() + 1;
    }
  }

  /**
   * An attempt of a task (number from 1), or a decision not to run it (number 0, status skipped or
   * upstream_failed).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class Attempt {
    public int number;
    public String invocation;
    public long startedAtMillis;
    public Long endedAtMillis;
    public String status;
    public Integer exitCode;
    public String dir;
    public String log;
    public List<String> argv = new ArrayList<>();
    public String message;

    /**
     * The attempt's row's sequence number in the run, from 1, given when it ended and saved before
     * the row is written; 0 before. Rows are committed in this order, the last one's number as the
     * commit's transaction version.
     */
    public long seq;

    public boolean recorded;
  }

  /** Reads {@code <dir>/state.json}. */
  static RunState load(Path dir) throws IOException {
    return JSON.readValue(dir.resolve(FILE).toFile(), RunState.class);
  }

  /** Writes {@code <dir>/state.json} whole, through a rename (never seen half-written). */
  void save(Path dir, long nowMillis) throws IOException {
    updatedAtMillis = nowMillis;
    Path tmp = dir.resolve(FILE + ".tmp");
    JSON.writeValue(tmp.toFile(), this);
    Files.move(
        tmp,
        dir.resolve(FILE),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }
}
