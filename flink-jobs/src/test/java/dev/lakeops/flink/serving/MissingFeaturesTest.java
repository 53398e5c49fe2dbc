package dev.lakeops.flink.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.online.FeatureRow;
import dev.lakeops.common.online.OnlineStore;
import dev.lakeops.common.training.ModelSpec.MissingFeatures;
import dev.lakeops.common.training.Signature;
import dev.lakeops.common.types.ColumnType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving reads each view as of the event's time and records the views that had no row; the model's
 * policy in models.yaml decides whether such an event is scored or dead-lettered.
 */
class MissingFeaturesTest {
  @TempDir Path tmp;

  /** A store with one row per (view, key), answering as the online-store contract says. */
  static class FakeStore implements OnlineStore {
    final Map<String, FeatureRow> rows = new HashMap<>();
    final List<String> reads = new ArrayList<>();
    final Map<String, Duration> ttl = new HashMap<>();

    @Override
    public void write(String view, Collection<FeatureRow> rs) {
      rs.forEach(r -> rows.put(view + "/" + r.entityKey(), r));
    }

    @Override
    public Optional<FeatureRow> read(String view, String key, long asOfMillis) {
      reads.add(view + "/" + key + "@" + asOfMillis);
      FeatureRow r = rows.get(view + "/" + key);
      if (r == null || r.eventTimeMillis() > asOfMillis) {
        return Optional.empty();
      }
      Duration t = ttl.get(view);
      return t != null && asOfMillis - r.eventTimeMillis() > t.toMillis()
          ? Optional.empty()
          : Optional.of(r);
    }

    @Override
    public void writeHistories(
        String view, Collection<dev.lakeops.common.online.StoredHistory> histories) {
      throw new UnsupportedOperationException("this test writes value rows only");
    }

    @Override
    public dev.lakeops.common.online.OnlineRead lookup(String view, String key, long asOfMillis) {
      Optional<FeatureRow> r = read(view, key, asOfMillis);
      return r.map(
              row ->
                  new dev.lakeops.common.online.OnlineRead(
                      dev.lakeops.common.online.OnlineRead.Status.FOUND,
                      row,
                      row.eventTimeMillis()))
          .orElseGet(
              () ->
                  new dev.lakeops.common.online.OnlineRead(
                      dev.lakeops.common.online.OnlineRead.Status.NO_ROW, null, null));
    }

    @Override
    public long count(String view) {
      return rows.size();
    }

    @Override
    public void close() {}
  }

  /** Two views: a = {x, y}, b = {z}; the model takes x, z and w (w from no view). */
  static ServingPlan plan(MissingFeatures policy) {
    Map<String, List<String>> views = new LinkedHashMap<>();
    views.put("b", List.of("z"));
    views.put("a", List.of("x", "y"));
    return new ServingPlan(
        "m", "k", views, null, null, StoreOpener.none(), Duration.ofSeconds(1), policy);
  }

  static final List<Signature.Field> INPUTS =
      List.of(
          new Signature.Field("x", ColumnType.DOUBLE),
          new Signature.Field("z", ColumnType.DOUBLE),
          new Signature.Field("w", ColumnType.DOUBLE, true));

  static ScoreFunction.Features lookup(FakeStore store, ServeEvent e) throws Exception {
    ServingPlan plan = plan(MissingFeatures.SCORE_AND_FLAG);
    Map<String, String> routing = Map.of("x", "a", "z", "b");
    return ScoreFunction.lookup(plan, store, routing, INPUTS, e);
  }

  static ServeEvent event(String key, long t, Map<String, Object> fields) {
    return new ServeEvent("e", key, t, fields);
  }

  @Test
  void viewsAreReadAsOfTheEventTimeAndEmptyAnswersAreMissingViews() throws Exception {
    FakeStore store = new FakeStore();
    store.write("a", List.of(new FeatureRow("k1", 5_000, Map.of("x", 1.5, "y", 2.0))));
    store.write("b", List.of(new FeatureRow("k1", 1_000, Map.of("z", 3.0))));

    // both views have a row at or before t = 5000 (a's row is exactly at the event time)
    ScoreFunction.Features f = lookup(store, event("k1", 5_000, Map.of()));
    assertThat(f.missingViews()).isEmpty();
    assertThat(f.looked()).isEqualTo(2);
    assertThat(f.row()).containsEntry("x", 1.5).containsEntry("z", 3.0).containsEntry("w", null);
    assertThat(store.reads).containsExactlyInAnyOrder("a/k1@5000", "b/k1@5000");

    // an event before a's only row: a row from the future is not used, a is missing
    f = lookup(store, event("k1", 4_000, Map.of()));
    assertThat(f.missingViews()).containsExactly("a");
    assertThat(f.row()).containsEntry("x", null).containsEntry("z", 3.0);

    // an unknown entity: every view is missing, in the training set's order (b before a)
    f = lookup(store, event("nobody", 5_000, Map.of()));
    assertThat(f.missingViews()).containsExactly("b", "a");
    assertThat(f.looked()).isEqualTo(2);

    // expired by the TTL: missing as well
    store.ttl.put("b", Duration.ofSeconds(1));
    f = lookup(store, event("k1", 6_001, Map.of()));
    assertThat(f.missingViews()).containsExactly("b");

    // an input the event carries is not read; a view whose every input the event carries is not
    // missing (it was not needed)
    store.reads.clear();
    f = lookup(store, event("nobody", 5_000, Map.of("x", 9.0)));
    assertThat(f.missingViews()).containsExactly("b");
    assertThat(f.looked()).isEqualTo(1);
    assertThat(f.row()).containsEntry("x", 9.0);
    assertThat(store.reads).containsExactly("b/nobody@5000");

    // no store (benchmarks): nothing read, nothing missing
    f =
        ScoreFunction.lookup(
            plan(MissingFeatures.SCORE_AND_FLAG),
            null,
            Map.of("x", "a"),
            INPUTS,
            event("k1", 5_000, Map.of()));
    assertThat(f.missingViews()).isEmpty();
    assertThat(f.looked()).isZero();
  }

