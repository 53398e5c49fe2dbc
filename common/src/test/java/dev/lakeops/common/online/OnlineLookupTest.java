package dev.lakeops.common.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.error.LakeOpsException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnlineLookupTest {
  @TempDir Path tmp;

  @Test
  void readsEveryViewOfTheEntityAndRendersThem() {
    ProjectConfig p = ProjectLoader.load(Path.of("..", "conf", "examples", "cdnow"));
    long t = Instant.parse("1998-05-28T00:00:00Z").toEpochMilli();
    try (OnlineStore s = OnlineStores.open(p.onlineStore(), tmp.toString(), p)) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("spend_30d", 16.99);
      v.put("big_orders_365d", 0L);
      s.write("customer_spend", List.of(new FeatureRow("00003", t, v)));

      long asOf = t + Duration.ofHours(12).toMillis();
      List<OnlineLookup.ViewResult> got = OnlineLookup.lookup(p, s, "customer", "00003", asOf);
      assertThat(got).hasSize(2);
      String text = OnlineLookup.render(got, "00003", asOf);
      assertThat(text)
          .contains("customer_spend (customer 00003) event_time 1998-05-28T00:00:00Z, age 12h")
          .contains("  spend_30d       = 16.99")
          .contains("  big_orders_365d = 0")
          .contains("customer_purchases (customer 00003): no row");

      long late = t + Duration.ofDays(400).toMillis();
      assertThat(OnlineLookup.render(OnlineLookup.lookup(p, s, null, "00003", late), "00003", late))
          .contains(
              "customer_spend (customer 00003): expired (the latest row, at"
                  + " 1998-05-28T00:00:00Z, is older than the view's ttl PT8760H at ");
      // Before the row: never the later row; the store says why.
      long before = t - 1;
      assertThat(
              OnlineLookup.render(
                  OnlineLookup.lookup(p, s, "customer", "00003", before), "00003", before))
          .contains(
              "customer_spend (customer 00003): history does not reach back to 1998-05-27T23:59:59.999Z");
      assertThatThrownBy(() -> OnlineLookup.lookup(p, s, "store", "1", late))
          .isInstanceOf(LakeOpsException.class)
          .hasMessageContaining("unknown entity 'store'; the project has [customer]");
    }
  }
}
