package dev.lakeops.common.monitoring.drift;

import dev.lakeops.common.monitoring.Statistic;
import dev.lakeops.common.monitoring.WindowStatistic;
import dev.lakeops.common.training.ReferenceProfile.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.hipparchus.distribution.continuous.ChiSquaredDistribution;
import org.hipparchus.stat.inference.KolmogorovSmirnovTest;

/**
 * Every {@link Statistic.Kind#DRIFT} statistic of one window of one model input against its
 * reference. Each formula method names its formula and source; SciPy 1.17 is the independent
 * implementation the tests compare with ({@code common/src/test/resources/monitoring}).
 *
 * <p>Which statistics a column gets ({@link #compute}):
 *
 * <ul>
 *   <li>numeric: {@code psi}, {@code ks_statistic}, {@code ks_p_value}, {@code jensen_shannon},
 *       {@code wasserstein}, {@code wasserstein_normalized} (absent when the reference standard
 *       deviation is missing or 0), {@code missing_rate}, {@code out_of_range_rate};
 *   <li>categorical: {@code chi_square}, {@code chi_square_p_value}, {@code jensen_shannon}, {@code
 *       missing_rate}, {@code out_of_range_rate} (absent when the reference kept only its top
 *       values, so an unseen value cannot be told from a rare one).
 * </ul>
 *
 * Statistics that do not apply are absent, never NaN. A statistic that applies but that the window
 * cannot define (no present value in the window, or none in the reference) is NaN. Rates: {@code
 * missing_rate} = missing rows / rows; {@code out_of_range_rate} = out-of-range (or unseen) values
 * / present values.
 *
 * <p>Bins: numeric PSI and Jensen-Shannon use the reference's deciles ({@link #BINS}, {@link
 * DecileBins}): with the exact counts on both sides when the profile has bins (training counts its
 * values per bin, the window counts its own: {@link #binnedCounts}), else the counts the two
 * sketches' CDFs give at the reference sketch's deciles ({@link #decileCounts}; older profiles);
 * the categorical bins are the values the reference lists, plus one "other" bin when the reference
 * has an other count or the window has a value the reference does not list (unseen values, and
 * values beyond the window's own bound, fall in it). PSI and chi-square smooth every bin with
 * {@value #PSEUDO_COUNT} (see {@link #psi}); Jensen-Shannon does not need to.
 *
 * <p>Accuracy: with exact sides ({@link FeatureWindow#exact()}, {@link ReferenceColumn#exact()})
 * every value is SciPy's to rounding. With sketches in estimation mode the CDFs are within ε_ref +
 * ε_win of the exact ones (ε = {@link QuantileSketches#rankError()}, 99% confidence each), so the
 * KS statistic is within ε_ref + ε_win and Wasserstein-1 within (ε_ref + ε_win) · (max − min) of
 * the exact values, and, as a KLL sketch compacts at random, may differ run to run within that
 * bound. The binned statistics (PSI, Jensen-Shannon over bins) are exact and the same in every run
 * whenever the profile has bins, whatever the window's size; without bins they have no such bound,
 * since their bin edges move with the reference sketch's quantiles.
 */
public final class DriftStatistics {
  /** The numeric bins: the reference's deciles. */
  public static final int BINS = 10;

  /** The pseudo-count added to every bin's count before PSI and chi-square expected shares. */
  public static final double PSEUDO_COUNT = 0.5;

  /** Below this product of the two sample sizes the KS p-value is exact, else asymptotic. */
  public static final long EXACT_KS_MAX_PRODUCT = 10_000;

  private static final KolmogorovSmirnovTest KS = new KolmogorovSmirnovTest();

  private DriftStatistics() {}

  /**
   * The drift statistics of {@code window} against {@code reference}, in {@link Statistic} order.
   *
   * @throws IllegalArgumentException when the window's kind differs from the reference's
   */
  public static Map<Statistic, Double> compute(ReferenceColumn reference, FeatureWindow window) {
    if (reference.kind() != window.kind()) {
      throw new IllegalArgumentException(
          "column '"
              + reference.name()
              + "' is "
              + reference.kind()
              + " in the reference profile but the window is "
              + window.kind());
    }
    Map<Statistic, Double> out = new EnumMap<>(Statistic.class);
    if (reference.kind() == Kind.NUMERIC) {
      numeric(reference, window, out);
    } else {
      categorical(reference, window, out);
    }
    out.put(Statistic.MISSING_RATE, ratio(window.missing(), window.rows()));
    return Collections.unmodifiableMap(out);
  }

