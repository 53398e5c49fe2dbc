package dev.lakeops.spark;

import dev.lakeops.spark.session.SparkSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** The one local[2] Spark session of the test JVM: UI off, driver on loopback, Delta on. */
public final class TestSpark {
  private static SparkSession spark;

  private TestSpark() {}

  public static synchronized SparkSession session() {
    if (spark == null) {
      try {
        Path catalog = Files.createTempDirectory("lakeops-test-catalog");
        spark =
            SparkSessions.withDelta(
                    SparkSession.builder()
                        .master("local[2]")
                        .appName("lakeops-tests")
                        .config("spark.ui.enabled", "false")
                        .config("spark.driver.host", "127.0.0.1")
                        .config("spark.driver.bindAddress", "127.0.0.1")
                        .config("spark.sql.shuffle.partitions", "4")
                        .config("spark.sql.warehouse.dir", catalog.toString()))
                .getOrCreate();
        spark.conf().set("spark.sql.session.timeZone", "UTC");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return spark;
  }

  /** The repository's top directory (tests run in the module directory). */
  public static Path repo() {
    return Path.of("..").toAbsolutePath().normalize();
  }
}
