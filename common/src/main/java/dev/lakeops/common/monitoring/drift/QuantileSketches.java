package dev.lakeops.common.monitoring.drift;

import dev.lakeops.common.error.Errors;
import java.util.Base64;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The one KLL quantile sketch configuration used for drift monitoring, on both sides: the window
 * summaries a streaming job keeps ({@link FeatureWindow}) and the reference sketch the training job
 * writes into {@link dev.lakeops.common.training.ReferenceProfile.ColumnProfile#sketch()}.
 *
 * <p>A KLL sketch (Karnin, Lang, Liberty 2016; Apache DataSketches {@code KllDoublesSketch}) keeps
 * every value while it holds at most {@code k} values (it is then exact: its sorted view is the
 * sample), and above that a random compaction of them whose normalized rank error is at most {@link
 * #rankError()} with 99% confidence for any one rank query. Sketches of disjoint parts merge into a
 * sketch of the whole with the same error bound. Serialized size at {@code k = 200}: about 5 KB
 * once in estimation mode.
 */
public final class QuantileSketches {
  /** The KLL parameter k of every monitoring sketch (DataSketches' default). */
  public static final int K = 200;

  private QuantileSketches() {}

  /** An empty sketch with {@code k = }{@value #K}. */
  public static KllDoublesSketch newSketch() {
    return KllDoublesSketch.newHeapInstance(K);
  }

  /**
   * The single-sided normalized rank error of a sketch with {@code k = }{@value #K} (DataSketches'
   * {@code getNormalizedRankError(k, false)}: about 0.0133, 99% confidence): a rank or CDF value
   * read from the sketch is within this fraction of the count of the exact one.
   */
  public static double rankError() {
    return KllDoublesSketch.getNormalizedRankError(K, false);
  }

  /** The sketch's compact serialized form (DataSketches' own format). */
  public static byte[] toBytes(KllDoublesSketch sketch) {
    return sketch.toByteArray();
  }

  /**
   * A heap copy of a serialized sketch.
   *
   * @throws dev.lakeops.common.error.LakeOpsException when the bytes are not a serialized KLL
   *     doubles sketch
   */
  public static KllDoublesSketch fromBytes(byte[] bytes) {
    try {
      return KllDoublesSketch.heapify(Memory.wrap(bytes));
    } catch (RuntimeException e) {
      throw Errors.notASerializedSketch(bytes.length, e);
    }
  }

  /** The serialized sketch as base64 text, the form stored in a reference profile's JSON. */
  public static String toBase64(KllDoublesSketch sketch) {
    return Base64.getEncoder().encodeToString(sketch.toByteArray());
  }

  /**
   * The sketch stored as base64 text in a reference profile.
   *
   * @throws IllegalArgumentException when the text is not base64 of a serialized sketch
   */
  public static KllDoublesSketch fromBase64(String base64) {
    return fromBytes(Base64.getDecoder().decode(base64));
  }

  /**
   * The merge of two serialized sketches, serialized: the combiner a distributed aggregation (e.g.
   * Spark's {@code reduce} over partitions) applies to per-partition sketches.
   */
  public static byte[] merge(byte[] a, byte[] b) {
    KllDoublesSketch merged = fromBytes(a);
    merged.merge(fromBytes(b));
    return merged.toByteArray();
  }
}
