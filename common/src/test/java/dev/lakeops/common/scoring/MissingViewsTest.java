package dev.lakeops.common.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.training.ModelSpec.MissingFeatures;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The missing-views rule serving and batch inference share. */
class MissingViewsTest {
  static final List<String> VIEWS = List.of("prices", "demand", "weather");

  @Test
  void onlyLookedUpViewsWithoutARowAreMissingInTheViewsOrder() {
    Set<String> looked = Set.of("weather", "prices", "demand");
    Set<String> withRow = Set.of("demand");
    assertThat(MissingViews.missing(VIEWS, looked::contains, withRow::contains))
        .containsExactly("prices", "weather");
    // A view the row carries itself is not looked up, so it is never missing.
    assertThat(MissingViews.missing(VIEWS, Set.of("demand")::contains, v -> false))
        .containsExactly("demand");
    assertThat(MissingViews.missing(VIEWS, v -> true, v -> true)).isEmpty();
  }

  @Test
  void theReasonNamesTheTimeTheKeyTheViewsAndThePolicy() {
    assertThat(
            MissingViews.reason(
                "market_id",
                "NSW",
                Instant.parse("1996-05-07T00:00:00Z"),
                List.of("prices"),
                1,
                MissingFeatures.DEAD_LETTER_ALL_MISSING))
        .isEqualTo(
            "no feature row as of the event time 1996-05-07T00:00:00Z for market_id 'NSW' in any"
                + " of the views [prices] (an unknown entity, rows expired by the views' TTL, or"
                + " only later rows); the model's policy serving.on_missing_features:"
                + " dead_letter_all_missing dead-letters it (score_and_flag in models.yaml would"
                + " score it from imputed values)");
    // A row without a time or a key (a table scored in batch) leaves them out.
    assertThat(
            MissingViews.reason(
                null, null, null, List.of("demand"), 2, MissingFeatures.DEAD_LETTER_ANY_MISSING))
        .startsWith("no feature row in the views [demand] (an unknown entity")
        .contains("on_missing_features: dead_letter_any_missing dead-letters it");
  }
}