  /**
   * The drift statistics as rows of the {@code drift_<model>} table, one per statistic, with {@code
   * rows} = the window's rows.
   */
  public static List<WindowStatistic> rows(
      String model,
      int modelVersion,
      long windowStartMillis,
      long windowEndMillis,
      ReferenceColumn reference,
      FeatureWindow window) {
    List<WindowStatistic> rows = new ArrayList<>();
    compute(reference, window)
        .forEach(
            (s, v) ->
                rows.add(
                    new WindowStatistic(
                        model,
                        modelVersion,
                        windowStartMillis,
                        windowEndMillis,
                        reference.name(),
                        s,
                        v,
                        window.rows())));
    return rows;
  }

  private static void numeric(
      ReferenceColumn reference, FeatureWindow window, Map<Statistic, Double> out) {
    EmpiricalCdf ref = reference.cdf();
    EmpiricalCdf win = EmpiricalCdf.of(window.sketch());
    Double stddev = reference.profile().stddev();
    boolean normalizable = stddev != null && stddev > 0 && Double.isFinite(stddev);
    if (ref.isEmpty() || win.isEmpty()) {
      for (Statistic s :
          List.of(
              Statistic.PSI,
              Statistic.KS_STATISTIC,
              Statistic.KS_P_VALUE,
              Statistic.JENSEN_SHANNON,
              Statistic.WASSERSTEIN)) {
        out.put(s, Double.NaN);
      }
      if (normalizable) {
        out.put(Statistic.WASSERSTEIN_NORMALIZED, Double.NaN);
      }
    } else {
      double[][] counts =
          reference.bins() != null && reference.bins().equals(window.bins())
              ? binnedCounts(reference.profile().binCounts(), window.binCounts())
              : decileCounts(ref, reference.presentCount(), win, window.present());
      out.put(Statistic.PSI, psi(counts[0], counts[1]));
      double d = ksStatistic(ref, win);
      out.put(Statistic.KS_STATISTIC, d);
      out.put(Statistic.KS_P_VALUE, ksPValue(d, reference.presentCount(), window.present()));
      out.put(Statistic.JENSEN_SHANNON, jensenShannon(counts[0], counts[1]));
      double w = wasserstein(ref, win);
      out.put(Statistic.WASSERSTEIN, w);
      if (normalizable) {
        out.put(Statistic.WASSERSTEIN_NORMALIZED, w / stddev);
      }
    }
    out.put(Statistic.OUT_OF_RANGE_RATE, ratio(window.outOfRange(), window.present()));
  }

  private static void categorical(
      ReferenceColumn reference, FeatureWindow window, Map<Statistic, Double> out) {
    Map<String, Long> refFreq = reference.profile().frequencies();
    Map<String, Long> refCounts = new LinkedHashMap<>(refFreq == null ? Map.of() : refFreq);
    long refOther = reference.profile().otherCount();
    long winOther = window.otherCount();
    Map<String, Long> winCounts = new LinkedHashMap<>();
    for (String v : refCounts.keySet()) {
      winCounts.put(v, 0L);
    }
    long unseen = 0;
    for (Map.Entry<String, Long> e : window.categories().entrySet()) {
      if (refCounts.containsKey(e.getKey())) {
        winCounts.put(e.getKey(), e.getValue());
      } else {
        unseen += e.getValue();
      }
    }
    winOther += unseen;
    boolean otherBin = refOther > 0 || winOther > 0;
    int bins = refCounts.size() + (otherBin ? 1 : 0);
    double[] r = new double[bins];
    double[] o = new double[bins];
    int i = 0;
    for (String v : refCounts.keySet()) {
      r[i] = refCounts.get(v);
      o[i] = winCounts.get(v);
      i++;
    }
    if (otherBin) {
      r[i] = refOther;
      o[i] = winOther;
    }
    double refTotal = sum(r);
    double winTotal = sum(o);
    if (refTotal == 0 || winTotal == 0) {
      out.put(Statistic.CHI_SQUARE, Double.NaN);
      out.put(Statistic.CHI_SQUARE_P_VALUE, Double.NaN);
      out.put(Statistic.JENSEN_SHANNON, Double.NaN);
    } else {
      double[] expected = expectedCounts(r, winTotal);
      double chi = chiSquare(o, expected);
      out.put(Statistic.CHI_SQUARE, chi);
      out.put(Statistic.CHI_SQUARE_P_VALUE, chiSquarePValue(chi, bins - 1));
      out.put(Statistic.JENSEN_SHANNON, jensenShannon(r, o));
    }
    if (refOther == 0) {
      // The reference kept every value it saw: a value it does not list is unseen. Values beyond
      // the window's own bound (its otherCount) are counted as unseen too (an upper bound then).
      out.put(Statistic.OUT_OF_RANGE_RATE, ratio(unseen + window.otherCount(), window.present()));
    }
  }

  /** The exact counts of the two sides in the reference's {@link DecileBins}, as doubles. */
  static double[][] binnedCounts(List<Long> reference, long[] window) {
    double[] r = new double[reference.size()];
    double[] w = new double[window.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = reference.get(i);
      w[i] = window[i];
    }
    return new double[][] {r, w};
  }

