package dev.lakeops.flink.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeops.flink.serving.EventParser;
import dev.lakeops.flink.serving.ServeEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The serving job's event parser reads event times and entity keys as the online-store job and the
 * Spark pipeline do (issue 9, items 6 and 8); expected instants worked out by hand.
 */
class DecodeServingEventsTest {
  private final EventParser parser = new EventParser("customer_id");

  private ServeEvent parse(String key, String time) throws Exception {
    return parser.parse(
        "{\"event_id\": \"e\", \"customer_id\": " + key + ", \"event_time\": " + time + "}");
  }

  private static long ms(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  @Test
  void everyEventTimeFormOfTheOnlineStoreJob() throws Exception {
    String[][] forms = {
      {"2021-03-28T01:30:00+0100", "2021-03-28T00:30:00Z"},
      {"2021-03-28T01:30:00+01:00", "2021-03-28T00:30:00Z"},
      {"2021-03-28T01:30:00+01", "2021-03-28T00:30:00Z"},
      {"2021-03-28 01:30:00", "2021-03-28T01:30:00Z"},
      {"2021-03-28T01:30", "2021-03-28T01:30:00Z"},
      {"2021-03-28", "2021-03-28T00:00:00Z"},
      {"2021-03-28T01:30:00.1239Z", "2021-03-28T01:30:00.123Z"},
    };
    for (String[] f : forms) {
      assertThat(parse("\"c\"", "\"" + f[0] + "\"").eventTimeMillis()).as(f[0]).isEqualTo(ms(f[1]));
    }
    assertThat(parse("\"c\"", "1000").eventTimeMillis()).isEqualTo(1000L);
    assertThatThrownBy(() -> parse("\"c\"", "\"2021-03-28T01:30:00 UTC\""))
        .hasMessageContaining("must be ISO-8601");
    assertThatThrownBy(() -> parse("\"c\"", "1000.5")).hasMessageContaining("must be ISO-8601");
  }

  @Test
  void keysAreNormalisedAsTheOnlineStoreJobDoes() throws Exception {
    assertThat(parse("7.0", "1").entityKey()).isEqualTo("7");
    assertThat(parse("7", "1").entityKey()).isEqualTo("7");
    assertThat(parse("\"007\"", "1").entityKey()).isEqualTo("007");
    assertThatThrownBy(() -> parse("7.5", "1"))
        .hasMessage("wrong type: 'customer_id' (the entity key) must be text, got number 7.5");
    assertThatThrownBy(() -> parse("true", "1"))
        .hasMessage("wrong type: 'customer_id' (the entity key) must be text, got boolean true");
  }
}
