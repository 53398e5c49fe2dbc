package dev.lakeops.common.monitoring.drift;

import dev.lakeops.common.error.Errors;
import dev.lakeops.common.training.ReferenceProfile.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * The window side of drift monitoring for one model input (or the prediction): a bounded, mergeable
 * summary of the values one event-time window saw, that a streaming job keeps in keyed state as
 * {@link #toBytes()} and compares with the input's {@link ReferenceColumn} through {@link
 * DriftStatistics}. Its size does not grow with the window.
 *
 * <ul>
 *   <li>{@link Kind#NUMERIC}: a KLL doubles sketch ({@link QuantileSketches}, k = 200: exact while
 *       it holds at most 200 values, then within {@link QuantileSketches#rankError()}), the row
 *       count, the missing count (null or NaN) and the count of values outside the reference range
 *       {@code [rangeMin, rangeMax]} given at creation (counted exactly, not from the sketch), and,
 *       when the reference has {@link DecileBins}, the exact count of values in each bin (so PSI
 *       and Jensen-Shannon are exact and the same in every run, whatever the sketch's random
 *       compactions did).
 *   <li>{@link Kind#CATEGORICAL}: the count of each distinct value (as text), at most {@code
 *       maxCategories} of them: the first {@code maxCategories} distinct values seen are kept, and
 *       any later new value is only added to {@link #otherCount()}; plus the missing count (null).
 *       Counts are exact while the window has at most {@code maxCategories} distinct values.
 *       Merging keeps this window's values first, then the other's in its order, with the same
 *       bound.
 * </ul>
 *
 * <p>Not thread-safe; one instance per key and window, as keyed state is.
 */
public final class FeatureWindow {
  /** The default bound on a categorical window's distinct values (10× the reference's top 100). */
  public static final int DEFAULT_MAX_CATEGORIES = 1000;

  /** Format 2 adds the bin counts; format 1 (no bins) is still read, from older state. */
  private static final byte FORMAT = 2;

  private final Kind kind;
  private long rows;
  private long missing;
  // numeric
  private final double rangeMin;
  private final double rangeMax;
  private long outOfRange;
  private final KllDoublesSketch sketch;
  private final DecileBins bins;
  private final long[] binCounts;
  // categorical
  private final int maxCategories;
  private final LinkedHashMap<String, Long> categories;
  private long otherCount;

  private FeatureWindow(
      Kind kind,
      double rangeMin,
      double rangeMax,
      KllDoublesSketch sketch,
      DecileBins bins,
      int maxCategories) {
    this.kind = kind;
    this.rangeMin = rangeMin;
    this.rangeMax = rangeMax;
    this.sketch = sketch;
    this.bins = bins;
    this.binCounts = bins == null ? null : new long[bins.count()];
    this.maxCategories = maxCategories;
    this.categories = kind == Kind.CATEGORICAL ? new LinkedHashMap<>() : null;
  }

  /**
   * An empty numeric window whose out-of-range count counts values below {@code rangeMin} or above
   * {@code rangeMax} (the reference's min and max; pass infinities for no range).
   *
   * @throws IllegalArgumentException when a bound is NaN or {@code rangeMin > rangeMax}
   */
  public static FeatureWindow numeric(double rangeMin, double rangeMax) {
    return numeric(rangeMin, rangeMax, null);
  }

  /**
   * An empty numeric window as {@link #numeric(double, double)}, that also counts its values in
   * {@code bins} (the reference's; null for none).
   *
   * @throws IllegalArgumentException when a bound is NaN or {@code rangeMin > rangeMax}
   */
  public static FeatureWindow numeric(double rangeMin, double rangeMax, DecileBins bins) {
    if (Double.isNaN(rangeMin) || Double.isNaN(rangeMax) || rangeMin > rangeMax) {
      throw new IllegalArgumentException(
          "a numeric window's range must be rangeMin <= rangeMax, got ["
              + rangeMin
              + ", "
              + rangeMax
              + "]");
    }
    return new FeatureWindow(
        Kind.NUMERIC, rangeMin, rangeMax, QuantileSketches.newSketch(), bins, 0);
  }

  /** An empty numeric window with no range: its out-of-range count stays 0. */
  public static FeatureWindow numeric() {
    return numeric(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  /**
   * An empty categorical window keeping at most {@code maxCategories} distinct values.
   *
   * @throws IllegalArgumentException when {@code maxCategories < 1}
   */
  public static FeatureWindow categorical(int maxCategories) {
    if (maxCategories < 1) {
      throw new IllegalArgumentException("maxCategories must be at least 1, got " + maxCategories);
    }
    return new FeatureWindow(Kind.CATEGORICAL, Double.NaN, Double.NaN, null, null, maxCategories);
  }

  /** An empty categorical window keeping at most {@value #DEFAULT_MAX_CATEGORIES} values. */
  public static FeatureWindow categorical() {
    return categorical(DEFAULT_MAX_CATEGORIES);
  }

  /**
   * Adds one row's numeric value; NaN counts as missing.
   *
   * @throws IllegalStateException on a categorical window
   */
  public void add(double value) {
    requireKind(Kind.NUMERIC);
    if (Double.isNaN(value)) {
      addMissing();
      return;
    }
    rows++;
    if (value < rangeMin || value > rangeMax) {
      outOfRange++;
    }
    if (bins != null) {
      binCounts[bins.index(value)]++;
    }
    sketch.update(value);
  }

  /**
   * Adds one row's categorical value (as text); null counts as missing.
   *
   * @throws IllegalStateException on a numeric window
   */
  public void add(String value) {
    requireKind(Kind.CATEGORICAL);
    if (value == null) {
      addMissing();
      return;
    }
    rows++;
    addCount(value, 1);
  }

  /** Adds one row with no value (null, or NaN for a numeric input). */
  public void addMissing() {
    rows++;
    missing++;
  }

  private void addCount(String value, long count) {
    Long had = categories.get(value);
    if (had != null) {
      categories.put(value, had + count);
    } else if (categories.size() < maxCategories) {
      categories.put(value, count);
    } else {
      otherCount += count;
    }
  }

  /**
   * Adds {@code other}'s rows to this window (the union of the two windows' rows) and returns this.
   * Numeric: the sketches merge (same error bound), the bin counts add. Categorical: see the class
   * comment.
   *
   * @throws IllegalArgumentException when the kinds, numeric ranges or bins, or categorical bounds
   *     differ
   */
  public FeatureWindow merge(FeatureWindow other) {
    if (other.kind != kind) {
      throw new IllegalArgumentException(
          "cannot merge a " + other.kind + " window into a " + kind + " one");
    }
    rows += other.rows;
    missing += other.missing;
    if (kind == Kind.NUMERIC) {
      if (Double.compare(rangeMin, other.rangeMin) != 0
          || Double.compare(rangeMax, other.rangeMax) != 0) {
        throw new IllegalArgumentException(
            "cannot merge windows of different reference ranges: ["
                + rangeMin
                + ", "
                + rangeMax
                + "] and ["
                + other.rangeMin
                + ", "
                + other.rangeMax
                + "]");
      }
      if (!java.util.Objects.equals(bins, other.bins)) {
        throw new IllegalArgumentException(
            "cannot merge windows of different drift bins: " + bins + " and " + other.bins);
      }
      outOfRange += other.outOfRange;
      if (bins != null) {
        for (int i = 0; i < binCounts.length; i++) {
          binCounts[i] += other.binCounts[i];
        }
      }
      sketch.merge(other.sketch);
    } else {
      if (maxCategories != other.maxCategories) {
        throw new IllegalArgumentException(
            "cannot merge windows of different category bounds: "
                + maxCategories
                + " and "
                + other.maxCategories);
      }
      other.categories.forEach(this::addCount);
      otherCount += other.otherCount;
    }
    return this;
  }

  public Kind kind() {
    return kind;
  }

  /** The rows added: present values and missing ones. */
  public long rows() {
    return rows;
  }

  /** The rows with no value. */
  public long missing() {
    return missing;
  }

  /** The rows with a value. */
  public long present() {
    return rows - missing;
  }

  /** Numeric: the present values outside {@code [rangeMin, rangeMax]}; 0 for categorical. */
  public long outOfRange() {
    return outOfRange;
  }

  /** Numeric: the low end of the reference range (NaN for categorical). */
  public double rangeMin() {
    return rangeMin;
  }

  /** Numeric: the high end of the reference range (NaN for categorical). */
  public double rangeMax() {
    return rangeMax;
  }

  /** Categorical: the kept values and their counts, first seen first (unmodifiable); else empty. */
  public Map<String, Long> categories() {
    return categories == null ? Map.of() : Collections.unmodifiableMap(categories);
  }

  /** Categorical: the present rows whose value was not kept (beyond {@code maxCategories}). */
  public long otherCount() {
    return otherCount;
  }

  /** Categorical: the bound on kept distinct values; 0 for numeric. */
  public int maxCategories() {
    return maxCategories;
  }

  /** Numeric: the reference's bins this window counts in; null when it has none. */
  public DecileBins bins() {
    return bins;
  }

  /** Numeric: the present values in each of {@link #bins()} (a copy); null when no bins. */
  public long[] binCounts() {
    return binCounts == null ? null : binCounts.clone();
  }

  /** Numeric: whether the sketch still holds every value (its CDF is the sample's exactly). */
  public boolean exact() {
    return kind == Kind.CATEGORICAL ? otherCount == 0 : !sketch.isEstimationMode();
  }

  /** Numeric: the window's sketch (live, not a copy); null for categorical. */
  KllDoublesSketch sketch() {
    return sketch;
  }

  /**
   * The window serialized: a format byte, the kind, the counts, then the numeric range, the bins
   * (edge count k, or -1 for none; the k edges; the k + 1 counts) and DataSketches' serialized
   * sketch, or the categorical bound and its (UTF-8 value, count) pairs.
   */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeByte(kind == Kind.NUMERIC ? 0 : 1);
      out.writeLong(rows);
      out.writeLong(missing);
      if (kind == Kind.NUMERIC) {
        out.writeDouble(rangeMin);
        out.writeDouble(rangeMax);
        out.writeLong(outOfRange);
        if (bins == null) {
          out.writeInt(-1);
        } else {
          double[] edges = bins.edges();
          out.writeInt(edges.length);
          for (double e : edges) {
            out.writeDouble(e);
          }
          for (long c : binCounts) {
            out.writeLong(c);
          }
        }
        byte[] s = QuantileSketches.toBytes(sketch);
        out.writeInt(s.length);
        out.write(s);
      } else {
        out.writeInt(maxCategories);
        out.writeLong(otherCount);
        out.writeInt(categories.size());
        for (Map.Entry<String, Long> e : categories.entrySet()) {
          byte[] v = e.getKey().getBytes(StandardCharsets.UTF_8);
          out.writeInt(v.length);
          out.write(v);
          out.writeLong(e.getValue());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * The window {@link #toBytes()} wrote.
   *
   * @throws dev.lakeops.common.error.LakeOpsException when the bytes are not a serialized window of
   *     this format (state of an incompatible version, or damaged)
   */
  public static FeatureWindow fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int format = in.readByte();
      if (format != FORMAT && format != 1) {
        throw Errors.notASerializedFeatureWindow(
            "format " + format + ", expected " + FORMAT + " (or 1)", null);
      }
      int kind = in.readByte();
      long rows = in.readLong();
      long missing = in.readLong();
      FeatureWindow w;
      if (kind == 0) {
        double lo = in.readDouble();
        double hi = in.readDouble();
        long outOfRange = in.readLong();
        DecileBins bins = null;
        long[] counts = null;
        int k = format == 1 ? -1 : in.readInt();
        if (k >= 0) {
          double[] edges = new double[k];
          for (int i = 0; i < k; i++) {
            edges[i] = in.readDouble();
          }
          bins = DecileBins.of(edges);
          counts = new long[k + 1];
          for (int i = 0; i <= k; i++) {
            counts[i] = in.readLong();
          }
        }
        byte[] s = new byte[in.readInt()];
        in.readFully(s);
        w = new FeatureWindow(Kind.NUMERIC, lo, hi, QuantileSketches.fromBytes(s), bins, 0);
        w.outOfRange = outOfRange;
        if (counts != null) {
          System.arraycopy(counts, 0, w.binCounts, 0, counts.length);
        }
      } else if (kind == 1) {
        w = categorical(in.readInt());
        w.otherCount = in.readLong();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
          byte[] v = new byte[in.readInt()];
          in.readFully(v);
          w.categories.put(new String(v, StandardCharsets.UTF_8), in.readLong());
        }
      } else {
        throw Errors.notASerializedFeatureWindow("kind byte " + kind, null);
      }
      w.rows = rows;
      w.missing = missing;
      if (in.read() != -1) {
        throw Errors.notASerializedFeatureWindow("trailing bytes", null);
      }
      return w;
    } catch (IOException | NegativeArraySizeException | IllegalArgumentException e) {
      // IllegalArgumentException: edges that are not ascending (damaged bytes)
      throw Errors.notASerializedFeatureWindow(e.toString(), e);
    }
  }

  private void requireKind(Kind expected) {
    if (kind != expected) {
      throw new IllegalStateException(
          "this window is "
              + kind
              + "; add("
              + (expected == Kind.NUMERIC ? "double" : "String")
              + ") needs a "
              + expected
              + " one");
    }
  }
}
