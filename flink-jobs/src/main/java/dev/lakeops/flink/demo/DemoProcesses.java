package dev.lakeops.flink.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The demo's jobs, each its own {@code submit/mlops} process as a user would start it, with its
 * output (stdout and stderr) in {@code <logs>/<name>.log}. {@link #close} stops the long-running
 * ones: SIGTERM, then, after 30 s, SIGKILL.
 */
final class DemoProcesses implements AutoCloseable {
  private final Path mlops;
  private final Path logs;
  private final Map<String, Process> running = new LinkedHashMap<>();

  /**
   * @param home the LakeOps checkout ({@code submit/mlops} is under it)
   * @param logs the directory of the logs (created)
   */
  DemoProcesses(Path home, Path logs) {
    this.mlops = home.resolve("submit/mlops");
    this.logs = logs;
    try {
      Files.createDirectories(logs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The log file of the process {@code name}. */
  Path log(String name) {
    return logs.resolve(name + ".log");
  }

  /** Starts {@code submit/mlops <args>} in the background. */
  Process start(String name, List<String> args) {
    Process p = launch(name, args);
    running.put(name, p);
    return p;
  }

  /**
   * Runs {@code submit/mlops <args>} to its end.
   *
   * @return the exit code
   */
  int run(String name, List<String> args) throws InterruptedException {
    return launch(name, args).waitFor();
  }

  /** Whether {@code name} (started with {@link #start}) still runs. */
  boolean alive(String name) {
    Process p = running.get(name);
    return p != null && p.isAlive();
  }

  /** The names of started processes that ended. */
  List<String> ended() {
    List<String> out = new ArrayList<>();
    running.forEach(
        (n, p) -> {
          if (!p.isAlive()) {
            out.add(n + " (exit " + p.exitValue() + ")");
          }
        });
    return out;
  }

  private Process launch(String name, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(mlops.toString());
    command.addAll(args);
    try {
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log(name).toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  @Override
  public void close() {
    for (Process p : running.values()) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    for (Process p : running.values()) {
      try {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