  /**
   * The reference's and the window's counts in the reference's decile bins (−∞, e1], (e1, e2], …,
   * (e_k, +∞), where e_i is the reference's inverted-CDF quantile of rank i/10 (the smallest value
   * v with F_ref(v) ≥ i/10; NumPy's {@code method='inverted_cdf'}), equal edges merged so ties give
   * fewer bins. Counts are the CDF differences times each side's present count.
   */
  static double[][] decileCounts(EmpiricalCdf ref, long refN, EmpiricalCdf win, long winN) {
    TreeSet<Double> edges = new TreeSet<>();
    for (int i = 1; i < BINS; i++) {
      edges.add(ref.quantile(i, BINS));
    }
    int bins = edges.size() + 1;
    double[] r = new double[bins];
    double[] w = new double[bins];
    double prevR = 0;
    double prevW = 0;
    int b = 0;
    for (double e : edges) {
      double cr = ref.cdf(e);
      double cw = win.cdf(e);
      r[b] = (cr - prevR) * refN;
      w[b] = (cw - prevW) * winN;
      prevR = cr;
      prevW = cw;
      b++;
    }
    r[b] = (1 - prevR) * refN;
    w[b] = (1 - prevW) * winN;
    return new double[][] {r, w};
  }

  /**
   * Population stability index: PSI = Σ_i (w_i − r_i) · ln(w_i / r_i) over the bins, where r_i and
   * w_i are the reference's and the window's bin shares (Yurdakul 2018, "Statistical properties of
   * population stability index"; Siddiqi 2006, "Credit Risk Scorecards"). Empty-bin rule: each
   * share is smoothed with a pseudo-count of {@value #PSEUDO_COUNT} per bin, s_i = (c_i + 0.5) / (n
   * + 0.5 · B) for B bins, so an empty bin on either side gives a large finite term, never ∞.
   *
   * @param referenceCounts the reference's count per bin
   * @param windowCounts the window's count per bin (same bins)
   * @return PSI ≥ 0 (natural log)
   */
  public static double psi(double[] referenceCounts, double[] windowCounts) {
    double[] r = smoothedShares(referenceCounts);
    double[] w = smoothedShares(windowCounts);
    double psi = 0;
    for (int i = 0; i < r.length; i++) {
      psi += (w[i] - r[i]) * Math.log(w[i] / r[i]);
    }
    return psi;
  }

  /**
   * Jensen-Shannon distance base 2: sqrt(JSD(P, Q)) with JSD = ½ KL(P‖M) + ½ KL(Q‖M), M = (P + Q) /
   * 2, KL in bits and 0 · log 0 = 0 (Lin 1991, "Divergence measures based on the Shannon entropy";
   * Endres and Schindelin 2003 for the metric; SciPy's {@code
   * scipy.spatial.distance.jensenshannon(p, q, base=2)}). No smoothing: empty bins are fine.
   *
   * @param p counts or shares of the first distribution (normalized here)
   * @param q counts or shares of the second, same bins
   * @return the distance, in [0, 1]
   */
  public static double jensenShannon(double[] p, double[] q) {
    double sp = sum(p);
    double sq = sum(q);
    double divergence = 0;
    for (int i = 0; i < p.length; i++) {
      double a = p[i] / sp;
      double b = q[i] / sq;
      double m = (a + b) / 2;
      if (a > 0) {
        divergence += a * Math.log(a / m);
      }
      if (b > 0) {
        divergence += b * Math.log(b / m);
      }
    }
    divergence = divergence / 2 / Math.log(2);
    return Math.sqrt(Math.max(0, divergence));
  }

  /**
   * Two-sample Kolmogorov-Smirnov statistic D = sup_x |F_ref(x) − F_win(x)| over the two step CDFs,
   * evaluated at every point of both (where the supremum of two right-continuous step functions'
   * difference is attained); SciPy's {@code scipy.stats.ks_2samp(...).statistic}.
   */
  static double ksStatistic(EmpiricalCdf a, EmpiricalCdf b) {
    double[][] joint = jointCdf(a, b);
    double d = 0;
    for (int k = 0; k < joint[0].length; k++) {
      d = Math.max(d, Math.abs(joint[1][k] - joint[2][k]));
    }
    return d;
  }

