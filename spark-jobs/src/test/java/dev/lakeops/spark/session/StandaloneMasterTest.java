package dev.lakeops.spark.session;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeops.common.error.LakeOpsException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The check of a spark:// master before the session starts (no Spark: plain sockets). */
class StandaloneMasterTest {
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort(); // closed again when this returns: nothing listens there
    }
  }

  @Test
  void aMasterNobodyListensOnIsNamedWithTheFix() throws IOException {
    int port = closedPort();
    assertThatThrownBy(() -> StandaloneMaster.requireReachable("spark://127.0.0.1:" + port))
        .isInstanceOf(LakeOpsException.class)
        .hasMessageStartingWith(
            "Cannot reach the Spark master spark://127.0.0.1:" + port + " (127.0.0.1:" + port)
        .hasMessageContaining("Connection refused")
        .hasMessageContaining("Start the master");
  }

  @Test
  void oneListeningMasterOfAStandbySetIsEnough() throws IOException {
    int closed = closedPort();
    try (ServerSocket open = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String master = "spark://127.0.0.1:" + closed + ",127.0.0.1:" + open.getLocalPort();
      assertThatCode(() -> StandaloneMaster.requireReachable(master)).doesNotThrowAnyException();
    }
  }

  @Test
  void aPortThatIsNotANumberIsSaid() {
    assertThatThrownBy(() -> StandaloneMaster.requireReachable("spark://127.0.0.1:web"))
        .isInstanceOf(LakeOpsException.class)
        .hasMessageContaining("127.0.0.1:web: the port is not a number");
  }

  @Test
  void otherMastersAreLeftToSpark() {
    for (String m : new String[] {"local[2]", "yarn", "k8s://https://127.0.0.1:1", null}) {
      assertThatCode(() -> StandaloneMaster.requireReachable(m)).doesNotThrowAnyException();
    }
  }
}
