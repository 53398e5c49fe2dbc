package dev.lakeops.flink.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.lakeops.flink.delta.KernelTables;
import io.delta.kernel.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving job's idempotency guard: lets an event line through to scoring only when no
 * prediction for its idempotency key is in the prediction log, or on its way there.
 *
 * <p>The idempotency key of an event is its {@code event_id} (text, or an integer as its decimal
 * text), or {@code sha256:<hex>} of the whole line when it has none. An event is passed on when
 *
 * <ul>
 *   <li>the key is not in this operator's keyed state (the keys this job, and every job it was
 *       restored from, has passed on since the last completed checkpoint it holds: the events whose
 *       predictions are committed with that checkpoint or on their way to the next one), and
 *   <li>the key is not an {@code event_id} of the prediction log as it was when the task started
 *       (every prediction committed before, by any earlier run: a fresh {@code --once} rerun, a
 *       resume from an older savepoint, another parallelism).
 * </ul>
 *
 * Keyed state and the Delta sink's commits are snapshotted by the same checkpoint, so after a
 * failure the restored state holds exactly the keys whose predictions the restored committables
 * carry, and replayed events are scored once more only when their earlier prediction was never
 * committed. Events sent to the dead letter are marked too: a repeated key is not retried within a
 * job, but a new run retries it (the dead letter is not read at start).
 *
 * <p>Each subtask reads only the log's {@code event_id} column and keeps the ids of its own key
 * groups. The state holds one marker per key and grows with the number of events scored: use a
 * RocksDB state backend for long-running jobs with many events.
 */
public final class LoggedOnce extends KeyedProcessFunction<String, String, String> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(LoggedOnce.class);

  /** Accumulator: events skipped because their prediction was already logged or on its way. */
  public static final String SKIPPED = "serve-already-logged";

  private final String predictionLog;
  private transient ValueState<Boolean> passed;
  private transient Set<String> logged;
  private transient LongCounter skipped;

  /**
   * @param predictionLog the model's prediction log (a Delta table, possibly not yet created)
   */
  public LoggedOnce(String predictionLog) {
    this.predictionLog = predictionLog;
  }

  @Override
  public void open(OpenContext context) {
    passed = getRuntimeContext().getState(new ValueStateDescriptor<>("passed-on", Types.BOOLEAN));
    skipped = new LongCounter();
    getRuntimeContext().addAccumulator(SKIPPED, skipped);
    var task = getRuntimeContext().getTaskInfo();
    logged =
        loggedIds(
            predictionLog,
            task.getMaxNumberOfParallelSubtasks(),
            task.getNumberOfParallelSubtasks(),
            task.getIndexOfThisSubtask());
    LOG.info(
        "{}: subtask {} holds {} event ids already logged",
        predictionLog,
        task.getIndexOfThisSubtask(),
        logged.size());
  }

  /**
   * The {@code event_id}s of the committed predictions that a keyed subtask owns.
   *
   * @param maxParallelism the job's max parallelism (the number of key groups)
   */
  static Set<String> loggedIds(
      String predictionLog, int maxParallelism, int parallelism, int subtask) {
    KernelTables tables = new KernelTables();
    Optional<Snapshot> snapshot = tables.snapshot(predictionLog);
    Set<String> ids = new HashSet<>();
    if (snapshot.isEmpty()) {
      return ids;
    }
    for (Map<String, Object> row :
        tables.readAll(snapshot.get(), List.of(PredictionLog.EVENT_ID), null)) {
      String id = (String) row.get(PredictionLog.EVENT_ID);
      if (id != null
          && KeyGroupRangeAssignment.assignKeyToParallelOperator(id, maxParallelism, parallelism)
              == subtask) {
        ids.add(id);
      }
    }
    return ids;
  }

  @Override
  public void processElement(String line, Context ctx, Collector<String> out) throws IOException {
    String key = ctx.getCurrentKey();
    if (passed.value() != null || logged.contains(key)) {
      skipped.add(1);
      return;
    }
    passed.update(Boolean.TRUE);
    out.collect(line);
  }

  /**
   * An event line's idempotency key: its top-level {@code event_id} (non-empty text, or an
   * integer's decimal text, as {@link EventParser} reads it), else {@code sha256:<hex>} of the line
   * (malformed lines and lines without an id).
   */
  public static final class Key implements KeySelector<String, String> {
    private static final long serialVersionUID = 1L;
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public String getKey(String line) {
      return of(line);
    }

    public static String of(String line) {
      String id = eventId(line);
      return id != null ? id : "sha256:" + sha256(line);
    }

    private static String eventId(String line) {
      String found = null;
      try (JsonParser p = JSON.createParser(line)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          return null;
        }
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken v = p.nextToken();
          if (name.equals(EventParser.EVENT_ID)) {
            // the last one wins, as in a parsed tree
            found =
                v == JsonToken.VALUE_STRING && !p.getText().isEmpty()
                    ? p.getText()
                    : v == JsonToken.VALUE_NUMBER_INT ? p.getText() : null;
          } else {
            p.skipChildren();
          }
        }
        return t == JsonToken.END_OBJECT ? found : null;
      } catch (IOException e) {
        return null; // malformed: keyed by its content
      }
    }

    static String sha256(String line) {
      try {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        return HexFormat.of().formatHex(d.digest(line.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
