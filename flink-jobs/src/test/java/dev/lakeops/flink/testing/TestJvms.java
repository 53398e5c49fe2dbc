package dev.lakeops.flink.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the tests that start processes share: the command line of a JVM on the test's classpath
 * (with the test JVM's {@code --add-opens}), and waiting for a condition with a deadline.
 */
public final class TestJvms {
  private TestJvms() {}

  /** {@code java <the test JVM's --add-opens/--add-exports> -cp <its classpath> <mainClass>}. */
  public static List<String> java(String mainClass) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    return cmd;
  }

  /** A condition polled by {@link #await}. */
  public interface Condition {
    boolean holds() throws Exception;
  }

  /** Polls {@code c} every 50 ms until it holds; fails naming {@code what} after {@code within}. */
  public static void await(Condition c, String what, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (!c.holds()) {
      assertThat(System.nanoTime()).as("waiting for: %s", what).isLessThan(deadline);
      Thread.sleep(50); // polling a condition with a deadline
    }
  }
}
