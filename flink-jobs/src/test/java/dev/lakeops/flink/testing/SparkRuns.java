package dev.lakeops.flink.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The offline pipeline's results for the example projects, from a real Spark run in its own process
 * ({@code submit/mlops features}, which builds the Spark jar when needed): one run per example per
 * test JVM, started in the background so Flink work can overlap it. Spark and Flink never share a
 * classpath.
 */
public final class SparkRuns {
  private static final Map<String, CompletableFuture<Path>> RUNS = new ConcurrentHashMap<>();
  // The launcher builds the Spark jar when it is stale: once, before the runs start side by side.
  private static final java.util.concurrent.ExecutorService POOL =
      java.util.concurrent.Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "spark-runs");
            t.setDaemon(true);
            return t;
          });
  private static final CompletableFuture<Void> BUILT =
      CompletableFuture.runAsync(() -> launch(List.of("--help"), null), POOL);

  private SparkRuns() {}

  /** The repository root (the parent of the flink-jobs module). */
  public static Path repo() {
    Path here = Path.of("").toAbsolutePath();
    return Files.exists(here.resolve("submit/mlops")) ? here : here.getParent();
  }

  /** Starts (once) the feature pipeline for {@code conf/examples/<example>}. */
  public static CompletableFuture<Path> start(String example) {
    return RUNS.computeIfAbsent(example, e -> BUILT.thenApplyAsync(x -> runFeatures(e), POOL));
  }

  /** The warehouse of the example's finished run. */
  public static Path warehouse(String example) throws Exception {
    return start(example).get(10, TimeUnit.MINUTES);
  }

  /** The path of a feature view's offline table in a warehouse. */
  public static String featureTable(Path warehouse, String database, String view) {
    return warehouse.resolve(database).resolve("features").resolve(view).toString();
  }

  private static Path runFeatures(String example) {
    try {
      Path wh = Files.createTempDirectory("spark-" + example + "-");
      launch(
          List.of(
              "features",
              "--project",
              repo().resolve("conf/examples/" + example).toString(),
              "--warehouse",
              wh.toString()),
          wh.resolve("spark.log"));
      return wh;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Runs {@code submit/mlops args} in its own JVM, its output to {@code log} (or a temporary file),
   * and returns that output; a failure or a run over 10 minutes fails with the output's tail.
   */
  public static String launch(List<String> args, Path log) {
    try {
      Path out = log != null ? log : Files.createTempFile("mlops-", ".log");
      List<String> cmd = new ArrayList<>();
      cmd.add(repo().resolve("submit/mlops").toString());
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      pb.redirectOutput(out.toFile());
      Process p = pb.start();
      boolean finished = p.waitFor(10, TimeUnit.MINUTES);
      String output = Files.readString(out, StandardCharsets.UTF_8);
      if (!finished || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "submit/mlops " + String.join(" ", args) + " failed:\n" + tail(output));
      }
      return output;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String tail(String s) {
    return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
  }
}
