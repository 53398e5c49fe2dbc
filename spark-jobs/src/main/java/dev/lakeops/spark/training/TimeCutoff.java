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
import java.util.OptionalDouble;
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
 * Then {@link #cutoff} counts the times below the lower value and groups those between the two (a
 * few hundred per million rows), and reads the exact values at the two ranks from them ({@link
 * #fromBand}). When the band misses a rank (small or heavily tied sets), it falls back to Spark's
 * {@code percentile}, whose merge is cheap at that size.
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

  /** The cutoff of {@code rows} alone: the {@link #sketch} pass, then {@link #cutoff}. */
  static Double of(Dataset<Row> rows, Column include, double p) {
    List<Column> sketch = sketch(include, p);
    Row r = rows.agg(sketch.get(0), sketch.get(1)).head();
    return fromSketch(rows, include, p, r, 0);
  }

  /**
   * The cutoff from the {@link #sketch} values at {@code at} and {@code at + 1} of {@code facts}.
   */
  static Double fromSketch(Dataset<Row> rows, Column include, double p, Row facts, int at) {
    long n = facts.getLong(at);
    if (n == 0) {
      return null;
    }
    List<Object> q = facts.getList(at + 1);
    return cutoff(
        rows, include, p, n, ((Number) q.get(0)).longValue(), ((Number) q.get(1)).longValue());
  }

  /**
   * The exact cutoff from the facts pass's {@link #sketch} values: one grouped pass over the times
   * between {@code lo} and {@code hi} (or Spark's {@code percentile} when they miss the ranks).
   *
   * @param rows the training set's rows
   * @param include which rows count (the labeled ones)
   * @param p the percentile, in [0, 1]
   * @param n the number of included non-null times (from the sketch); 0 gives null
   * @return the cutoff in epoch µs, or null when no time is included
   */
  static Double cutoff(Dataset<Row> rows, Column include, double p, long n, long lo, long hi) {
    if (n == 0) {
      return null;
    }
    OptionalDouble v = banded(rows, include, p, n, lo, hi);
    return v.isPresent() ? v.getAsDouble() : exact(rows, include, p);
  }

  /**
   * The cutoff from the times between {@code lo} and {@code hi} (one grouped count); empty when
   * they miss a rank it needs.
   */
  static OptionalDouble banded(
      Dataset<Row> rows, Column include, double p, long n, long lo, long hi) {
    Column m = micros(include);
    List<Row> counted =
        rows.filter(m.leq(lit(hi)))
            .groupBy(when(m.geq(lit(lo)), m).as("t"))
            .count()
            .collectAsList();
    long below = 0;
    long[][] band = new long[2][counted.size()];
    int size = 0;
    for (Row r : counted) {
      if (r.isNullAt(0)) {
        below = r.getLong(1);
      } else {
        band[0][size] = r.getLong(0);
        band[1][size++] = r.getLong(1);
      }
    }
    return fromBand(below, sorted(band, size), n, p);
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
   * @param band the band's distinct values ({@code band[0]}, ascending) and their counts ({@code
   *     band[1]})
   */
  static OptionalDouble fromBand(long below, long[][] band, long n, double p) {
    double position = PercentileRule.position(n, p);
    int lowerAt = indexOfRank(below, band[1], PercentileRule.lower(position));
    int higherAt = indexOfRank(below, band[1], PercentileRule.higher(position));
    if (lowerAt < 0 || higherAt < 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(
        PercentileRule.value(position, (double) band[0][lowerAt], (double) band[0][higherAt]));
  }

  /** The band index holding the value of 0-based rank {@code rank}, or -1 outside the band. */
  private static int indexOfRank(long below, long[] counts, long rank) {
    if (rank < below) {
      return -1;
    }
    long through = below;
    for (int i = 0; i < counts.length; i++) {
      through += counts[i];
      if (through > rank) {
        return i;
      }
    }
    return -1;
  }

  private static long[][] sorted(long[][] band, int size) {
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Long.compare(band[0][a], band[0][b]));
    long[][] out = new long[2][size];
    for (int i = 0; i < size; i++) {
      out[0][i] = band[0][order[i]];
      out[1][i] = band[1][order[i]];
    }
    return out;
  }
}
