package dev.lakeops.flink.report;

import static dev.lakeops.flink.report.ContractTables.statistic;

import dev.lakeops.common.warehouse.Warehouse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Monitoring tables with values chosen by hand, and what the report must show of them. Six daily
 * windows from 2026-01-01 UTC; version 1 scores windows 0-3, both versions window 4 (a hot swap in
 * it), version 2 window 5.
 */
final class KnownReport {
  static final String MODEL = "price_direction"; // a model of conf/examples/elec2/models.yaml
  static final String DATABASE = "elec2";

  /** A feature name that is markup: it must reach the page as text. */
  static final String HOSTILE = "<img src=x onerror=\"document.title='pwned'\">&amp;</script>";

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Duration DAY = Duration.ofDays(1);

  static final double[] PSI_PRICE = {0.01, 0.02, 0.03, 0.05, 0.25, 0.4123};

  /** Version 1's PSI of nswprice in window 4, which the newer version 2's 0.25 hides. */
  static final double PSI_PRICE_V1_WINDOW4 = 0.9;

  static final double[] PSI_DEMAND = {0.02, 0.02, 0.03, 0.02, 0.01, 0.015};
  static final double[] KS_PRICE = {0.05, 0.06, 0.07, 0.1, 0.28, 0.31};
  static final double[] KS_DEMAND = {0.04, 0.04, 0.05, 0.04, 0.05, 0.05};
  static final double[] ACCURACY = {0.9, 0.88, 0.85, 0.7, 0.8, 0.87};
  static final double NO_CHANGE = 0.8;

  /** (acc − 0.8) / (1 − 0.8), by hand. */
  static final double[] KAPPA_TEMPORAL = {0.5, 0.4, 0.25, -0.5, 0.0, 0.35};

  static final Instant TRIGGER_1_AT = T0.plus(DAY.multipliedBy(4)); // window 3's end
  static final Instant TRIGGER_2_AT = T0.plus(DAY.multipliedBy(6)); // window 5's end
  static final Instant V1_PROMOTED = Instant.parse("2025-12-31T00:00:00Z"); // before the windows
  static final Instant V2_PROMOTED = Instant.parse("2026-01-05T06:00:00Z"); // in window 4

  private KnownReport() {}

  static Instant start(int window) {
    return T0.plus(DAY.multipliedBy(window));
  }

  static Instant end(int window) {
    return start(window + 1);
  }

  static int version(int window) {
    return window < 4 ? 1 : 2;
  }

  /** Writes every table. */
  static void writeAll(Warehouse w) {
    ContractTables t = new ContractTables(w);
    writeDrift(t);
    List<Object[]> perf = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int v = version(i);
      perf.add(
          statistic(
              start(i),
              end(i),
              v,
              null,
              "accuracy",
              ACCURACY[i],
              500,
              0.75,
              ACCURACY[i] < 0.75,
              "accuracy_floor"));
      perf.add(
          statistic(
              start(i), end(i), v, null, "accuracy_no_change", NO_CHANGE, 500, null, false, null));
      perf.add(
          statistic(
              start(i),
              end(i),
              v,
              null,
              "kappa_temporal",
              KAPPA_TEMPORAL[i],
              500,
              null,
              false,
              null));
    }
    t.performance(MODEL, perf);
    t.triggers(
        List.of(
            ContractTables.trigger(
                "a1b2c3d4e5f6a7b8c9d0",
                MODEL,
                1,
                "accuracy_floor",
                "performance",
                null,
                "accuracy",
                0.7,
                0.75,
                start(3),
                end(3),
                TRIGGER_1_AT.plusSeconds(30)),
            ContractTables.trigger(
                "ffeeddccbbaa99887766",
                MODEL,
                2,
                "input_shift",
                "drift",
                "nswprice",
                "psi",
                0.4123,
                0.2,
                start(5),
                end(5),
                TRIGGER_2_AT.plusSeconds(30)),
            ContractTables.trigger(
                "0000000000000000aaaa",
                "another_model",
                1,
                "other_rule",
                "drift",
                "x",
                "psi",
                1.0,
                0.2,
                start(2),
                end(2),
                end(2))));
    t.registry(
        List.of(
            ContractTables.version(
                MODEL, 1, "archived", Instant.parse("2025-12-30T00:00:00Z"), V1_PROMOTED),
            ContractTables.version(
                MODEL, 2, "production", Instant.parse("2026-01-04T12:00:00Z"), V2_PROMOTED)));
  }

  static void writeDrift(ContractTables t) {
    List<Object[]> drift = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int v = version(i);
      drift.add(
          statistic(
              start(i),
              end(i),
              v,
              "nswprice",
              "psi",
              PSI_PRICE[i],
              1000,
              0.2,
              PSI_PRICE[i] > 0.2,
              "input_shift"));
      drift.add(
          statistic(
              start(i),
              end(i),
              v,
              "nswdemand",
              "psi",
              PSI_DEMAND[i],
              1000,
              0.2,
              PSI_DEMAND[i] > 0.2,
              "input_shift"));
      drift.add(statistic(start(i), end(i), v, HOSTILE, "psi", 0.1, 1000, null, false, null));
      drift.add(
          statistic(
              start(i),
              end(i),
              v,
              "nswprice",
              "ks_statistic",
              KS_PRICE[i],
              1000,
              0.3,
              KS_PRICE[i] > 0.3,
              "ks_shift"));
      drift.add(
          statistic(
              start(i),
              end(i),
              v,
              "nswdemand",
              "ks_statistic",
              KS_DEMAND[i],
              1000,
              null,
              false,
              null));
    }
    // the hot swap: version 1 also scored part of window 4
    drift.add(
        statistic(
            start(4),
            end(4),
            1,
            "nswprice",
            "psi",
            PSI_PRICE_V1_WINDOW4,
            300,
            0.2,
            true,
            "input_shift"));
    t.drift(MODEL, drift);
  }
}
