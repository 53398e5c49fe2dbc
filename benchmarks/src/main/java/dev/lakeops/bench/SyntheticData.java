package dev.lakeops.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Repeatable synthetic inputs: the same arguments always give the same bytes (CSV, seeded {@link
 * Random}) or the same rows (Spark, values from {@code xxhash64} of the row id and a seed, so they
 * do not depend on partitioning).
 */
final class SyntheticData {
  /** 2024-01-01T00:00:00Z: the data spans one year from here. */
  static final long START_SECOND = 1_704_067_200L;

  static final long YEAR_SECONDS = 365L * 86_400;
  static final String TS_FORMAT = "yyyy-MM-dd HH:mm:ss";

  private SyntheticData() {}

  /** The id of entity {@code i}: {@code c} and a zero-padded number, e.g. c000042. */
  static String customerId(long i, int entities) {
    return String.format("c%0" + width(entities) + "d", i);
  }

  private static int width(int entities) {
    return Math.max(6, String.valueOf(Math.max(0, entities - 1)).length());
  }

  // ---- features: one CSV of transactions -------------------------------------------------

  /**
   * Writes {@code rows} transactions in random order: customer_id (uniform over {@code entities}),
   * ts ({@value #TS_FORMAT}, uniform over the year, UTC), amount (0.01-500.00), quantity (1-10).
   */
  static void writeTransactionsCsv(Path file, long rows, int entities, long seed) {
    writeTransactionsCsv(file, rows, entities, seed, START_SECOND, YEAR_SECONDS);
  }

