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
  }

  @Test
  void elapsedTimeIsRoundedForReading() {
    assertThat(Human.elapsed(850)).isEqualTo("850 ms");
    assertThat(Human.elapsed(3_240)).isEqualTo("3.2 s");
    assertThat(Human.elapsed(125_000)).isEqualTo("2 min 05 s");
    assertThat(Human.elapsed(3_720_000)).isEqualTo("1 h 02 min");
  }
}
