package dev.lakeops.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.ConfigProblem;
import dev.lakeops.common.expr.Expr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entity keys in config: numeric, date and composite keys, sources whose rows carry several
 * entities, training sets over them, and what is refused, each at its file and field.
 */
class EntityKeysConfigTest {
  @TempDir Path tmp;

  private static final String ENTITIES =
      """
      entities:
        - {name: user, key: user_id}
        - {name: item, key: item_id}
        - {name: store_product, key: sp_key, join_keys: [store_id, product_id]}
      """;

  private static final String SCHEMA =
      """
          schema:
            - {name: user_id, type: int}
            - {name: item_id, type: long}
            - {name: store_id, type: string}
            - {name: product_id, type: int}
            - {name: score, type: double}
            - {name: ok, type: boolean}
            - {name: t, type: string}
      """;

  @Test
  void aSourceCarriesTheKeysOfSeveralEntitiesReadFromTheirColumnsByDefault() throws IOException {
    ProjectConfig p = load(source("entities: [user, item, store_product]"), views(), "", "");
    SourceConfig s = p.sources().get("ratings");
    assertThat(s.entities()).containsExactly("user", "item", "store_product");
    assertThat(s.entity()).isEqualTo("user");
    assertThat(s.keyColumns()).containsExactly("user_id", "item_id", "sp_key");
    assertThat(s.key("store_product").orElseThrow().parts())
        .containsExactly(new Expr.Column("store_id"), new Expr.Column("product_id"));
    assertThat(s.key("item").orElseThrow().text()).isEqualTo("item_id");
  }

  @Test
  void keyExpressionsCanBeGivenPerEntity() throws IOException {
    ProjectConfig p =
        load(
            source("entities: {user: user_id, store_product: [lower(store_id), product_id]}"),
            "",
            "",
            "");
    SourceKey k = p.sources().get("ratings").key("store_product").orElseThrow();
    assertThat(k.texts()).containsExactly("lower(store_id)", "product_id");
    assertThat(k.column()).isEqualTo("sp_key");
  }

  @Test
  void aKeyColumnIsTextToFeatureExpressions() throws IOException {
    Path dir = Files.createTempDirectory(tmp, "p");
    write(
        dir,
        source("entities: [user, item]"),
        views("{name: s_%v, agg: sum, expr: item_id, window: 1d}"),
        "",
        "");
    ConfigException e = assertThrows(ConfigException.class, () -> ProjectLoader.load(dir));
    assertThat(e.problems())
        .extracting(ConfigProblem::problem)
        .containsOnly("expected an expression of type NUMBER, but \"item_id\" is STRING.");
  }

  @Test
  void aTrainingSetJoinsViewsOfEveryEntityItsLabelCarries() throws IOException {
    ProjectConfig p =
        load(
            source("entities: [user, item]"),
            views("{name: n_%v, agg: count, window: 1d}"),
            "labels:\n  - {name: rating, source: ratings, value: score}\n",
            "training_sets:\n  - {name: ts, label: rating, features: [by_user, by_item]}\n");
    assertThat(p.labels().get("rating").entities()).containsExactly("user", "item");
    assertThat(p.trainingSets().get("ts").features()).hasSize(2);
  }

  @Test
  void aViewOfAnEntityTheLabelLacksIsRefusedAtTheFeatureEntry() throws IOException {
    ConfigProblem p =
        refusedAt(
            "training_sets.yaml",
            source("entities: [user, item]")
                + "  - name: users\n    format: jsonl\n    path: u\n    entity: user\n"
                + "    event_time: {column: t}\n"
                + SCHEMA,
            views("{name: n_%v, agg: count, window: 1d}")
                + "  - {name: user_only, entity: user, source: users, ttl: 1d, features: [{name:"
                + " m, agg: count, window: 1d}]}\n",
            "labels:\n  - {name: seen, source: users, value: score}\n",
            "training_sets:\n  - {name: ts, label: seen, features: [user_only, by_item]}\n");
    assertThat(p.field()).isEqualTo("training_sets[0].features[1]");
    assertThat(p.problem())
        .isEqualTo(
            "view 'by_item' is keyed by entity 'item' but the rows of label 'seen' carry the keys"
                + " of [user] only.");
  }

