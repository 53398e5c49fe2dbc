package dev.lakeops.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Processes the cluster tests start and stop: a JVM on a classpath, a command run to its end, and
 * waits on a condition (a port that accepts, a log line, an HTTP answer) that fail with the
 * process's log tail when the process dies or the deadline passes. Each started process is stopped
 * by its own handle (its descendants first), never by name.
 */
public final class Processes {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Processes() {}

  /** A process this test started, with the file its stdout and stderr go to. */
  public record Started(String name, Process process, Path log) implements AutoCloseable {
    /** The whole log so far ("" when there is none yet). */
    public String output() {
      try {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The last {@code lines} lines of the log, for a failure message. */
    public String tail(int lines) {
      List<String> all = output().lines().toList();
      return name
          + " ("
          + log
          + "), last lines:\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Stops the process and its descendants (see {@link Processes#stop}). */
    @Override
    public void close() {
      stop(this);
    }
  }

  /** What a command run to its end printed (stdout and stderr together) and its exit code. */
  public record Result(int code, String output) {}

  /** The {@code java} of the running JVM. */
  public static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * This JVM's module options ({@code --add-opens}, {@code --add-exports}) and the flags that go
   * with them (the build gives the test JVMs the engines' lists), for the JVMs a test starts.
   */
  public static List<String> moduleFlags() {
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(
            a ->
                a.startsWith("--add-opens")
                    || a.startsWith("--add-exports")
                    || a.equals("-XX:+IgnoreUnrecognizedVMOptions")
                    || a.startsWith("-Dio.netty."))
        .toList();
  }

  /**
   * Starts {@code java <jvmArgs> -cp <classpath> <mainClass> <args>} with {@code env} added to this
   * JVM's environment; stdout and stderr go to {@code log}.
   */
  public static Started java(
      String name,
      List<String> jvmArgs,
      String classpath,
      String mainClass,
      List<String> args,
      Map<String, String> env,
      Path log) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.addAll(args);
    return start(name, cmd, env, log.getParent(), log);
  }

  /**
   * Starts a command in {@code dir} with {@code env} added; stdout and stderr go to {@code log}.
   */
  public static Started start(
      String name, List<String> command, Map<String, String> env, Path dir, Path log) {
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().putAll(env);
      return new Started(name, pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name + ": " + command, e);
    }
  }

  /**
   * Runs a command to its end (output to {@code log}); a run longer than {@code timeout} is stopped
   * and fails the test with its log tail.
   */
  public static Result run(
      String name,
      List<String> command,
      Map<String, String> env,
      Path dir,
      Path log,
      Duration timeout) {
    long started = System.nanoTime();
    Started p = start(name, command, env, dir, log);
    try {
      if (!p.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        stop(p);
        throw new AssertionError(name + " did not end within " + timeout + ": " + p.tail(60));
      }
    } catch (InterruptedException e) {
      stop(p);
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + name, e);
    }
    Result r = new Result(p.process().exitValue(), p.output());
    System.out.printf(
        "%s took %d ms (exit %d)%n", name, (System.nanoTime() - started) / 1_000_000, r.code());
    return r;
  }

  /**
   * Links every jar of a classpath file (a {@code build-classpath} output of the build) into {@code
   * dir}, as an engine's distribution holds its jars in one folder; returns {@code dir}.
   */
  public static Path linkJars(Path classpathFile, Path dir) throws IOException {
    if (!Files.exists(classpathFile)) {
      throw new AssertionError(classpathFile + " is missing: it is written in the package phase");
    }
    Files.createDirectories(dir);
    for (String jar : Files.readString(classpathFile).trim().split(java.io.File.pathSeparator)) {
      Path target = Path.of(jar);
      Path link = dir.resolve(target.getFileName());
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, target);
      }
    }
    return dir;
  }

  /** The JSON a GET of {@code url} answers with status 200, else empty. */
  public static Optional<JsonNode> httpJson(String url) {
    return httpGet(url)
        .map(
            body -> {
              try {
                return JSON.readTree(body);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }

  /** A TCP port free on 127.0.0.1 now (the OS picks it). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether something accepts connections on {@code host:port} now. */
  public static boolean accepts(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits until {@code host:port} accepts connections, while {@code owner} lives. */
  public static void awaitPort(Started owner, String host, int port, Duration timeout) {
    await(owner, "port " + host + ":" + port, timeout, () -> accepts(host, port) ? true : null);
  }

  /** Waits until a line of {@code p}'s log matches {@code pattern}; returns the match. */
  public static Matcher awaitLog(Started p, Pattern pattern, Duration timeout) {
    return await(
        p,
        "a log line matching /" + pattern + "/",
        timeout,
        () -> {
          Matcher m = pattern.matcher(p.output());
          return m.find() ? m : null;
        });
  }

  /** The body of a GET of {@code url} when it answers 200, else empty. */
  public static Optional<String> httpGet(String url) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * Polls {@code condition} (a non-null answer ends the wait and is returned) until {@code
   * timeout}; fails with the owner's log tail when the owner ends first or the deadline passes.
   */
  public static <T> T await(Started owner, String what, Duration timeout, Supplier<T> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T answer = condition.get();
      if (answer != null) {
        return answer;
      }
      if (owner != null && !owner.process().isAlive()) {
        throw new AssertionError(
            owner.name()
                + " ended (exit "
                + owner.process().exitValue()
                + ") before "
                + what
                + ": "
                + owner.tail(60));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no " + what + " within " + timeout + (owner == null ? "" : ": " + owner.tail(60)));
      }
      try {
        Thread.sleep(POLL.toMillis()); // the interval between two checks of the condition
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }

  /**
   * Stops a started process: its descendants first (a launcher's JVM, an executor), then itself,
   * politely (SIGTERM) and, after 15 s, forcibly; returns when all have ended.
   */
  public static void stop(Started p) {
    List<ProcessHandle> all = new ArrayList<>(p.process().descendants().toList());
    all.add(p.process().toHandle());
    all.forEach(ProcessHandle::destroy);
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(15, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
        h.onExit().join();
      }
    }
  }
}
