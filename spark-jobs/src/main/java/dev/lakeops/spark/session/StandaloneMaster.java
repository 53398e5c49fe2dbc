package dev.lakeops.spark.session;

import dev.lakeops.spark.SparkErrors;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that a Spark standalone master ({@code spark://host:port}, or several for a standby set:
 * {@code spark://h1:p1,h2:p2}) accepts connections before the session starts. Spark alone retries
 * an unreachable master for about a minute and then stops the context with "All masters are
 * unresponsive"; this check says so in seconds, naming the master and the fix.
 */
final class StandaloneMaster {
  /** How long one connection attempt may take. */
  static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private StandaloneMaster() {}

  /**
   * Returns when {@code master} is not a {@code spark://} URL or one of its masters accepts a TCP
   * connection.
   *
   * @throws dev.lakeops.common.error.LakeOpsException when none does, with each master's reason
   */
  static void requireReachable(String master) {
    if (master == null || !master.startsWith("spark://")) {
      return;
    }
    List<String> problems = new ArrayList<>();
    for (String hostPort : master.substring("spark://".length()).split(",")) {
      int colon = hostPort.lastIndexOf(':');
      String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
      int port;
      try {
        port = colon < 0 ? 7077 : Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        problems.add(hostPort + ": the port is not a number");
        continue;
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
        return;
      } catch (IOException e) {
        problems.add(host + ":" + port + ": " + e.getMessage());
      }
    }
    throw SparkErrors.sparkMasterUnreachable(master, problems, CONNECT_TIMEOUT_MILLIS);
  }
}
