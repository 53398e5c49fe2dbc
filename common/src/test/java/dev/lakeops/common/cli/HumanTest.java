package dev.lakeops.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Counts and durations as command output writes them. */
class HumanTest {
  @Test
  void countsAgreeWithTheNoun() {
    assertThat(Human.count(1, "key")).isEqualTo("1 key");
    assertThat(Human.count(0, "key")).isEqualTo("0 keys");
    assertThat(Human.count(2, "key")).isEqualTo("2 keys");
    assertThat(Human.count(1, "entity", "entities")).isEqualTo("1 entity");
    assertThat(Human.count(3, "entity", "entities")).isEqualTo("3 entities");
  }

  @Test
  void durationsAreWrittenAsWindowsAndTtlsAre() {
    assertThat(Human.duration(Duration.ofHours(8760))).isEqualTo("365d"); // not PT8760H
    assertThat(Human.duration(Duration.ofMinutes(90))).isEqualTo("90m");
    assertThat(Human.duration(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(Human.duration(Duration.ZERO)).isEqualTo("0s");
    assertThat(Human.duration(Duration.ofMillis(250))).isEqualTo("250ms");
    // a day is written 24h, as windows of a day are; two days and more in days
    assertThat(Human.duration(Duration.ofHours(24))).isEqualTo("24h");
    assertThat(Human.duration(Duration.ofHours(36))).isEqualTo("36h");
    assertThat(Human.duration(Duration.ofDays(7))).isEqualTo("7d");
    assertThat(Human.duration(Duration.ofHours(48))).isEqualTo("2d");
    assertThat(Human.duration(Duration.ofMinutes(120))).isEqualTo("2h");
    assertThat(Human.duration(Duration.ofSeconds(61))).isEqualTo("61s");
  }

  @Test
  void floatingPointIsRoundedToSignificantDigits() {
    assertThat(Human.number(0.1 + 0.2, 12)).isEqualTo("0.3"); // 0.30000000000000004
    assertThat(Human.number(95.39999999999999, 12)).isEqualTo("95.4");
    assertThat(Human.number(2.0, 12)).isEqualTo("2.0");
    assertThat(Human.number(1_000_000_001.5, 12)).isEqualTo("1000000001.5");
    assertThat(Human.number(1.5e-7, 12)).isEqualTo("1.5E-7");
    assertThat(Human.number(Double.NaN, 12)).isEqualTo("NaN");
    // metrics: 6 significant digits
    assertThat(Human.metric(0.723456789)).isEqualTo("0.723457");
    assertThat(Human.metric(0.5)).isEqualTo("0.5");
    assertThat(Human.metric(1234.56789)).isEqualTo("1234.57");
    assertThat(Human.metric(61972.0)).isEqualTo("61972"); // a count kept as a double
    java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
    m.put("auc_roc", 0.743928950792);
    m.put("rows", 61972.0);
    assertThat(Human.metrics(m)).isEqualTo("{auc_roc=0.743929, rows=61972}");
  }

  @Test
  void valuesAreWrittenWithoutJavaOrScalaNames() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("spend_30d", 12.499999999999998);
    m.put("window", Duration.ofDays(365));
    m.put("items", java.util.List.of(0.1 + 0.2, 3L));
    assertThat(Human.value(m)).isEqualTo("{spend_30d=12.5, window=365d, items=[0.3, 3]}");
    assertThat(Human.value(null)).isEqualTo("null");
    assertThat(Human.value(1.0f / 3)).isEqualTo("0.3333333");
    assertThat(Human.value(java.time.Instant.parse("1998-07-01T00:00:00.123Z")))
        .isEqualTo("1998-07-01 00:00:00 UTC");
  }

  @Test
  void elapsedTimeIsRoundedForReading() {
    assertThat(Human.elapsed(850)).isEqualTo("850 ms");
    assertThat(Human.elapsed(3_240)).isEqualTo("3.2 s");
    assertThat(Human.elapsed(125_000)).isEqualTo("2 min 05 s");
    assertThat(Human.elapsed(3_720_000)).isEqualTo("1 h 02 min");
  }
}
