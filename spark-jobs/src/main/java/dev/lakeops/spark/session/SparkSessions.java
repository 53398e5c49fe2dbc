package dev.lakeops.spark.session;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the Spark session the jobs run in. Under {@code spark-submit} or on Databricks the
 * cluster's settings win (a {@code spark://} master that does not answer fails at once); run
 * directly (no master given) it is an embedded {@code local[*]} session whose catalog lives under
 * the warehouse.
 */
public final class SparkSessions {
  private SparkSessions() {}

  /** The session for a job writing to {@code warehouse}; reuses an active one (notebooks). */
  public static SparkSession getOrCreate(String appName, String warehouse) {
    return getOrCreate(appName, warehouse, false);
  }

  /**
   * As {@link #getOrCreate(String, String)}; with {@code webUi} an embedded session keeps Spark's
   * web UI on (port 4040 or the next free one; off otherwise, to start faster).
   */
  public static SparkSession getOrCreate(String appName, String warehouse, boolean webUi) {
    SparkSession active =
        SparkSession.getActiveSession()
            .getOrElse(() -> SparkSession.getDefaultSession().getOrElse(() -> null));
    if (active != null) {
      return configure(active);
    }
    SparkConf conf = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    if (!conf.contains("spark.master")) {
      builder
          .master("local[*]")
          .config("spark.ui.enabled", String.valueOf(webUi))
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "8")
          .config("spark.sql.debug.maxToStringFields", "200")
          .config("spark.sql.warehouse.dir", warehouse + "/catalog");
    } else {
      StandaloneMaster.requireReachable(conf.get("spark.master"));
    }
    return configure(withDelta(builder).getOrCreate());
  }

  /** Adds the Delta Lake extension and catalog (must be set before the session starts). */
  public static SparkSession.Builder withDelta(SparkSession.Builder builder) {
    return builder
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config(
            "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.databricks.delta.snapshotPartitions", "2");
  }

  private static SparkSession configure(SparkSession spark) {
    // Event times are instants; every conversion in the jobs is in UTC.
    spark.conf().set("spark.sql.session.timeZone", "UTC");
    return spark;
  }
}
