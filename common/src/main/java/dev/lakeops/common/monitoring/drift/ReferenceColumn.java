package dev.lakeops.common.monitoring.drift;

import dev.lakeops.common.training.ReferenceProfile;
import dev.lakeops.common.training.ReferenceProfile.ColumnProfile;
import dev.lakeops.common.training.ReferenceProfile.Kind;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * The reference side of drift monitoring for one model input (or the prediction): its {@link
 * ColumnProfile} from the model's {@link ReferenceProfile}, written at training, ready to compare
 * with {@link FeatureWindow}s. Built once per model version; immutable and safe to share.
 *
 * <p>A numeric column's distribution is its KLL sketch ({@link ColumnProfile#sketch()}, k = 200)
 * when the profile has one: exact while the training split had at most 200 present values, else
 * within {@link QuantileSketches#rankError()}. Profiles written before the sketch existed fall back
 * to the 101 percentiles: the quantile function interpolated linearly between them and discretized
 * at 1000 points, whose CDF is within 1/100 (one percentile step) plus 1/1000 (the discretization)
 * plus 1/n (one step of the training values' own CDF) of the training values' CDF ({@link
 * #rankError()}), plus the percentiles' own error when the profile's {@code exactQuantiles} is
 * false.
 */
public final class ReferenceColumn {
  private final String name;
  private final ColumnProfile profile;
  private final boolean sketched;
  private final boolean exact;
  private final EmpiricalCdf cdf;
  private final DecileBins bins;

  private ReferenceColumn(String name, ColumnProfile profile) {
    this.name = name;
    this.profile = profile;
    this.bins =
        profile.kind() == Kind.NUMERIC && profile.binEdges() != null
            ? DecileBins.of(profile.binEdges())
            : null;
    if (profile.kind() == Kind.NUMERIC && profile.sketch() != null) {
      KllDoublesSketch sketch = QuantileSketches.fromBase64(profile.sketch());
      this.sketched = true;
      this.exact = !sketch.isEstimationMode();
      this.cdf = EmpiricalCdf.of(sketch);
    } else if (profile.kind() == Kind.NUMERIC) {
      this.sketched = false;
      this.exact = false;
      this.cdf = EmpiricalCdf.ofPercentiles(profile.quantiles());
    } else {
      this.sketched = false;
      this.exact = profile.otherCount() == 0;
      this.cdf = null;
    }
  }

  /**
   * The reference of one column.
   *
   * @param name the model input's name (or {@link ReferenceProfile#PREDICTION}), for messages
   * @throws IllegalArgumentException when the column's sketch is not a serialized KLL sketch
   */
  public static ReferenceColumn of(String name, ColumnProfile profile) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(profile, "profile");
    return new ReferenceColumn(name, profile);
  }

  /**
   * The reference of {@code column} in {@code profile}.
   *
   * @throws IllegalArgumentException when the profile has no such column
   */
  public static ReferenceColumn of(ReferenceProfile profile, String column) {
    return of(
        column,
        profile
            .column(column)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "the reference profile has no column '"
                            + column
                            + "'; it has "
                            + profile.columns().keySet())));
  }

  /**
   * The reference of every column of {@code profile} (model inputs, {@link
   * ReferenceProfile#PREDICTION} and, for binary classification, {@link
   * ReferenceProfile#POSITIVE_PROBABILITY}), in the profile's order.
   *
   * @throws IllegalArgumentException when a column's sketch is not a serialized KLL sketch
   */
  public static Map<String, ReferenceColumn> all(ReferenceProfile profile) {
    Map<String, ReferenceColumn> out = new LinkedHashMap<>();
    profile.columns().forEach((name, column) -> out.put(name, of(name, column)));
    return Collections.unmodifiableMap(out);
  }

  /**
   * An empty window matching this column: numeric with the reference's [min, max] as its range and
   * its {@link #bins()}, or categorical. A categorical window must be fed the values as the
   * training profile wrote them: Spark's cast to string ({@code true}/{@code false} for booleans,
   * {@code 1.0} for a double class prediction).
   */
  public FeatureWindow newWindow() {
    if (profile.kind() == Kind.CATEGORICAL) {
      return FeatureWindow.categorical();
    }
    if (profile.min() == null || profile.max() == null) {
      return FeatureWindow.numeric(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, bins);
    }
    return FeatureWindow.numeric(profile.min(), profile.max(), bins);
  }

  /**
   * Numeric: the drift bins the training job wrote with their exact counts ({@link
   * ColumnProfile#binEdges()}); null for categorical columns and profiles written before bins
   * existed (the binned statistics then bin by the sketch's deciles).
   */
  public DecileBins bins() {
    return bins;
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return profile.kind();
  }

  public ColumnProfile profile() {
    return profile;
  }

  /** The training split's present values of the column. */
  public long presentCount() {
    return profile.presentCount();
  }

  /** Numeric: true when the distribution comes from the KLL sketch, false for the fallback. */
  public boolean sketched() {
    return sketched;
  }

  /**
   * True when the distribution is the training values' exactly: a sketch holding every value, or a
   * categorical profile that kept every value (no "other").
   */
  public boolean exact() {
    return exact;
  }

  /**
   * The bound on |F_reference − F_training| at any point: 0 when {@link #exact()}, {@link
   * QuantileSketches#rankError()} for a sketch in estimation mode, 0.011 + 1/n for the percentile
   * fallback (n = {@link #presentCount()}); NaN for categorical columns.
   */
  public double rankError() {
    if (profile.kind() == Kind.CATEGORICAL) {
      return Double.NaN;
    }
    if (exact) {
      return 0.0;
    }
    return sketched
        ? QuantileSketches.rankError()
        : 0.011 + 1.0 / Math.max(1, profile.presentCount());
  }

  EmpiricalCdf cdf() {
    return cdf;
  }
}