  @Test
  void aKeyColumnOfATypeThatCannotBeAKeyIsRefused() throws IOException {
    ConfigProblem p =
        refusedAt("sources.yaml", source("entity: user\n    entity_key: score"), "", "", "");
    assertThat(p.field()).isEqualTo("sources[0].entity_key");
    assertThat(p.problem())
        .isEqualTo(
            "column 'score' is double, which cannot be an entity key: a key is text, an integer"
                + " or a date.");
    assertThat(p.fix()).contains("declare the column int or long");
    assertThat(
            refusedAt("sources.yaml", source("entity: user\n    entity_key: ok"), "", "", "")
                .problem())
        .startsWith("column 'ok' is boolean");
  }

  @Test
  void aCompositeKeyNeedsOneExpressionPerPart() throws IOException {
    ConfigProblem p =
        refusedAt(
            "sources.yaml", source("entity: store_product\n    entity_key: store_id"), "", "", "");
    assertThat(p.field()).isEqualTo("sources[0].entity_key");
    assertThat(p.problem())
        .isEqualTo(
            "entity 'store_product' has a key of 2 parts [store_id, product_id], but 1"
                + " expression(s) are given.");
  }

  @Test
  void aMissingKeyColumnIsNamed() throws IOException {
    ConfigProblem p =
        refusedAt(
            "sources.yaml",
            source("entities: [user]")
                .replace("{name: user_id, type: int}", "{name: uid, type: int}"),
            "",
            "",
            "");
    assertThat(p.field()).isEqualTo("sources[0].entities.user");
    assertThat(p.problem()).contains("the schema has no column [user_id]");
  }

  @Test
  void entityAndEntitiesTogetherAreRefused() throws IOException {
    ConfigProblem p =
        refusedAt("sources.yaml", source("entity: user\n    entities: [item]"), "", "", "");
    assertThat(p.field()).isEqualTo("sources[0]");
    assertThat(p.problem()).contains("either 'entity'").contains("or 'entities'");
  }

