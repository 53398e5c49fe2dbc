package dev.lakeops.common.monitoring.performance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lakeops.common.monitoring.Statistic;
import dev.lakeops.common.monitoring.WindowStatistic;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Live-accuracy statistics against values computed independently. The reference numbers come from
 * this Python 3 one-off (plain formulas, brute-force pair counting for the AUC), run once:
 *
 * <pre>
 * import math
 * y  = [1,0,0,1,1,1,0,1,0,0]
 * yp = [1,0,1,1,0,1,0,1,1,0]
 * p1 = [0.9,0.2,0.6,0.8,0.4,0.7,0.3,0.55,0.6,0.1]
 * n=len(y)
 * acc=sum(a==b for a,b in zip(y,yp))/n
 * pe=sum((yp.count(c)/n)*(y.count(c)/n) for c in (0,1))
 * kappa=(acc-pe)/(1-pe)
 * nc=[y[i]==y[i-1] for i in range(1,n)]
 * accnc=sum(nc)/len(nc)
 * kt=(acc-accnc)/(1-accnc)
 * pos=[p for p,l in zip(p1,y) if l==1]; neg=[p for p,l in zip(p1,y) if l==0]
 * auc=sum(1.0 if a>b else 0.5 if a==b else 0.0 for a in pos for b in neg)/(len(pos)*len(neg))
 * ll=-sum(math.log(p if l==1 else 1-p) for p,l in zip(p1,y))/n
 * print(acc, kappa, accnc, kt, auc, ll)
 * # 0.7 0.3999999999999999 0.4444444444444444 0.45999999999999996 0.84 0.4717067218199622
 * yr=[3.0,-1.5,2.0,7.25]; pr=[2.5,0.5,2.0,4.25]
 * print(math.sqrt(sum((a-b)**2 for a,b in zip(yr,pr))/4), sum(abs(a-b) for a,b in zip(yr,pr))/4)
 * # 1.8200274723201295 1.375
 * </pre>
 *
 * By hand: 7 of 10 right; 6 predicted and 5 true ones, so p_e = 0.6·0.5 + 0.4·0.5 = 0.5 and kappa =
 * 0.2 / 0.5 = 0.4; 4 of the 9 consecutive label pairs are equal, acc_nc = 4/9, kappa-temporal =
 * (0.7 − 4/9) / (5/9) = 0.46.
 */
class PerformanceAccumulatorTest {
  static final double[] Y = {1, 0, 0, 1, 1, 1, 0, 1, 0, 0};
  static final double[] YP = {1, 0, 1, 1, 0, 1, 0, 1, 1, 0};
  static final double[] P1 = {0.9, 0.2, 0.6, 0.8, 0.4, 0.7, 0.3, 0.55, 0.6, 0.1};

  static PerformanceAccumulator classified(int from, int to) {
    PerformanceAccumulator a = new PerformanceAccumulator();
    for (int i = from; i < to; i++) {
      a.addClassified(YP[i], Y[i], new double[] {1 - P1[i], P1[i]}, i == 0 ? null : Y[i - 1]);
    }
    return a;
  }

  static Map<Statistic, Double> values(PerformanceAccumulator a) {
    return a.statistics("m", 3, 0, 1000).stream()
        .collect(Collectors.toMap(WindowStatistic::statistic, WindowStatistic::value));
  }

  @Test
  void classificationStatisticsMatchTheReference() {
    Map<Statistic, Double> v = values(classified(0, 10));
    assertThat(v.get(Statistic.ACCURACY)).isCloseTo(0.7, within(1e-12));
    assertThat(v.get(Statistic.KAPPA)).isCloseTo(0.4, within(1e-12));
    assertThat(v.get(Statistic.ACCURACY_NO_CHANGE)).isCloseTo(4.0 / 9, within(1e-12));
    assertThat(v.get(Statistic.KAPPA_TEMPORAL)).isCloseTo(0.46, within(1e-12));
    assertThat(v.get(Statistic.AUC)).isCloseTo(0.84, within(1e-12));
    assertThat(v.get(Statistic.LOG_LOSS)).isCloseTo(0.4717067218199622, within(1e-12));
    assertThat(v.get(Statistic.LABELLED)).isEqualTo(10.0);
    assertThat(v).doesNotContainKeys(Statistic.RMSE, Statistic.MAE);
  }

