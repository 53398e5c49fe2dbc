package dev.lakeops.flink.cli;

import java.io.Serializable;
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
 * counting branch (Flink accumulators, summed over the subtasks by the JobManager) that ends in a
 * discarding sink; the job's own outputs are untouched.
 */
final class JobCounts {
  /** The accumulator of the predictions (events scored). */
  static final String SCORED = "lakeops-scored";

  /** The accumulator of the events sent to the dead letter. */
  static final String DEAD_LETTERS = "lakeops-dead-letters";

  /** Which accumulator a record counts in; null counts it in none. */
  @FunctionalInterface
  interface Classifier<T> extends Serializable {
    String accumulator(T record);
  }

  private JobCounts() {}

  /** Counts {@code stream}'s records into the accumulator {@code name}. */
  static <T> void count(DataStream<T> stream, String name) {
    countBy(stream, name, r -> name, name);
  }

  /**
   * Counts each record of {@code stream} into the accumulator {@code classifier} names (several
   * counts from one branch).
   *
   * @param id names the branch's operators (unique in the job)
   * @param accumulators every name {@code classifier} may return (each is registered, so a count of
   *     nothing is 0)
   */
  static <T> void countBy(
      DataStream<T> stream, String id, Classifier<T> classifier, String... accumulators) {
    stream
        .flatMap(new Count<T>(classifier, accumulators))
        .returns(Long.class)
        .name("count " + id)
        .uid("count-" + id)
        .sinkTo(new DiscardingSink<>())
        .name("discard " + id)
        .uid("discard-" + id);
  }

  /** The accumulator's total at the end of the job; 0 when nothing was counted. */
  static long get(JobExecutionResult result, String name) {
    Object v = result.getAllAccumulatorResults().get(name);
    return v instanceof Number n ? n.longValue() : 0L;
  }

  private static final class Count<T> extends RichFlatMapFunction<T, Long> {
    private static final long serialVersionUID = 1L;
    private final Classifier<T> classifier;
    private final String[] names;
    private transient java.util.Map<String, LongCounter> counters;

    Count(Classifier<T> classifier, String[] names) {
      this.classifier = classifier;
      this.names = names;
    }

    @Override
    public void open(OpenContext context) {
      counters = new java.util.HashMap<>();
      for (String name : names) {
        counter(name);
      }
    }

    private LongCounter counter(String name) {
      return counters.computeIfAbsent(
          name,
          n -> {
            LongCounter c = new LongCounter();
            getRuntimeContext().addAccumulator(n, c);
            return c;
          });
    }

    @Override
    public void flatMap(T value, Collector<Long> out) {
      String name = classifier.accumulator(value);
      if (name != null) {
        counter(name).add(1L);
      }
    }
  }
}
