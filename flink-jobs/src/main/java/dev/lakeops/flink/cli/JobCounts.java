package dev.lakeops.flink.cli;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * Counts of a job's records for the summary a command prints at the end ({@code serve --once}:
 * "done in 2.1 s: 120 events scored, 3 events to the dead letter"). Each counted stream gets a
 * counting branch (a Flink accumulator, summed over the subtasks by the JobManager) that ends in a
 * discarding sink; the job's own outputs are untouched.
 */
final class JobCounts {
  /** The accumulator of the predictions (events scored). */
  static final String SCORED = "lakeops-scored";

  /** The accumulator of the events sent to the dead letter. */
  static final String DEAD_LETTERS = "lakeops-dead-letters";

  private JobCounts() {}

  /** Counts {@code stream}'s records into the accumulator {@code name}. */
  static <T> void count(DataStream<T> stream, String name) {
    stream
        .flatMap(new Count<T>(name))
        .returns(Long.class)
        .name("count " + name)
        .uid("count-" + name)
        .sinkTo(new DiscardingSink<>())
        .name("discard " + name)
        .uid("discard-" + name);
  }

  /** The accumulator's total at the end of the job; 0 when nothing was counted. */
  static long get(JobExecutionResult result, String name) {
    Object v = result.getAllAccumulatorResults().get(name);
    return v instanceof Number n ? n.longValue() : 0L;
  }

  private static final class Count<T> extends RichFlatMapFunction<T, Long> {
    private static final long serialVersionUID = 1L;
    private final String name;
    private transient LongCounter counter;

    Count(String name) {
      this.name = name;
    }

    @Override
    public void open(OpenContext context) {
      counter = new LongCounter();
      getRuntimeContext().addAccumulator(name, counter);
    }

    @Override
    public void flatMap(T value, Collector<Long> out) {
      counter.add(1L);
    }
  }
}