  @Test
  void aCompositeEntityNeedsTwoPartsAndAKeyColumnApartFromThem() throws IOException {
    Path dir = Files.createTempDirectory(tmp, "p");
    write(dir, source("entity: user"), "", "", "");
    Files.writeString(
        dir.resolve("entities.yaml"),
        "entities:\n"
            + "  - {name: user, key: user_id}\n"
            + "  - {name: a, key: a_key, join_keys: [store_id]}\n"
            + "  - {name: b, key: store_id, join_keys: [store_id, product_id]}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ProjectLoader.load(dir));
    assertThat(e.problems())
        .extracting(ConfigProblem::field)
        .containsExactly("entities[1].join_keys", "entities[2].key");
  }

  /** A dimension source without an event time: valid always, keyed uniquely, views with no TTL. */
  @Test
  void aDimensionSourceIsValidAlwaysAndUniqueByItsKey() throws IOException {
    String dim =
        "  - name: catalog\n    format: jsonl\n    path: c\n    dimension: true\n"
            + "    entity: item\n    schema:\n      - {name: item_id, type: int}\n"
            + "      - {name: category, type: string}\n";
    ProjectConfig p =
        load(
            source("entities: [user, item]") + dim,
            "feature_views:\n"
                + "  - {name: cat, entity: item, source: catalog, features: [{name: c, expr:"
                + " category}]}\n"
                + "  - {name: n, entity: user, source: ratings, ttl: none, features: [{name: k,"
                + " agg: count, window: 1d}]}\n",
            "",
            "");
    SourceConfig c = p.sources().get("catalog");
    assertThat(c.dimension()).isTrue();
    assertThat(c.uniqueKey()).containsExactly("item_id");
    // Valid from 1900-01-01T00:00Z: before every label and every served event.
    assertThat(EventTime.VALID_ALWAYS).isEqualTo(java.time.Instant.parse("1900-01-01T00:00:00Z"));
    assertThat(c.eventTime()).isEqualTo(EventTime.validAlways());
    assertThat(p.featureViews().get("cat").ttl()).isNull();
    assertThat(p.featureViews().get("n").ttl()).isNull();
  }

  /** A dimension source with a valid-from column: its unique key is the key and that column. */
  @Test
  void aDimensionSourceWithAValidFromColumnIsUniqueByKeyAndTime() throws IOException {
    String dim =
        "  - name: prices\n    format: jsonl\n    path: c\n    dimension: true\n"
            + "    entity: store_product\n    event_time: {column: valid_from}\n    schema:\n"
            + "      - {name: store_id, type: string}\n      - {name: product_id, type: int}\n"
            + "      - {name: valid_from, type: date}\n      - {name: price, type: double}\n";
    ProjectConfig p = load(source("entities: [user]") + dim, "", "", "");
    assertThat(p.sources().get("prices").uniqueKey())
        .containsExactly("store_id", "product_id", "valid_from");
  }

  /** A view of an event source still needs its TTL: only dimension views default to none. */
  @Test
  void aViewOfAnEventSourceWithoutTtlIsRefused() throws IOException {
    ConfigProblem p =
        refusedAt(
            "feature_views.yaml",
            source("entities: [user]"),
            "feature_views:\n  - {name: n, entity: user, source: ratings, features: [{name: k,"
                + " agg: count, window: 1d}]}\n",
            "",
            "");
    assertThat(p.field()).isEqualTo("feature_views[0].ttl");
  }

  // ---- a small project --------------------------------------------------------------------

  private static String source(String entities) {
    return "sources:\n  - name: ratings\n    format: jsonl\n    path: r\n    "
        + entities
        + "\n    event_time: {column: t}\n"
        + SCHEMA;
  }

  private static String views(String... features) {
    if (features.length == 0) {
      return "";
    }
    StringBuilder sb = new StringBuilder("feature_views:\n");
    for (String[] v : new String[][] {{"by_user", "user"}, {"by_item", "item"}}) {
      sb.append("  - {name: ")
          .append(v[0])
          .append(", entity: ")
          .append(v[1])
          .append(", source: ratings, ttl: 1d, features: [")
          .append(String.join(", ", features).replace("%v", v[0]))
          .append("]}\n");
    }
    return sb.toString();
  }

  private ProjectConfig load(String sources, String views, String labels, String sets)
      throws IOException {
    Path dir = Files.createTempDirectory(tmp, "p");
    write(dir, sources, views, labels, sets);
    return ProjectLoader.load(dir);
  }

  private ConfigProblem refusedAt(
      String file, String sources, String views, String labels, String sets) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "p");
    write(dir, sources, views, labels, sets);
    ConfigException e = assertThrows(ConfigException.class, () -> ProjectLoader.load(dir));
    assertThat(e.problems()).as(e.getMessage()).hasSize(1);
    ConfigProblem p = e.problems().get(0);
    assertThat(p.file()).endsWith(file);
    return p;
  }

  private static void write(Path dir, String sources, String views, String labels, String sets)
      throws IOException {
    Files.writeString(dir.resolve("project.yaml"), "name: keys\ndatabase: keys\n");
    Files.writeString(dir.resolve("entities.yaml"), ENTITIES);
    Files.writeString(dir.resolve("sources.yaml"), sources);
    Files.writeString(
        dir.resolve("feature_views.yaml"), views.isEmpty() ? "feature_views: []\n" : views);
    if (!labels.isEmpty()) {
      Files.writeString(dir.resolve("labels.yaml"), labels);
    }
    if (!sets.isEmpty()) {
      Files.writeString(dir.resolve("training_sets.yaml"), sets);
    }
  }
}
