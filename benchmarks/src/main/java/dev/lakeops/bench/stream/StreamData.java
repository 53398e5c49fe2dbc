package dev.lakeops.bench.stream;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The online-store benchmark's input and project: {@code events} seeded events of {@code entities}
 * accounts ({@code account_id,ts,amount}: a key, epoch milliseconds, a dollar amount with two
 * decimals), event times strictly ascending and evenly spaced over {@code span}, each event's
 * account drawn uniformly; and a project with one source of them and one feature view: count, sum,
 * mean and max of the amount over each of {@code windows} (sliding, one row per event).
 */
final class StreamData {
  static final long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  static final String VIEW = "account_activity";
  static final String[] AGGS = {"count", "sum", "mean", "max"};

  final long events;
  final int entities;
  final Duration span;
  final long seed;

  /** Per account id, the time (epoch ms) of its latest event; -1 for an account without one. */
  final long[] latestMillis;

  StreamData(long events, int entities, Duration span, long seed) {
    this.events = events;
    this.entities = entities;
    this.span = span;
    this.seed = seed;
    this.latestMillis = new long[entities];
    java.util.Arrays.fill(latestMillis, -1);
  }

  /** The time between two events, in ms (at least 1, so that times are distinct). */
  long spacingMillis() {
    return Math.max(1, span.toMillis() / events);
  }

  /** The key text of account {@code id}. */
  static String key(int id) {
    return "acct" + id;
  }

  /** The account id of key text {@link #key}. */
  static int id(String key) {
    return Integer.parseInt(key, 4, key.length(), 10);
  }

  /** Writes the events (with a header line) to {@code file} and records each account's latest. */
  void write(Path file) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    long spacing = spacingMillis();
    Files.createDirectories(file.getParent());
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      w.write("account_id,ts,amount\n");
      StringBuilder line = new StringBuilder(48);
      for (long i = 0; i < events; i++) {
        int id = random.nextInt(entities);
        long ts = START + i * spacing;
        long cents = 100 + random.nextLong(50_000); // 1.00 to 500.99
        latestMillis[id] = ts;
        line.setLength(0);
        line.append(key(id)).append(',').append(ts).append(',');
        line.append(cents / 100).append('.');
        long c = cents % 100;
        line.append(c < 10 ? "0" : "").append(c).append('\n');
        w.append(line);
      }
    }
  }

  /** The feature names of the view, in its order: per window, {@link #AGGS}. */
  static List<String> featureNames(List<Duration> windows) {
    List<String> out = new ArrayList<>();
    for (Duration w : windows) {
      for (String a : AGGS) {
        out.add(a + "_" + days(w));
      }
    }
    return out;
  }

  static String days(Duration w) {
    return w.toDays() + "d";
  }

  /** Writes the benchmark's project (source {@code events} reading {@code eventsFile}). */
  static void writeProject(Path dir, Path eventsFile, List<Duration> windows) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("project.yaml"),
        "name: streambench\ndatabase: streambench\ndescription: The online-store benchmark.\n");
    Files.writeString(
        dir.resolve("entities.yaml"),
        "entities:\n  - {name: account, key: account_id, description: An account.}\n");
    Files.writeString(
        dir.resolve("sources.yaml"),
        "sources:\n"
            + "  - name: events\n"
            + "    format: csv\n"
            + "    path: "
            + eventsFile.toAbsolutePath()
            + "\n"
            + "    header: true\n"
            + "    entity: account\n"
            + "    event_time: {column: ts, unit: ms}\n"
            + "    schema:\n"
            + "      - {name: account_id, type: string, nullable: false}\n"
            + "      - {name: ts, type: long, nullable: false}\n"
            + "      - {name: amount, type: double, nullable: false, min: 0, max: 100000}\n");
    StringBuilder v = new StringBuilder();
    v.append("feature_views:\n  - name: ")
        .append(VIEW)
        .append("\n    entity: account\n    source: events\n    ttl: 365d\n    features:\n");
    for (Duration w : windows) {
      for (String a : AGGS) {
        v.append(
            String.format(
                Locale.ROOT,
                "      - {name: %s_%s, agg: %s,%s window: %s}%n",
                a,
                days(w),
                a,
                a.equals("count") ? "" : " expr: amount,",
                days(w)));
      }
    }
    Files.writeString(dir.resolve("feature_views.yaml"), v.toString());
  }
}