  @Test
  void mergingPartsInAnyOrderEqualsAddingEverythingToOne() {
    Map<Statistic, Double> whole = values(classified(0, 10));
    for (int cut : new int[] {1, 4, 7}) {
      Map<Statistic, Double> ab = values(classified(0, cut).merge(classified(cut, 10)));
      Map<Statistic, Double> ba = values(classified(cut, 10).merge(classified(0, cut)));
      for (Statistic s : whole.keySet()) {
        assertThat(ab.get(s)).as("%s cut %d", s, cut).isCloseTo(whole.get(s), within(1e-12));
        assertThat(ba.get(s)).as("%s cut %d", s, cut).isCloseTo(whole.get(s), within(1e-12));
      }
    }
  }

  @Test
  void regressionErrorsMatchTheReference() {
    double[] y = {3.0, -1.5, 2.0, 7.25};
    double[] p = {2.5, 0.5, 2.0, 4.25};
    PerformanceAccumulator a = new PerformanceAccumulator();
    for (int i = 0; i < y.length; i++) {
      a.addRegressed(p[i], y[i]);
    }
    Map<Statistic, Double> v = values(a);
    assertThat(v.get(Statistic.RMSE)).isCloseTo(1.8200274723201295, within(1e-12));
    assertThat(v.get(Statistic.MAE)).isCloseTo(1.375, within(1e-12));
    assertThat(v).doesNotContainKeys(Statistic.ACCURACY, Statistic.AUC, Statistic.LOG_LOSS);
  }

  @Test
  void aConfidentMistakeCostsTheClippedLogarithmNotInfinity() {
    PerformanceAccumulator a = new PerformanceAccumulator();
    a.addClassified(0, 1, new double[] {1.0, 0.0}, null);
    // -ln(1e-15) = 15 ln 10
    assertThat(a.logLoss()).isCloseTo(15 * Math.log(10), within(1e-9)).isFinite();
    PerformanceAccumulator b = new PerformanceAccumulator();
    b.addClassified(1, 1, new double[] {0.0, 1.0}, null);
    // clipped to 1 - 1e-15: -ln(1 - 1e-15) ≈ 1e-15
    assertThat(b.logLoss()).isGreaterThan(0).isLessThan(2e-15);
  }

  @Test
  void undefinedStatisticsAreNaN() {
    PerformanceAccumulator one = new PerformanceAccumulator();
    one.addClassified(1, 1, new double[] {0.2, 0.8}, null);
    one.addClassified(1, 1, new double[] {0.3, 0.7}, 1.0);
    assertThat(one.accuracy()).isEqualTo(1.0);
    assertThat(one.kappa()).isNaN(); // p_e = 1
    assertThat(one.auc()).isNaN(); // one class
    assertThat(one.kappaTemporal()).isNaN(); // acc_nc = 1
    PerformanceAccumulator empty = new PerformanceAccumulator();
    assertThat(empty.accuracy()).isNaN();
    assertThat(empty.rmse()).isNaN();
    assertThat(values(empty))
        .containsOnlyKeys(Statistic.LABELLED, Statistic.LABELS_EXPIRED, Statistic.LABELS_UNMATCHED);
  }

  @Test
  void aucIsLeftOutForMoreThanTwoClassesAndTiesCountOneHalf() {
    PerformanceAccumulator three = new PerformanceAccumulator();
    three.addClassified(2, 2, new double[] {0.1, 0.2, 0.7}, null);
    assertThat(values(three)).doesNotContainKey(Statistic.AUC).containsKey(Statistic.LOG_LOSS);
    PerformanceAccumulator tie = new PerformanceAccumulator();
    tie.addClassified(1, 1, new double[] {0.5, 0.5}, null);
    tie.addClassified(1, 0, new double[] {0.5, 0.5}, 1.0);
    tie.addClassified(1, 1, new double[] {0.1, 0.9}, 0.0);
    // pairs (pos 0.5, neg 0.5) = 1/2, (pos 0.9, neg 0.5) = 1 -> 1.5 / 2
    assertThat(tie.auc()).isEqualTo(0.75);
  }

  @Test
  void countsAreEmittedAsValueAndRows() {
    PerformanceAccumulator a = new PerformanceAccumulator().addExpired().addExpired();
    a.addUnmatched();
    var rows = a.statistics("m", 2, 10, 20);
    assertThat(rows)
        .contains(
            new WindowStatistic("m", 2, 10, 20, null, Statistic.LABELS_EXPIRED, 2, 2),
            new WindowStatistic("m", 2, 10, 20, null, Statistic.LABELS_UNMATCHED, 1, 1),
            new WindowStatistic("m", 2, 10, 20, null, Statistic.LABELLED, 0, 0));
  }
}
