package dev.lakeops.common.monitoring.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeops.common.monitoring.Statistic;
import dev.lakeops.common.training.ReferenceProfile.ColumnProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * The fixed vectors and SciPy's statistics of them, from {@code monitoring/drift_vectors.json}
 * (written by {@code monitoring/make_vectors.py}).
 */
final class DriftVectors {
  private static final JsonNode ROOT = load();

  private DriftVectors() {}

  record NumericCase(
      String name,
      double[] reference,
      double[] window,
      int windowMissing,
      double referenceMean,
      double referenceStddev,
      List<Double> percentiles,
      Map<Statistic, Double> expected) {
    @Override
    public String toString() {
      return name;
    }

    /** Both samples fit in a k = 200 KLL sketch, which is then exact. */
    boolean exact() {
      return reference.length <= QuantileSketches.K && window.length <= QuantileSketches.K;
    }

    double min() {
      return java.util.Arrays.stream(reference).min().orElseThrow();
    }

    double max() {
      return java.util.Arrays.stream(reference).max().orElseThrow();
    }

    /**
     * The reference column as training writes it: moments, percentiles, KLL sketch and drift bins
     * (or, without the sketch, as profiles written before the sketch existed: neither).
     */
    ColumnProfile profile(boolean withSketch) {
      ColumnProfile p =
          ColumnProfile.numeric(
              reference.length, 0, referenceMean, referenceStddev, min(), max(), percentiles);
      if (!withSketch) {
        return p;
      }
      KllDoublesSketch sketch = QuantileSketches.newSketch();
      for (double v : reference) {
        sketch.update(v);
      }
      return withBins(p.withSketch(QuantileSketches.toBase64(sketch)));
    }

    /** {@code p} with the reference's inverted-CDF decile bins and their exact counts. */
    ColumnProfile withBins(ColumnProfile p) {
      double[] sorted = reference.clone();
      java.util.Arrays.sort(sorted);
      DecileBins bins = DecileBins.ofSorted(sorted);
      return p.withBins(
          java.util.Arrays.stream(bins.edges()).boxed().toList(),
          java.util.Arrays.stream(bins.counts(reference)).boxed().toList());
    }

    FeatureWindow window(ReferenceColumn reference) {
      FeatureWindow w = reference.newWindow();
      for (double v : window) {
        w.add(v);
      }
      for (int i = 0; i < windowMissing; i++) {
        w.addMissing();
      }
      return w;
    }
  }

  record CategoricalCase(
      String name,
      Map<String, Long> reference,
      long referenceOther,
      Map<String, Long> window,
      int windowMissing,
      Map<Statistic, Double> expected) {
    @Override
    public String toString() {
      return name;
    }

    ColumnProfile profile() {
      long present = reference.values().stream().mapToLong(Long::longValue).sum() + referenceOther;
      return ColumnProfile.categorical(
          present, 0, reference, referenceOther, reference.size() + (referenceOther > 0 ? 1 : 0));
    }

    FeatureWindow windowSummary() {
      FeatureWindow w = FeatureWindow.categorical();
      window.forEach(
          (v, c) -> {
            for (long i = 0; i < c; i++) {
              w.add(v);
            }
          });
      for (int i = 0; i < windowMissing; i++) {
        w.add((String) null);
      }
      return w;
    }
  }

  static List<NumericCase> numeric() {
    List<NumericCase> out = new ArrayList<>();
    for (JsonNode c : ROOT.get("numeric")) {
      List<Double> percentiles = new ArrayList<>();
      c.get("reference_percentiles").forEach(n -> percentiles.add(n.asDouble()));
      out.add(
          new NumericCase(
              c.get("name").asText(),
              doubles(c.get("reference")),
              doubles(c.get("window")),
              c.get("window_missing").asInt(),
              c.get("reference_mean").asDouble(),
              c.get("reference_stddev").asDouble(),
              percentiles,
              expected(c.get("expected"))));
    }
    return out;
  }

  static List<CategoricalCase> categorical() {
    List<CategoricalCase> out = new ArrayList<>();
    for (JsonNode c : ROOT.get("categorical")) {
      out.add(
          new CategoricalCase(
              c.get("name").asText(),
              counts(c.get("reference")),
              c.get("reference_other").asLong(),
              counts(c.get("window")),
              c.get("window_missing").asInt(),
              expected(c.get("expected"))));
    }
    return out;
  }

  private static double[] doubles(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false)
        .mapToDouble(JsonNode::asDouble)
        .toArray();
  }

  private static Map<String, Long> counts(JsonNode object) {
    Map<String, Long> m = new LinkedHashMap<>();
    object.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asLong()));
    return m;
  }

  private static Map<Statistic, Double> expected(JsonNode object) {
    Map<Statistic, Double> m = new EnumMap<>(Statistic.class);
    object
        .fields()
        .forEachRemaining(
            e ->
                m.put(
                    Statistic.byKey(e.getKey())
                        .orElseThrow(
                            () -> new IllegalStateException("unknown statistic " + e.getKey())),
                    e.getValue().asDouble()));
    return m;
  }

  private static JsonNode load() {
    try (InputStream in =
        DriftVectors.class.getResourceAsStream("/monitoring/drift_vectors.json")) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
