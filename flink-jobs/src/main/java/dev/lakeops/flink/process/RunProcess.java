package dev.lakeops.flink.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A process started so that a restarted owner can find it again (a retraining run of the scheduler,
 * a task of a pipeline run): the command runs under {@code /bin/sh}, which first writes its pid to
 * {@code <run dir>/pid}, sends the command's output to {@code <run dir>/run.log}, and when the
 * command ends writes its exit code to {@code <run dir>/exit} (through a rename, so it is never
 * seen half-written). The process outlives its owner: killed, the owner leaves it running, and its
 * next start adopts it ({@link #adopt}) and records its end.
 */
public final class RunProcess {
  public static final String PID = "pid";
  public static final String EXIT = "exit";
  public static final String LOG = "run.log";

  /** The shell script: pid, the command with its output to the log, then the exit code. */
  private static final String WRAPPER =
      "echo $$ > \"$0/pid\"; \"$@\" > \"$0/run.log\" 2>&1; code=$?;"
          + " echo $code > \"$0/exit.tmp\" && mv \"$0/exit.tmp\" \"$0/exit\"; exit $code";

  private final Path dir;
  private final long pid;
  private final ProcessHandle handle; // null when the process was gone when adopted

  private RunProcess(Path dir, long pid, ProcessHandle handle) {
    this.dir = dir;
    this.pid = pid;
    this.handle = handle;
  }

  /**
   * Starts {@code command} in {@code dir} (created; must not hold an earlier run's files).
   *
   * @param workDir the command's working directory
   * @throws IOException when the shell cannot be started
   */
  public static RunProcess start(Path dir, List<String> command, Path workDir) throws IOException {
    Files.createDirectories(dir);
    List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER, dir.toString()));
    argv.addAll(command);
    Process p =
        new ProcessBuilder(argv)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("wrapper.log").toFile())
            .start();
    return new RunProcess(dir, p.pid(), p.toHandle());
  }

  /**
   * The run started in {@code dir} by an earlier scheduler, if its process still runs: its pid file
   * names a live process that started no earlier than {@code startedAtMillis} − 5 s (a pid reused
   * by an older process is not taken for it). Empty when it is gone (then read {@link
   * #exitCode(Path)}).
   */
  public static Optional<RunProcess> adopt(Path dir, long startedAtMillis) {
    Optional<Long> pid = readLong(dir.resolve(PID));
    if (pid.isEmpty()) {
      return Optional.empty();
    }
    Optional<ProcessHandle> h = ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive);
    if (h.isEmpty()) {
      return Optional.empty();
    }
    Optional<Instant> started = h.get().info().startInstant();
    if (started.isPresent() && started.get().toEpochMilli() < startedAtMillis - 5_000) {
      return Optional.empty();
    }
    return Optional.of(new RunProcess(dir, pid.get(), h.get()));
  }

  public long pid() {
    return pid;
  }

  public Path logPath() {
    return dir.resolve(LOG);
  }

  /**
   * Whether the run has ended: its exit file is there, or its process is gone (then without an exit
   * code: killed before it could write one).
   */
  public boolean ended() {
    if (Files.exists(dir.resolve(EXIT))) {
      return true;
    }
    return handle == null || !handle.isAlive();
  }

  /**
   * A future completed when the wrapper shell has ended (its exit code, if it wrote one, is then in
   * {@link #exitCode(Path)}); completed at once when the process was already gone.
   */
  public java.util.concurrent.CompletableFuture<?> onExit() {
    return handle == null
        ? java.util.concurrent.CompletableFuture.completedFuture(null)
        : handle.onExit();
  }

  /** Ends the run's process and every process under it (a timeout, a test, a shutdown hook). */
  public void destroy() {
    if (handle != null) {
      List<ProcessHandle> children = handle.descendants().toList();
      handle.destroyForcibly(); // the shell first: it must not outlive the command to record it
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** The exit code the run's shell wrote in {@code dir}, or empty when it wrote none. */
  public static OptionalInt exitCode(Path dir) {
    Optional<Long> code = readLong(dir.resolve(EXIT));
    return code.isPresent() ? OptionalInt.of(code.get().intValue()) : OptionalInt.empty();
  }

  private static Optional<Long> readLong(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).trim();
      return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