  /** Both CDFs at every point of either, ascending, in one merge walk: {points, F_a, F_b}. */
  static double[][] jointCdf(EmpiricalCdf a, EmpiricalCdf b) {
    int na = a.points.length;
    int nb = b.points.length;
    double[] xs = new double[na + nb];
    double[] fa = new double[na + nb];
    double[] fb = new double[na + nb];
    int i = 0;
    int j = 0;
    int k = 0;
    long ca = 0;
    long cb = 0;
    while (i < na || j < nb) {
      double x = j >= nb || (i < na && a.points[i] <= b.points[j]) ? a.points[i] : b.points[j];
      if (i < na && a.points[i] == x) {
        ca = a.cumulative[i++];
      }
      if (j < nb && b.points[j] == x) {
        cb = b.cumulative[j++];
      }
      xs[k] = x;
      fa[k] = ca / (double) a.total;
      fb[k] = cb / (double) b.total;
      k++;
    }
    return new double[][] {Arrays.copyOf(xs, k), Arrays.copyOf(fa, k), Arrays.copyOf(fb, k)};
  }

  /**
   * The two-sided p-value of a two-sample KS statistic {@code d} for sample sizes n and m: when n ·
   * m &lt; {@value #EXACT_KS_MAX_PRODUCT}, the exact P(D_{n,m} ≥ d) under the null of one
   * continuous distribution (Hipparchus {@code KolmogorovSmirnovTest.exactP}; SciPy's {@code
   * ks_2samp(method='exact')}); above, the asymptotic Kolmogorov distribution P(K &gt; d · sqrt(n·m
   * / (n + m))) (Kolmogorov 1933, Smirnov 1948; Hipparchus {@code ksSum}; SciPy's {@code
   * scipy.stats.kstwobign.sf}). Ties make both conservative.
   *
   * @return the p-value in [0, 1]; NaN when n or m is 0
   */
  public static double ksPValue(double d, long n, long m) {
    if (n <= 0 || m <= 0) {
      return Double.NaN;
    }
    if (n * m < EXACT_KS_MAX_PRODUCT) {
      return clamp(KS.exactP(d, (int) n, (int) m, false));
    }
    double t = d * Math.sqrt((double) n * (double) m / ((double) n + (double) m));
    return clamp(1 - KS.ksSum(t, 1e-20, 100_000));
  }

  /**
   * Wasserstein-1 (earth mover's) distance between the two distributions on the line: W1 = ∫
   * |F_ref(x) − F_win(x)| dx (Vallender 1974; SciPy's {@code scipy.stats.wasserstein_distance}),
   * integrated exactly over the step CDFs between consecutive points of both. In the feature's
   * unit.
   */
  static double wasserstein(EmpiricalCdf a, EmpiricalCdf b) {
    double[][] joint = jointCdf(a, b);
    double[] xs = joint[0];
    double w = 0;
    for (int k = 0; k + 1 < xs.length; k++) {
      w += Math.abs(joint[1][k] - joint[2][k]) * (xs[k + 1] - xs[k]);
    }
    return w;
  }

  /**
   * The expected window counts of the categorical bins from the reference's counts, smoothed as in
   * {@link #psi}: E_i = n_win · (r_i + 0.5) / (n_ref + 0.5 · B), so no expected count is 0 (an
   * unseen value falls in the "other" bin, which the reference may not have).
   */
  static double[] expectedCounts(double[] referenceCounts, double windowTotal) {
    double[] shares = smoothedShares(referenceCounts);
    double[] e = new double[shares.length];
    for (int i = 0; i < e.length; i++) {
      e[i] = shares[i] * windowTotal;
    }
    return e;
  }

  /**
   * Pearson's chi-square statistic χ² = Σ_i (O_i − E_i)² / E_i (Pearson 1900; SciPy's {@code
   * scipy.stats.chisquare(f_obs, f_exp)}).
   *
   * @param observed the window's count per category bin
   * @param expected the expected counts (all > 0, same total)
   */
  public static double chiSquare(double[] observed, double[] expected) {
    double chi = 0;
    for (int i = 0; i < observed.length; i++) {
      double diff = observed[i] - expected[i];
      chi += diff * diff / expected[i];
    }
    return chi;
  }

  /**
   * The upper tail P(χ²_df ≥ {@code chi}) of the chi-square distribution (Hipparchus {@code
   * ChiSquaredDistribution}; SciPy's {@code scipy.stats.chi2.sf}). With one bin (df = 0) the
   * distributions cannot differ: 1.
   */
  public static double chiSquarePValue(double chi, int degreesOfFreedom) {
    if (degreesOfFreedom < 1) {
      return 1.0;
    }
    return clamp(1 - new ChiSquaredDistribution(degreesOfFreedom).cumulativeProbability(chi));
  }

  private static double[] smoothedShares(double[] counts) {
    double total = sum(counts) + PSEUDO_COUNT * counts.length;
    double[] s = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      s[i] = (counts[i] + PSEUDO_COUNT) / total;
    }
    return s;
  }

  private static double sum(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s;
  }

  private static double ratio(long part, long whole) {
    return whole == 0 ? Double.NaN : part / (double) whole;
  }

  private static double clamp(double p) {
    return Math.max(0.0, Math.min(1.0, p));
  }
}