  /** A store that breaks its contract: a row later than the read time is still not used. */
  @Test
  void aRowLaterThanTheEventIsNeverUsedEvenIfTheStoreReturnsIt() throws Exception {
    FakeStore careless =
        new FakeStore() {
          @Override
          public Optional<FeatureRow> read(String view, String key, long asOfMillis) {
            return Optional.ofNullable(rows.get(view + "/" + key));
          }
        };
    careless.write("a", List.of(new FeatureRow("k1", 5 * 3_600_000L, Map.of("x", 1.0))));
    careless.write("b", List.of(new FeatureRow("k1", 3 * 3_600_000L, Map.of("z", 2.0))));
    ScoreFunction.Features f = lookup(careless, event("k1", 4 * 3_600_000L, Map.of()));
    assertThat(f.missingViews()).containsExactly("a");
    assertThat(f.row()).containsEntry("x", null).containsEntry("z", 2.0);
  }

  @Test
  void thePolicyDecidesByHowManyOfTheReadViewsAreMissing() {
    // (missing, looked) -> dead letter?
    assertThat(MissingFeatures.DEFAULT).isEqualTo(MissingFeatures.DEAD_LETTER_ALL_MISSING);
    assertThat(MissingFeatures.DEAD_LETTER_ALL_MISSING.deadLetters(2, 2)).isTrue();
    assertThat(MissingFeatures.DEAD_LETTER_ALL_MISSING.deadLetters(1, 1)).isTrue();
    assertThat(MissingFeatures.DEAD_LETTER_ALL_MISSING.deadLetters(1, 2)).isFalse();
    assertThat(MissingFeatures.DEAD_LETTER_ALL_MISSING.deadLetters(0, 2)).isFalse();
    assertThat(MissingFeatures.DEAD_LETTER_ALL_MISSING.deadLetters(0, 0)).isFalse();
    assertThat(MissingFeatures.DEAD_LETTER_ANY_MISSING.deadLetters(1, 2)).isTrue();
    assertThat(MissingFeatures.DEAD_LETTER_ANY_MISSING.deadLetters(0, 2)).isFalse();
    assertThat(MissingFeatures.DEAD_LETTER_ANY_MISSING.deadLetters(0, 0)).isFalse();
    assertThat(MissingFeatures.SCORE_AND_FLAG.deadLetters(2, 2)).isFalse();
    assertThat(MissingFeatures.SCORE_AND_FLAG.deadLetters(1, 2)).isFalse();
  }

  /** A copy of the Elec2 example whose models.yaml says {@code serving: <text>} (or nothing). */
  Path project(String serving) throws IOException {
    Path from = ServingFixture.repo().resolve("conf/examples/elec2");
    Path to =
        Files.createDirectories(tmp.resolve("p" + Math.abs(String.valueOf(serving).hashCode())));
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        String text = Files.readString(f);
        if (f.getFileName().toString().equals("models.yaml")) {
          text = text.replaceAll("(?m)^\\s*serving:.*$", "");
          if (serving != null) {
            text = text + "    serving: " + serving + "\n";
          }
        }
        Files.writeString(to.resolve(f.getFileName()), text);
      }
    }
    return to;
  }

  @Test
  void thePolicyIsReadFromModelsYamlAndCheckedAtLoad() throws Exception {
    ProjectConfig p = ProjectLoader.load(project(null));
    assertThat(p.models().get("price_direction").onMissingFeatures())
        .isEqualTo(MissingFeatures.DEAD_LETTER_ALL_MISSING);
    p = ProjectLoader.load(project("{on_missing_features: score_and_flag}"));
    assertThat(p.models().get("price_direction").onMissingFeatures())
        .isEqualTo(MissingFeatures.SCORE_AND_FLAG);
    p = ProjectLoader.load(project("{on_missing_features: dead_letter_any_missing}"));
    assertThat(p.models().get("price_direction").onMissingFeatures())
        .isEqualTo(MissingFeatures.DEAD_LETTER_ANY_MISSING);
    // the shipped example states the default
    assertThat(
            ProjectLoader.load(ServingFixture.repo().resolve("conf/examples/cdnow"))
                .models()
                .get("repeat_purchase")
                .onMissingFeatures())
        .isEqualTo(MissingFeatures.DEAD_LETTER_ALL_MISSING);

    Path bad = project("{on_missing_features: sometimes}");
    assertThatThrownBy(() -> ProjectLoader.load(bad))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("models.yaml")
        .hasMessageContaining("serving.on_missing_features")
        .hasMessageContaining("unknown on_missing_features policy 'sometimes'")
        .hasMessageContaining("[dead_letter_all_missing, dead_letter_any_missing, score_and_flag]")
        .hasMessageContaining("Fix: write e.g. 'serving: {on_missing_features:");
    assertThatThrownBy(() -> ProjectLoader.load(project("{on_missing: score_and_flag}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown field 'on_missing'")
        .hasMessageContaining("[on_missing_features]");
    assertThatThrownBy(() -> ProjectLoader.load(project("score_and_flag")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'serving' must be a mapping");
  }
}
