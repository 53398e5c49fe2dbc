package dev.lakeops.spark.training;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import dev.lakeops.common.training.ModelSpec;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The time split's cutoff: the exact {@code p = 1 - holdout} percentile of the labeled rows' event
 * times, in epoch microseconds, by the rule of Spark SQL's {@code percentile} ({@link
 * PercentileRule}), bit for bit.
 *
 * <p>Spark's {@code percentile} merges a count per distinct value of every partition in one task
 * and sorts them all: about 2 s of a single core for a million distinct times. Here the facts pass
 * carries {@link #sketch} instead: the count of the times and {@code percentile_approx} at the
 * ranks {@code p ± }{@value #BAND} (rank error at most {@code n / }{@value #ACCURACY}, so the two
 * values enclose the ranks wanted once {@code n} is above about {@code 2 * }{@value #ACCURACY}).
 * Then {@link #fromSketch} counts the times below the lower value and groups those between the two
 * (about {@code 2 * BAND} of the times by construction: some 600 per million, fewer with ties), and
 * reads the exact values at the two ranks from them ({@link #fromBand}). When the band misses a
 * rank (small or heavily tied sets), it falls back to Spark's {@code percentile}, whose merge is
 * cheap at that size.
 */
final class TimeCutoff {
  private TimeCutoff() {}

  /** The accuracy of the sketch ({@code percentile_approx}'s rank error is n / accuracy). */
  static final int ACCURACY = 10_000;

  /** Half the width of the band of ranks around p, as a share of the rows. */
  static final double BAND = 3.0 / ACCURACY;

  /** The epoch-µs event time of the rows where {@code include} holds; null elsewhere. */
  static Column micros(Column include) {
    return when(include, unix_micros(col(ModelSpec.EVENT_TIME)));
  }

  /**
   * The two aggregates the facts pass adds: the count of the included rows' non-null event times (a
   * long) and the approximate percentiles at {@code p - BAND} and {@code p + BAND} (an array of two
   * longs; null when no time is included).
   */
  static List<Column> sketch(Column include, double p) {
    Column m = micros(include);
    return List.of(
        count(m),
        percentile_approx(
            m, array(lit(Math.max(0.0, p - BAND)), lit(Math.min(1.0, p + BAND))), lit(ACCURACY)));
  }

  /** The cutoff of {@code rows} alone: the {@link #sketch} pass, then {@link #fromSketch}. */
  static Double of(Dataset<Row> rows, Column include, double p) {
    List<Column> sketch = sketch(include, p);
    Row r = rows.agg(sketch.get(0), sketch.get(1)).head();
    return fromSketch(rows, include, p, r, 0);
  }

  /**
   * The exact cutoff from the {@link #sketch} values at {@code at} and {@code at + 1} of {@code
   * facts}: one grouped pass over the times between the two approximate values ({@link #banded}),
   * or Spark's {@code percentile} when they miss the ranks ({@link #exact}).
   *
   * @param rows the training set's rows
   * @param include which rows count (the labeled ones)
   * @param p the percentile, in [0, 1]
   * @return the cutoff in epoch µs, or null when no time is included
   */
  static Double fromSketch(Dataset<Row> rows, Column include, double p, Row facts, int at) {
    long n = facts.getLong(at);
    if (n == 0) {
      return null;
    }
    List<Object> q = facts.getList(at + 1);
    long lo = ((Number) q.get(0)).longValue();
    long hi = ((Number) q.get(1)).longValue();
    OptionalDouble v = banded(rows, include, p, n, lo, hi);
    return v.isPresent() ? v.getAsDouble() : exact(rows, include, p);
  }

  /**
   * The cutoff of {@code n} included times from those between {@code lo} and {@code hi} (one
   * grouped count, the times below {@code lo} counted as one group); empty when they miss a rank it
   * needs.
   */
  static OptionalDouble banded(
      Dataset<Row> rows, Column include, double p, long n, long lo, long hi) {
    Column m = micros(include);
    long below = 0;
    TreeMap<Long, Long> band = new TreeMap<>();
    for (Row r :
        rows.filter(m.leq(lit(hi)))
            .groupBy(when(m.geq(lit(lo)), m).as("t"))
            .count()
            .collectAsList()) {
      if (r.isNullAt(0)) {
        below = r.getLong(1);
      } else {
        band.put(r.getLong(0), r.getLong(1));
      }
    }
    return fromBand(below, band, n, p);
  }

  /** Spark's {@code percentile} of the included times (null when there is none). */
  static Double exact(Dataset<Row> rows, Column include, double p) {
    Row r = rows.agg(percentile(micros(include), lit(p))).head();
    return r.isNullAt(0) ? null : r.getDouble(0);
  }

  /**
   * The percentile {@code p} of {@code n} values from the {@code below} values under a band and the
   * band's distinct values with their counts, by Spark's {@code percentile} rule; empty when a rank
   * it needs lies outside the band.
   *
   * @param band the band's distinct values, ascending, each with its count
   */
  static OptionalDouble fromBand(long below, NavigableMap<Long, Long> band, long n, double p) {
    double position = PercentileRule.position(n, p);
    Long atLower = valueOfRank(below, band, PercentileRule.lower(position));
    Long atHigher = valueOfRank(below, band, PercentileRule.higher(position));
    if (atLower == null || atHigher == null) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(PercentileRule.value(position, atLower, atHigher));
  }

  /** The band's value of 0-based rank {@code rank}, or null outside the band. */
  private static Long valueOfRank(long below, NavigableMap<Long, Long> band, long rank) {
    if (rank < below) {
      return null;
    }
    long through = below;
    for (Map.Entry<Long, Long> e : band.entrySet()) {
      through += e.getValue();
      if (through > rank) {
        return e.getKey();
      }
    }
    return null;
  }
}
