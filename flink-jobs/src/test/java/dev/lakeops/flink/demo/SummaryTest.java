package dev.lakeops.flink.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryTest {
  @Test
  void waitsAreListedLongestFirstInHumanUnits() {
    Map<String, Long> waited = new LinkedHashMap<>();
    waited.put("the online store", 70_400_000_000L); // 70.4 s
    waited.put("serving", 450_000_000L); // 450 ms
    waited.put("retrainings", 302_000_000_000L); // 302 s
    assertEquals(
        "retrainings 5 min 02 s, the online store 1 min 10 s, serving 450 ms",
        Summary.waits(waited));
    assertEquals("", Summary.waits(Map.of()));
  }
}
