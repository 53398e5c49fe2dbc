package dev.lakeops.bench.stream;

import dev.lakeops.common.online.FeatureRow;
import dev.lakeops.common.online.OnlineStore;
import dev.lakeops.common.online.OnlineStoreSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The baseline of the online-store benchmark: what a user would write by hand in bare Flink for the
 * benchmark's view. Lines of the events file are split on commas (the header skipped), keyed by
 * account, and a keyed function keeps the account's events within the longest window ({@link
 * Buffer}, heap state) and on each event's arrival emits count, sum, mean and max of the amounts in
 * {@code (t − window, t]} per window (sums folded in ascending time from 0.0, as ours); a sink
 * keeps the latest row per account and writes batches of them to the same online store as values
 * snapshots ({@link OnlineStore#write}). No validation, no dead letter, no event-time watermarks
 * (the rows are computed on arrival, right only because the generated times ascend), no feature
 * history.
 */
final class BareWindowJob {
  private BareWindowJob() {}

  static final TypeInformation<Tuple3<String, Long, Double>> EVENT =
      Types.TUPLE(Types.STRING, Types.LONG, Types.DOUBLE);
  static final TypeInformation<Tuple3<String, Long, double[]>> ROW =
      Types.TUPLE(
          Types.STRING, Types.LONG, PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO);

  /** Adds the job to {@code env}: the events file in, the store {@code spec} out. */
  static void build(
      StreamExecutionEnvironment env,
      String eventsFile,
      List<Duration> windows,
      OnlineStoreSpec spec,
      int batchSize) {
    long[] windowMillis = windows.stream().mapToLong(Duration::toMillis).toArray();
    List<String> names = StreamData.featureNames(windows);
    FileSource<String> files =
        FileSource.forRecordStreamFormat(new TextLineInputFormat(), new Path(eventsFile)).build();
    env.fromSource(files, WatermarkStrategy.noWatermarks(), "files")
        .flatMap(BareWindowJob::parse, EVENT)
        .name("parse")
        .keyBy(e -> e.f0, Types.STRING)
        .process(new Windows(windowMillis), ROW)
        .name("windows")
        .sinkTo(new StoreSink(spec, names, batchSize))
        .name("online store");
  }

  static void parse(String line, Collector<Tuple3<String, Long, Double>> out) {
    int a = line.indexOf(',');
    int b = line.indexOf(',', a + 1);
    if (a <= 0 || b < 0 || line.startsWith("account_id")) {
      return; // the header (or a line that is not an event)
    }
    out.collect(
        Tuple3.of(
            line.substring(0, a),
            Long.parseLong(line, a + 1, b, 10),
            Double.parseDouble(line.substring(b + 1))));
  }

  /** An account's events within the longest window, oldest first (heap state). */
  public static final class Buffer {
    public long[] times = new long[4];
    public double[] amounts = new double[4];
    public int size;

    public Buffer() {}

    void add(long t, double x) {
      if (size == times.length) {
        times = Arrays.copyOf(times, size * 2);
        amounts = Arrays.copyOf(amounts, size * 2);
      }
      times[size] = t;
      amounts[size] = x;
      size++;
    }

    /** Drops the events at or before {@code cut}. */
    void dropAtOrBefore(long cut) {
      int k = 0;
      while (k < size && times[k] <= cut) {
        k++;
      }
      if (k > 0) {
        System.arraycopy(times, k, times, 0, size - k);
        System.arraycopy(amounts, k, amounts, 0, size - k);
        size -= k;
      }
    }
  }

  /** Per account: per window count, sum, mean, max at each event, on arrival. */
  static final class Windows
      extends KeyedProcessFunction<
          String, Tuple3<String, Long, Double>, Tuple3<String, Long, double[]>> {
    private static final long serialVersionUID = 1L;
    private final long[] windowMillis;
    private final long longest;
    private transient ValueState<Buffer> state;

    Windows(long[] windowMillis) {
      this.windowMillis = windowMillis;
      this.longest = Arrays.stream(windowMillis).max().orElse(0);
    }

    @Override
    public void open(OpenContext ctx) {
      state =
          getRuntimeContext()
              .getState(new ValueStateDescriptor<>("buffer", TypeInformation.of(Buffer.class)));
    }

    @Override
    public void processElement(
        Tuple3<String, Long, Double> e, Context ctx, Collector<Tuple3<String, Long, double[]>> out)
        throws Exception {
      Buffer b = state.value();
      if (b == null) {
        b = new Buffer();
      }
      long t = e.f1;
      b.dropAtOrBefore(t - longest);
      b.add(t, e.f2);
      state.update(b);
      double[] values = new double[windowMillis.length * 4];
      for (int w = 0; w < windowMillis.length; w++) {
        long cut = t - windowMillis[w];
        long n = 0;
        double sum = 0.0;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < b.size; i++) {
          if (b.times[i] > cut) {
            double x = b.amounts[i];
            n++;
            sum += x;
            max = Math.max(max, x);
          }
        }
        values[4 * w] = n;
        values[4 * w + 1] = sum;
        values[4 * w + 2] = sum / n;
        values[4 * w + 3] = max;
      }
      out.collect(Tuple3.of(e.f0, t, values));
    }
  }

  /** Keeps the latest row per account and writes batches of values snapshots to the store. */
  static final class StoreSink implements Sink<Tuple3<String, Long, double[]>> {
    private static final long serialVersionUID = 1L;
    private final OnlineStoreSpec spec;
    private final List<String> names;
    private final int batchSize;

    StoreSink(OnlineStoreSpec spec, List<String> names, int batchSize) {
      this.spec = spec;
      this.names = List.copyOf(names);
      this.batchSize = batchSize;
    }

    @Override
    public SinkWriter<Tuple3<String, Long, double[]>> createWriter(WriterInitContext context) {
      OnlineStore store = spec.open();
      Map<String, Tuple3<String, Long, double[]>> pending = new LinkedHashMap<>();
      return new SinkWriter<>() {
        @Override
        public void write(Tuple3<String, Long, double[]> row, Context c) {
          pending.put(row.f0, row);
          if (pending.size() >= batchSize) {
            flush(false);
          }
        }

        @Override
        public void flush(boolean endOfInput) {
          if (pending.isEmpty()) {
            return;
          }
          List<FeatureRow> rows = new ArrayList<>(pending.size());
          for (Tuple3<String, Long, double[]> r : pending.values()) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
              double v = r.f2[i];
              values.put(names.get(i), i % 4 == 0 ? (Object) (long) v : (Object) v);
            }
            rows.add(new FeatureRow(r.f0, r.f1, values));
          }
          store.write(StreamData.VIEW, rows);
          pending.clear();
        }

        @Override
        public void close() {
          store.close();
        }
      };
    }
  }
}
