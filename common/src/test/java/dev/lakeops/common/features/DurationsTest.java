package dev.lakeops.common.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest(name = "{0} = {1}s")
  @CsvSource({"30s, 30", "30m, 1800", "24h, 86400", "7d, 604800", "90d, 7776000", "' 1h ', 3600"})
  void acceptsWholeNumbersWithAUnit(String text, long seconds) {
    assertThat(Durations.parse(text)).contains(Duration.ofSeconds(seconds));
  }

  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource({"200ms, 200", "1500ms, 1500", "' 5 ms ', 5"})
  void acceptsMilliseconds(String text, long millis) {
    assertThat(Durations.parse(text)).contains(Duration.ofMillis(millis));
    assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(millis + "ms");
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {
        "0ms",
        "1.5ms",
        "ms",
        "24x",
        "0h",
        "-1d",
        "",
        "h",
        "24",
        "1.5h",
        "h24",
        "1d2h",
        "99999999999999999999d"
      })
  void rejectsOtherForms(String text) {
    assertThat(Durations.parse(text)).isEmpty();
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"999999999999999d", "9223372036854775807h"})
  void rejectsDurationsTooLongToRepresent(String text) {
    assertThat(Durations.parse(text)).isEmpty();
  }

  @ParameterizedTest(name = "{0}s prints as {1}")
  @CsvSource({
    "86400, 1d",
    "604800, 7d",
    "129600, 36h",
    "3600, 1h",
    "5400, 90m",
    "120, 2m",
    "90, 90s",
    "1, 1s"
  })
  void formatUsesTheLargestExactUnit(long seconds, String expected) {
    Duration d = Duration.ofSeconds(seconds);
    assertThat(Durations.format(d)).isEqualTo(expected);
    assertThat(Durations.parse(Durations.format(d))).contains(d);
  }
}