  /**
   * As {@link #writeTransactionsCsv(Path, long, int, long)}, with event times uniform over {@code
   * spanSeconds} from {@code startSecond} (epoch seconds, UTC): the features benchmark's later file
   * for an incremental run.
   */
  static void writeTransactionsCsv(
      Path file, long rows, int entities, long seed, long startSecond, long spanSeconds) {
    String[] ids = new String[entities];
    for (int i = 0; i < entities; i++) {
      ids[i] = customerId(i, entities);
    }
    Random r = new Random(seed);
    StringBuilder line = new StringBuilder(64);
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("customer_id,ts,amount,quantity\n");
      for (long n = 0; n < rows; n++) {
        String id = ids[r.nextInt(entities)];
        LocalDateTime ts =
            LocalDateTime.ofEpochSecond(
                startSecond + (long) (r.nextDouble() * spanSeconds), 0, ZoneOffset.UTC);
        int cents = 1 + r.nextInt(50_000);
        int quantity = 1 + r.nextInt(10);
        line.setLength(0);
        line.append(id).append(',');
        line.append(ts.getYear()).append('-');
        pad2(line, ts.getMonthValue()).append('-');
        pad2(line, ts.getDayOfMonth()).append(' ');
        pad2(line, ts.getHour()).append(':');
        pad2(line, ts.getMinute()).append(':');
        pad2(line, ts.getSecond()).append(',');
        line.append(cents / 100).append('.');
        pad2(line, cents % 100).append(',');
        line.append(quantity).append('\n');
        w.append(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static StringBuilder pad2(StringBuilder sb, int v) {
    return sb.append(v < 10 ? "0" : "").append(v);
  }

  /** A feature of the features benchmark's one view. */
  record Feature(String name, String agg, String column, int days) {}

  static final String SOURCE = "transactions";
  static final String VIEW = "customer_txn";
  static final String KEY = "customer_id";

  /** count/sum/mean over 7d and 30d, plus a max over 30d. */
  static final List<Feature> FEATURES =
      List.of(
          new Feature("txn_count_7d", "count", null, 7),
          new Feature("amount_sum_7d", "sum", "amount", 7),
          new Feature("amount_mean_7d", "mean", "amount", 7),
          new Feature("txn_count_30d", "count", null, 30),
          new Feature("quantity_sum_30d", "sum", "quantity", 30),
          new Feature("amount_mean_30d", "mean", "amount", 30),
          new Feature("amount_max_30d", "max", "amount", 30));

  /** The project directory of the features benchmark, reading {@code csv}. */
  static void writeFeaturesProject(Path dir, Path csv) {
    StringBuilder features = new StringBuilder();
    for (Feature f : FEATURES) {
      features
          .append("      - {name: ")
          .append(f.name())
          .append(", agg: ")
          .append(f.agg())
          .append(f.column() == null ? "" : ", expr: " + f.column())
          .append(", window: ")
          .append(f.days())
          .append("d}\n");
    }
    write(
        dir,
        "project.yaml",
        """
        name: bench_features
        database: bench_features
        description: Synthetic transactions for the feature pipeline benchmark.
        """);
    write(dir, "entities.yaml", ENTITIES);
    write(
        dir,
        "sources.yaml",
        "sources:\n"
            + csvSource(
                SOURCE,
                csv.toAbsolutePath().toString(),
                "{name: quantity, type: int, nullable: false, min: 1, max: 1000}"));
    write(
        dir,
        "feature_views.yaml",
        """
        feature_views:
          - name: %s
            entity: customer
            source: %s
            ttl: 365d
            features:
        %s"""
            .formatted(VIEW, SOURCE, features));
  }

  /**
   * One entry of {@code sources.yaml}: a headed CSV source of customers' rows with {@code
   * customer_id}, {@code ts} ({@value #TS_FORMAT}) and {@code amount}, then {@code extraColumns}
   * (schema entries in YAML flow style).
   */
  private static String csvSource(String name, String path, String... extraColumns) {
    StringBuilder out =
        new StringBuilder(
            """
              - name: %s
                format: csv
                path: %s
                header: true
                entity: customer
                entity_key: customer_id
                event_time: {column: ts, format: "%s"}
                schema:
                  - {name: customer_id, type: string, nullable: false}
                  - {name: ts, type: string, nullable: false}
                  - {name: amount, type: double, nullable: false, min: 0, max: 100000}
            """
                .formatted(name, path, TS_FORMAT));
    for (String c : extraColumns) {
      out.append("      - ").append(c).append('\n');
    }
    return out.toString();
  }

  private static final String ENTITIES =
      """
      entities:
        - name: customer
          key: customer_id
      """;

  // ---- training set: the events of a feature source and of a label source -------------------

  /**
   * A synthetic feature view of the training-set benchmark: feature {@code i} (from 0) is the mean
   * of {@code amount} over the last {@link #windowDays(int)} days of the feature source's events.
   */
  record View(String name, int ttlDays, List<String> features) {
    /** The window of feature {@code i}, in days: 7, 14, 21, 28 (within every view's TTL). */
    static int windowDays(int i) {
      return 7 * (i + 1);
    }
  }

  static final String LABEL_SOURCE = "purchases";

  /** The source the views are computed from (events unrelated to the label events' times). */
  static final String FEATURE_SOURCE = "transactions";

  static final String TRAINING_SET = "bench_set";

  /** Three views with 4, 3 and 4 double features and TTLs of 30, 90 and 365 days. */
  static final List<View> VIEWS =
      List.of(
          new View("spend_short", 30, names("spend_short", 4)),
          new View("spend_medium", 90, names("spend_medium", 3)),
          new View("spend_long", 365, names("spend_long", 4)));

  private static List<String> names(String view, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(view + "_f" + i);
    }
    return out;
  }

  /**
   * The training-set benchmark's project: a purchases source for the label and a transactions
   * source for the features (both events tables are written directly; the CSV paths are never
   * read), the three views (means of amount over 7-28 days), a label {@code if(amount > 250, 1, 0)}
   * and a training set of all three views.
   */
  static void writeTrainingProject(Path dir) {
    write(
        dir,
        "project.yaml",
        """
        name: bench_training
        database: bench_training
        description: Synthetic feature views and labels for the training-set benchmark.
        """);
    write(dir, "entities.yaml", ENTITIES);
    StringBuilder sources = new StringBuilder("sources:\n");
    for (String source : List.of(LABEL_SOURCE, FEATURE_SOURCE)) {
      sources.append(csvSource(source, source + ".csv"));
    }
    write(dir, "sources.yaml", sources.toString());
    StringBuilder views = new StringBuilder("feature_views:\n");
    for (View v : VIEWS) {
      views
          .append("  - name: ")
          .append(v.name())
          .append("\n    entity: customer\n    source: ")
          .append(FEATURE_SOURCE)
          .append("\n    ttl: ")
          .append(v.ttlDays())
          .append("d\n    features:\n");
      for (int i = 0; i < v.features().size(); i++) {
        views
            .append("      - {name: ")
            .append(v.features().get(i))
            .append(", agg: mean, expr: amount, window: ")
            .append(View.windowDays(i))
            .append("d}\n");
      }
    }
    write(dir, "feature_views.yaml", views.toString());
    write(
        dir,
        "labels.yaml",
        """
        labels:
          - name: big_purchase
            source: %s
            value: "if(amount > 250, 1, 0)"
        """
            .formatted(LABEL_SOURCE));
    write(
        dir,
        "training_sets.yaml",
        """
        training_sets:
          - name: %s
            label: big_purchase
            features: [%s]
        """
            .formatted(TRAINING_SET, String.join(", ", VIEWS.stream().map(View::name).toList())));
  }

  /**
   * {@code rows} rows keyed (customer_id, event_time), unique per key: row {@code id} belongs to
   * entity {@code id % entities} and is its {@code id / entities}-th row, at a random second of the
   * matching slice of the year (so times of one entity never collide).
   */
  static Dataset<Row> keyedRows(SparkSession spark, long rows, int entities, long seed) {
    long perEntity = (rows + entities - 1) / entities;
    long slot = YEAR_SECONDS / perEntity;
    Column id = col("id");
    Column second =
        lit(START_SECOND)
            .plus(id.divide(lit(entities)).cast(DataTypes.LongType).multiply(lit(slot)))
            .plus(pmod(xxhash64(lit(seed), id), lit(slot)));
    return spark
        .range(0, rows, 1, 8)
        .select(
            id,
            format_string("c%0" + width(entities) + "d", pmod(id, lit((long) entities))).as(KEY),
            timestamp_seconds(second).as("event_time"));
  }

  /** A uniform double in [0, 1000) with two decimals, from the row id and a seed. */
  static Column value(long seed) {
    return pmod(xxhash64(lit(seed), col("id")), lit(100_000L))
        .cast(DataTypes.DoubleType)
        .divide(100);
  }

  /**
   * A source's events table: key, event_time, ts (its text) and amount in [0, 500); {@code seed}
   * picks the times and amounts (the same seed gives the same rows).
   */
  static Dataset<Row> sourceEvents(SparkSession spark, long rows, int entities, long seed) {
    // Every declared column of the source (ts too), as the events table holds them (EventRows).
    return keyedRows(spark, rows, entities, seed)
        .select(
            col(KEY),
            col("event_time"),
            org.apache.spark.sql.functions.date_format(col("event_time"), TS_FORMAT).as("ts"),
            value(seed + 1).divide(2).as("amount"));
  }

  // ---- train: a labeled training set ----------------------------------------------------

  /** A numeric feature of the train benchmark: mean, standard deviation, weight in the logit. */
  record Numeric(String name, double mean, double sd, double weight) {}

  /**
   * Ten features on different scales; two carry no signal. The label's logit is {@value
   * #TRAIN_INTERCEPT} plus the weighted sum of the standardized (true) feature values.
   */
  static final List<Numeric> TRAIN_FEATURES =
      List.of(
          new Numeric("x01", 0.0, 1.0, 1.0),
          new Numeric("x02", 100.0, 15.0, -0.8),
          new Numeric("x03", 5.0, 2.0, 0.6),
          new Numeric("x04", 1_000.0, 250.0, -0.4),
          new Numeric("x05", -3.0, 0.5, 0.3),
          new Numeric("x06", 50.0, 10.0, 0.0),
          new Numeric("x07", 0.01, 0.002, 0.0),
          new Numeric("x08", 20.0, 8.0, 0.5),
          new Numeric("x09", 7.5, 3.0, -1.2),
          new Numeric("x10", 300.0, 90.0, 0.2));

  static final double TRAIN_INTERCEPT = -0.3;

  /** The share of each feature's values that are null (the imputer fills them). */
  static final double TRAIN_NULL_SHARE = 0.01;

  static final String TRAIN_LABEL = "label";

  /** A uniform double in [0, 1) from the row id and a seed (53 random bits). */
  static Column uniform(long seed) {
    return pmod(xxhash64(lit(seed), col("id")), lit(1L << 53))
        .cast(DataTypes.DoubleType)
        .divide(lit((double) (1L << 53)));
  }

  /** A standard normal value from the row id and a seed (Box-Muller). */
  static Column normal(long seed) {
    Column u1 = lit(1.0).minus(uniform(seed)); // (0, 1]
    Column u2 = uniform(seed + 1);
    return sqrt(log(u1).multiply(-2.0)).multiply(cos(u2.multiply(2 * Math.PI)));
  }

  /**
   * A training set of {@code rows} rows shaped like ours: the key ({@value #KEY}), event_time
   * (unique per key), {@value #TRAIN_LABEL} (0.0 or 1.0) and the ten double features. Feature i is
   * {@code mean + sd * z_i} with z_i standard normal, null in {@value #TRAIN_NULL_SHARE} of the
   * rows; the label is 1 with probability {@code sigmoid(intercept + sum(weight_i * z_i))}: a noisy
   * logistic function of the features (the null ones included). Values come from hashes of the row
   * id, so the same arguments give the same rows.
   */
  static Dataset<Row> labeledRows(SparkSession spark, long rows, int entities) {
    List<Column> z = new ArrayList<>();
    for (int i = 0; i < TRAIN_FEATURES.size(); i++) {
      z.add(normal(1_000 + 10L * i).as("_z" + i));
    }
    List<Column> with = new ArrayList<>(List.of(col("id"), col(KEY), col("event_time")));
    with.addAll(z);
    Dataset<Row> base = keyedRows(spark, rows, entities, 11).select(with.toArray(Column[]::new));
    Column logit = lit(TRAIN_INTERCEPT);
    List<Column> out = new ArrayList<>(List.of(col(KEY), col("event_time")));
    for (int i = 0; i < TRAIN_FEATURES.size(); i++) {
      logit = logit.plus(col("_z" + i).multiply(TRAIN_FEATURES.get(i).weight()));
    }
    Column p = lit(1.0).divide(lit(1.0).plus(exp(logit.multiply(-1.0))));
    out.add(when(uniform(7_777).lt(p), lit(1.0)).otherwise(lit(0.0)).as(TRAIN_LABEL));
    for (int i = 0; i < TRAIN_FEATURES.size(); i++) {
      Numeric f = TRAIN_FEATURES.get(i);
      Column v = lit(f.mean()).plus(col("_z" + i).multiply(f.sd()));
      out.add(
          when(uniform(2_000 + i).lt(TRAIN_NULL_SHARE), lit(null).cast(DataTypes.DoubleType))
              .otherwise(v)
              .as(f.name()));
    }
    return base.select(out.toArray(Column[]::new));
  }

  private static void write(Path dir, String name, String text) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
