package dev.lakeops.bench.monitor;

import dev.lakeops.common.events.Rejection;
import dev.lakeops.flink.io.RawRecord;
import dev.lakeops.flink.monitoring.Label;
import dev.lakeops.flink.monitoring.MonitorInput;
import dev.lakeops.flink.monitoring.Parsers;
import dev.lakeops.flink.serving.Prediction;
import java.util.ArrayDeque;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The benchmark's label stream, interleaved with the predictions read from the log: each prediction
 * goes out, and the label of the prediction {@code delay} predictions earlier follows it, as a CSV
 * line ({@code event_id,label}) decoded by the monitoring job's own label decoder ({@link
 * Parsers#label}). So every label comes after its prediction, {@code delay} predictions late, in
 * the same order every run (two bounded sources, the log and a label directory, would be read in an
 * order that changes from run to run, and labels read long before their predictions wait past the
 * TTL). Labels drawn as missing ({@link MonitorData#label}) and those of the last {@code delay}
 * predictions never come: their predictions expire. The queue is not checkpointed (the benchmark
 * never restores).
 */
final class DelayedLabels extends ProcessFunction<Prediction, MonitorInput> {
  private static final long serialVersionUID = 1L;
  private static final String HEADER = "event_id,label";

  private final int delay;
  private transient ArrayDeque<String> queue;
  private transient long line;

  DelayedLabels(int delay) {
    this.delay = delay;
  }

  @Override
  public void processElement(Prediction p, Context ctx, Collector<MonitorInput> out) {
    if (queue == null) {
      queue = new ArrayDeque<>();
    }
    out.collect(MonitorInput.of(p));
    Double y = MonitorData.label(p.eventId(), p.probability()[1]);
    queue.add(y == null ? "" : p.eventId() + "," + (y == 1.0 ? "1" : "0"));
    if (queue.size() > delay) {
      String text = queue.poll();
      if (!text.isEmpty()) {
        line++;
        Object o =
            Parsers.label(
                new RawRecord("labels.csv:" + (line + 1), line, text, HEADER), "event_id", "label");
        if (o instanceof Label l) {
          out.collect(MonitorInput.of(l));
        } else if (o instanceof Rejection r) {
          ctx.output(Parsers.REJECTED, r);
        }
      }
    }
  }
}
