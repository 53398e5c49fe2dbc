package dev.lakeops.flink.demo;

import dev.lakeops.common.monitoring.ModelMonitoring;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes the replayed stream into the jobs' input directories, one new file per call (written under
 * a hidden name, then renamed, so a watching job never reads half a file). File names carry a
 * zero-padded sequence number: the offline pipeline numbers row-index rows across its files in name
 * order.
 */
final class Writer {
  private final ReplayRows replay;
  private final Path readings;
  private final Path online;
  private final Path requests;
  private final Path labels;
  private final ModelMonitoring.Labels labelColumns;
  private int files;

  Writer(
      ReplayRows replay,
      Path readings,
      Path online,
      Path requests,
      Path labels,
      ModelMonitoring.Labels labelColumns) {
    this.replay = replay;
    this.readings = readings;
    this.online = online;
    this.requests = requests;
    this.labels = labels;
    this.labelColumns = labelColumns;
  }

  /** Rows {@code [from, to)} as readings: CSV for the offline store, JSON lines for the online. */
  void readings(int from, int to) throws IOException {
    if (from >= to) {
      return;
    }
    StringBuilder csv = new StringBuilder(replay.header).append('\n');
    StringBuilder json = new StringBuilder();
    for (ReplayRows.Row r : replay.rows.subList(from, to)) {
      csv.append(r.csv()).append('\n');
      if (r.reading() != null) {
        json.append(r.reading()).append('\n');
      }
    }
    String name = String.format("part-%06d", files++);
    write(readings.resolve(name + ".csv"), csv);
    write(online.resolve(name + ".jsonl"), json);
  }

  /**
   * The serving requests of rows {@code [from, to)} (those with a label).
   *
   * @return how many
   */
  int requests(int from, int to) throws IOException {
    StringBuilder b = new StringBuilder();
    int n = 0;
    for (ReplayRows.Row r : replay.rows.subList(from, to)) {
      if (r.served()) {
        b.append(r.request()).append('\n');
        n++;
      }
    }
    if (n > 0) {
      write(requests.resolve(String.format("part-%06d.jsonl", files++)), b);
    }
    return n;
  }

  /** The labels of the requests of rows {@code [from, to)}, as CSV with a header. */
  void labels(int from, int to) throws IOException {
    StringBuilder b =
        new StringBuilder(labelColumns.eventIdColumn())
            .append(',')
            .append(labelColumns.labelColumn())
            .append('\n');
    int n = 0;
    for (ReplayRows.Row r : replay.rows.subList(from, to)) {
      if (r.served()) {
        double l = r.label();
        b.append(r.eventId())
            .append(',')
            .append(l == Math.rint(l) ? Long.toString((long) l) : Double.toString(l))
            .append('\n');
        n++;
      }
    }
    if (n > 0) {
      write(labels.resolve(String.format("part-%06d.csv", files++)), b);
    }
  }

  private static void write(Path file, CharSequence text) throws IOException {
    Path hidden = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(hidden, text);
    Files.move(hidden, file, StandardCopyOption.ATOMIC_MOVE);
  }
}
