package dev.lakeops.flink.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.config.LabelConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.events.Decoded;
import dev.lakeops.common.events.SourceDecoder;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.common.expr.ExprEvaluator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of the demo's source file in time order, each with what the replay writes for it: the
 * CSV line (for the offline store's input directory), the same reading as a JSON object with an
 * explicit {@code event_time} (for the online-store job, which cannot number rows across files),
 * the request that asks for a prediction at the row's time, and that prediction's label.
 *
 * <p>Times come from the project's own decoder ({@link SourceDecoder}: row-index event time), the
 * label from the label's expression on the row {@code ahead} later ({@link LabelConfig#ahead()}),
 * as the training set attaches it; the last rows, whose label lies past the end of the data, have
 * none. Rows the decoder rejects are written for the stores (they quarantine them) and asked no
 * prediction.
 */
final class ReplayRows {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One row.
   *
   * @param timeMillis the event time, epoch ms
   * @param csv the line as in the source file
   * @param reading the reading as one JSON line with {@code event_time}, or null when rejected
   * @param request the serving request as one JSON line ({@code event_id}, the entity key column,
   *     {@code event_time}), or null when rejected
   * @param eventId the request's event id, or null
   * @param entityKey the row's entity key, or null when rejected
   * @param label the label of the prediction at this time (class index), or null when unknown
   */
  record Row(
      long timeMillis,
      String csv,
      String reading,
      String request,
      String eventId,
      String entityKey,
      Double label) {
    /** Whether the demo asks a prediction at this row (it has an event and a label). */
    boolean served() {
      return request != null && label != null;
    }
  }

  final String header;
  final List<Row> rows;

  private ReplayRows(String header, List<Row> rows) {
    this.header = header;
    this.rows = rows;
  }

  /**
   * Reads the label's source file.
   *
   * @param limit the number of data rows to keep, or null for all
   * @throws UsageException when the source is not one local CSV file with a header and row-index
   *     time, or the label has no value expression
   */
  static ReplayRows read(ProjectConfig p, LabelConfig label, Integer limit) {
    SourceConfig source = p.sources().get(label.source());
    if (source.path() == null || label.value() == null) {
      throw new UsageException(
          "demo",
          "the demo replays a label with a value expression over a file source; label '"
              + label.name()
              + "' of "
              + p.dir()
              + " is not one.");
    }
    Path file = Path.of(p.resolvePath(source.path()));
    List<String> lines;
    try {
      lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    if (!source.header() || lines.size() < 2) {
      throw new UsageException(
          "demo", file + " is not a CSV file with a header line and data rows.");
    }
    String header = lines.get(0);
    String keyColumn = p.entities().get(source.entity()).key();
    SourceDecoder decoder = new SourceDecoder(source);
    int n = limit == null ? lines.size() - 1 : Math.min(limit, lines.size() - 1);
    List<SourceEvent> events = new ArrayList<>(n);
    Map<Long, Double> labelAt = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Decoded d = decoder.decode(lines.get(i + 1), header, i, file + ":" + (i + 2));
      SourceEvent e = d instanceof SourceEvent ev ? ev : null;
      events.add(e);
      if (e != null) {
        labelAt.put(e.eventTimeMicros() / 1000, labelValue(source, label, e));
      }
    }
    long aheadMillis = label.ahead() == null ? 0 : label.ahead().toMillis();
    long stepMillis = stepMillis(events);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      SourceEvent e = events.get(i);
      String csv = lines.get(i + 1);
      if (e == null) {
        long t = rows.isEmpty() ? 0 : rows.get(i - 1).timeMillis + stepMillis;
        rows.add(new Row(t, csv, null, null, null, null, null));
        continue;
      }
      long t = e.eventTimeMicros() / 1000;
      String at = Instant.ofEpochMilli(t).toString();
      Map<String, Object> reading = new LinkedHashMap<>();
      for (int c = 0; c < source.schema().size(); c++) {
        reading.put(source.schema().get(c).name(), e.values()[c]);
      }
      reading.put(SourceDecoder.EVENT_TIME, at);
      String id = p.name() + "-" + i;
      Map<String, Object> request = new LinkedHashMap<>();
      request.put("event_id", id);
      request.put(keyColumn, e.entityKey());
      request.put("event_time", at);
      rows.add(
          new Row(
              t,
              csv,
              json(reading),
              json(request),
              id,
              e.entityKey(),
              labelAt.get(t + aheadMillis)));
    }
    return new ReplayRows(header, rows);
  }

  /** The time between the first two decoded rows (for rows the decoder rejected), or 0. */
  private static long stepMillis(List<SourceEvent> events) {
    SourceEvent first = null;
    for (SourceEvent e : events) {
      if (e != null && first != null) {
        return (e.eventTimeMicros() - first.eventTimeMicros()) / 1000;
      }
      first = e == null ? first : e;
    }
    return 0;
  }

  private static Double labelValue(SourceConfig source, LabelConfig label, SourceEvent e) {
    Map<String, Integer> index = new HashMap<>();
    for (int c = 0; c < source.schema().size(); c++) {
      index.put(source.schema().get(c).name(), c);
    }
    Object v =
        ExprEvaluator.eval(
            label.value(), name -> index.containsKey(name) ? e.values()[index.get(name)] : null);
    if (v instanceof Boolean b) {
      return b ? 1.0 : 0.0;
    }
    return v instanceof Number num ? num.doubleValue() : null;
  }

  private static String json(Map<String, Object> m) {
    try {
      return JSON.writeValueAsString(m);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
