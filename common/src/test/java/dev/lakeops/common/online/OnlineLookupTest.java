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
                  + " 1998-05-28T00:00:00Z, is older than the view's ttl 365d at ");
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

  /** Several values are a composite key's parts, joined as the readers store the key. */
  @Test
  void compositeKeyPartsAreJoinedInTheEntitysOrder() {
    ProjectConfig p = ProjectLoader.load(Path.of("src/test/resources/conformance/ingest"));
    // The stored text of ["S1", 7] as both engines write it (ingest conformance, store_sales).
    assertThat(OnlineLookup.keyText(p, "store_product", List.of("S1", "7")))
        .isEqualTo("[\"S1\",\"7\"]");
    assertThat(OnlineLookup.keyText(p, "store_product", List.of("[\"S1\",\"7\"]")))
        .isEqualTo("[\"S1\",\"7\"]");
    assertThat(OnlineLookup.keyText(p, null, List.of("00003"))).isEqualTo("00003");
    assertThat(OnlineLookup.keyText(p, "item", List.of("7"))).isEqualTo("7");
    assertThatThrownBy(() -> OnlineLookup.keyText(p, "store_product", List.of("S1")))
        .isInstanceOf(LakeOpsException.class)
        .hasMessageContaining(
            "entity 'store_product' has a composite key of 2 parts [store_id, product_id], but [S1]")
        .hasMessageContaining("online-store get --entity store_product <store_id> <product_id>");
    assertThatThrownBy(() -> OnlineLookup.keyText(p, "store_product", List.of("S1", "7", "x")))
        .hasMessageContaining("composite key of 2 parts");
    assertThatThrownBy(() -> OnlineLookup.keyText(p, "item", List.of("7", "8")))
        .hasMessageContaining("entity 'item' has a one-part key, but 2 values were given");
    assertThatThrownBy(() -> OnlineLookup.keyText(p, null, List.of("S1", "7")))
        .hasMessageContaining("several key values [S1, 7] but no --entity");
  }

  /** The history of customer 00007 (two purchases) as the writers store it, for both views. */
  private static void writeHistories(ProjectConfig p, OnlineStore s) {
    var views = p.viewsOf("purchases");
    var inc =
        new dev.lakeops.common.features.IncrementalFeatures(p.sources().get("purchases"), views);
    var h = new dev.lakeops.common.features.FeatureHistory();
    inc.add(h, purchase("1998-01-01", 1, 10.0));
    inc.add(h, purchase("1998-01-20", 2, 20.0));
    for (int v = 0; v < views.size(); v++) {
      s.writeHistories(
          views.get(v).name(),
          List.of(new StoredHistory("00007", h.latest(), inc.encodeView(h, v, Long.MAX_VALUE))));
    }
  }

  private static dev.lakeops.common.events.SourceEvent purchase(String day, int cds, double usd) {
    long micros = Instant.parse(day + "T00:00:00Z").toEpochMilli() * 1000;
    return new dev.lakeops.common.events.SourceEvent(
        "00007", micros, new Object[] {"00007", day, cds, usd}, "test", "");
  }

  private static String get(ProjectConfig p, OnlineStore s, String asOf) {
    long t = Instant.parse(asOf).toEpochMilli();
    return OnlineLookup.render(OnlineLookup.lookup(p, s, "customer", "00007", t), "00007", t);
  }

  @Test
  void windowsAreReadAtTheLookupTimeAndMissingRowsSayWhy() {
    ProjectConfig p = ProjectLoader.load(Path.of("..", "conf", "examples", "cdnow"));
    try (OnlineStore s = OnlineStores.open(p.onlineStore(), tmp.toString(), p)) {
      writeHistories(p, s);
      // (01-16, 02-15]: the second purchase only; 365d: both.
      assertThat(get(p, s, "1998-02-15T00:00:00Z"))
          .contains("customer_spend (customer 00007) event_time 1998-01-20T00:00:00Z, age 26d")
          .contains("spend_30d         = 20.0")
          .contains("spend_365d        = 30.0")
          .contains("purchases_30d  = 1")
          .contains("purchases_365d = 2");
      // (01-30, 03-01]: the 30d windows have passed both purchases.
      assertThat(get(p, s, "1998-03-01T00:00:00Z"))
          .contains("spend_30d         = null")
          .contains("purchases_30d  = 0")
          .contains("purchases_365d = 2");
      // Between the purchases: only the first, never the later one.
      assertThat(get(p, s, "1998-01-10T00:00:00Z"))
          .contains("customer_spend (customer 00007) event_time 1998-01-01T00:00:00Z, age 9d")
          .contains("spend_365d        = 10.0");
      assertThat(get(p, s, "1997-12-31T00:00:00Z"))
          .contains("customer_spend (customer 00007): no row at or before 1997-12-31T00:00:00Z");
      // TTL 365d: fresh at exactly 1999-01-20T00:00Z, expired 1 ms later.
      assertThat(get(p, s, "1999-01-20T00:00:00Z"))
          .contains("customer_purchases (customer 00007) event_time 1998-01-20T00:00:00Z")
          .contains("purchases_365d = 0");
      assertThat(get(p, s, "1999-01-20T00:00:00.001Z"))
          .contains(
              "customer_purchases (customer 00007): expired (the latest row, at"
                  + " 1998-01-20T00:00:00Z, is older than the view's ttl 365d at"
                  + " 1999-01-20T00:00:00.001Z)");
    }
  }
}
